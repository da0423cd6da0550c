package dev.weir.contract.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuildInfoTest {
  @Test
  void theBuildWritesItsVersionAndCommit() {
    assertThat(BuildInfo.CURRENT.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    // A build outside a git checkout says so instead of failing.
    assertThat(BuildInfo.CURRENT.commit()).matches("[0-9a-f]{12}(-dirty)?|unknown");
  }

  @Test
  void versionNamesBoth() {
    assertThat(new BuildInfo.VersionProvider().getVersion())
        .containsExactly(
            "weir " + BuildInfo.CURRENT.version() + " (commit " + BuildInfo.CURRENT.commit() + ")");
  }
}
