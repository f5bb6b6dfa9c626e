package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MirrorNamesTest {
  private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

  static Stream<Arguments> shortNames() {
    return Stream.of(
        Arguments.of("east", "kuard", "east-kuard"),
        Arguments.of("west", "a", "west-a"),
        Arguments.of("c1", "svc-with-dashes", "c1-svc-with-dashes"),
        // exactly 63 characters stays as it is
        Arguments.of("east", "s".repeat(58), "east-" + "s".repeat(58)));
  }

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @MethodSource("shortNames")
  void shortNamesAreClusterDashService(String cluster, String service, String expected) {
    assertThat(MirrorNames.mirrorServiceName(cluster, service)).isEqualTo(expected);
  }

  @Test
  void longNamesAreTruncatedTo63WithAHash() {
    String service = "a-very-long-service-name-that-goes-on-and-on-and-on-for-ever-x";
    String name = MirrorNames.mirrorServiceName("east", service);

    assertThat(name).hasSize(63).startsWith("east-a-very-long-service-name").matches(DNS_1035);
    assertThat(name).isEqualTo(MirrorNames.mirrorServiceName("east", service));
  }

  @Test
  void longNamesThatShareAPrefixStillDiffer() {
    String common = "x".repeat(70);
    assertThat(MirrorNames.mirrorServiceName("east", common + "1"))
        .isNotEqualTo(MirrorNames.mirrorServiceName("east", common + "2"));
    assertThat(MirrorNames.mirrorServiceName("east", common))
        .isNotEqualTo(MirrorNames.mirrorServiceName("west", common));
  }

  @Test
  void truncationNeverLeavesADashBeforeTheHash() {
    // The cut falls right after a run of dashes.
    String service = "b".repeat(46) + "-----" + "c".repeat(20);
    String name = MirrorNames.mirrorServiceName("east", service);

    assertThat(name).matches(DNS_1035).doesNotContain("--");
    assertThat(name.length()).isLessThanOrEqualTo(63);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "East", "1east", "east-", "-east", "ea_st", "ea.st"})
  void badClusterNamesAreRejectedWithTheReason(String cluster) {
    assertThat(MirrorNames.clusterNameProblem(cluster)).isNotNull().contains("cluster name");
    assertThatThrownBy(() -> MirrorNames.mirrorServiceName(cluster, "svc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cluster name");
  }

  @Test
  void tooLongClusterNameIsRejected() {
    assertThat(MirrorNames.clusterNameProblem("a".repeat(64))).contains("longer than 63");
  }

  @ParameterizedTest
  @ValueSource(strings = {"east", "e", "us-east-1", "c0"})
  void goodClusterNamesAreAccepted(String cluster) {
    assertThat(MirrorNames.clusterNameProblem(cluster)).isNull();
  }
}
