package dev.weir.contract.snapshot;

import java.util.List;

/** The checks of a route's {@link Rewrite} and {@link Redirect}: values that go into headers. */
final class RewriteCheck {
  private RewriteCheck() {}

  static void check(Rewrite rewrite, Redirect redirect, String at, List<String> problems) {
    if (rewrite != null) {
      if (rewrite.target() != null && !isHeaderText(rewrite.target())) {
        problems.add(at + ".rewrite.target: must be printable ASCII without spaces");
      }
      if (rewrite.forwardedPrefix() != null && !isHeaderText(rewrite.forwardedPrefix())) {
        problems.add(at + ".rewrite.forwardedPrefix: must be printable ASCII without spaces");
      }
      if (rewrite.appRoot() != null
          && (!rewrite.appRoot().startsWith("/") || !isHeaderText(rewrite.appRoot()))) {
        problems.add(at + ".rewrite.appRoot: must be a path (printable ASCII, starting with '/')");
      }
    }
    if (redirect != null) {
      if (redirect.location() == null || !isHeaderText(redirect.location())) {
        problems.add(at + ".redirect.location: must be printable ASCII without spaces");
      }
      if (redirect.code() < 300 || redirect.code() > 308) {
        problems.add(at + ".redirect.code: must be between 300 and 308");
      }
    }
  }

  private static boolean isHeaderText(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }
}
