package dev.weir.contract.snapshot;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A route path matched as nginx matches ingress-nginx's regex locations ({@code location ~*
 * "^path"}): a regular expression, case-insensitive, anchored at the start of the request path and
 * not at its end.
 *
 * <p>The engine is RE2 (re2j), not {@code java.util.regex}: request paths are untrusted, and a
 * backtracking engine lets a pattern such as {@code /(a+)+$} take exponential time on a crafted
 * path. RE2 matches in time linear in the path's length whatever the pattern; what it cannot do in
 * linear time (backreferences, lookaround) it refuses to compile, and the operator reports such a
 * path instead of serving it.
 */
public final class PathRegex {
  private final Pattern pattern;

  private PathRegex(Pattern pattern) {
    this.pattern = pattern;
  }

  /**
   * The route path {@code path} as a regex location.
   *
   * @throws IllegalArgumentException when it is no regular expression RE2 accepts
   */
  public static PathRegex compile(String path) {
    try {
      return new PathRegex(Pattern.compile(path, Pattern.CASE_INSENSITIVE));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(e.getDescription(), e);
    }
  }

  /** Why {@code path} cannot be a regex location, or null when it can. */
  public static String problem(String path) {
    try {
      compile(path);
      return null;
    } catch (IllegalArgumentException e) {
      return "is not a regular expression Weir can match in linear time (" + e.getMessage() + ")";
    }
  }

  /** Whether the request path {@code path} begins with a match. */
  public boolean matches(String path) {
    return pattern.matcher(path).lookingAt();
  }

  /**
   * The captures of the match at the start of {@code path}: group 0 (the match) and each group,
   * null for a group that took no part; null when it does not match.
   */
  public String[] captures(String path) {
    Matcher m = pattern.matcher(path);
    if (!m.lookingAt()) {
      return null;
    }
    String[] groups = new String[m.groupCount() + 1];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = m.group(i);
    }
    return groups;
  }

  @Override
  public String toString() {
    return "~* ^" + pattern.pattern();
  }
}
