package dev.gantry.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuildInfoTest {
  @Test
  void versionIsTheMavenProjectVersionFilteredIn() {
    // The surefire run sees the same filtered resources as the jar.
    assertThat(BuildInfo.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
  }

  @Test
  void revisionIsUnknownUnlessTheBuildWasTold() {
    assertThat(BuildInfo.revision()).isNotBlank().doesNotContain("${");
  }
}
