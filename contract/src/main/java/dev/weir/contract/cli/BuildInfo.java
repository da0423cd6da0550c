package dev.weir.contract.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version and the git commit the jars were built from, written into {@code
 * build-info.properties} by the build (git-commit-id-maven-plugin); {@code unknown} for a build
 * outside a git checkout. What {@code --version} prints and {@code weir_build_info} carries.
 */
public record BuildInfo(String version, String commit) {
  private static final String UNKNOWN = "unknown";

  /** This build's. */
  public static final BuildInfo CURRENT = load();

  private static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in =
        BuildInfo.class.getResourceAsStream("/dev/weir/contract/build-info.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // An unreadable resource in our own jar: say unknown rather than fail --version.
    }
    String commit = value(p.getProperty("commit"));
    if (!commit.equals(UNKNOWN) && "true".equals(p.getProperty("dirty"))) {
      commit += "-dirty";
    }
    return new BuildInfo(value(p.getProperty("version")), commit);
  }

  // An unset Maven property stays "${...}" in a filtered resource.
  private static String value(String raw) {
    return raw == null || raw.isBlank() || raw.startsWith("${") ? UNKNOWN : raw.strip();
  }

  /** For picocli's {@code versionProvider}: what {@code --version} prints. */
  public static final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"weir " + CURRENT.version() + " (commit " + CURRENT.commit() + ")"};
    }
  }
}
