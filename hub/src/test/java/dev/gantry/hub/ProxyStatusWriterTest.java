package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxyStatus;
import dev.gantry.xds.ir.ProxyVerdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyStatusWriterTest {
  private static final String NOW = "2026-11-22T12:00:00Z";

  @Test
  void warningsAreReportedOnAValidProxyAsContourDoes() {
    ProxyVerdict verdict =
        new ProxyVerdict(
            "demo",
            "a",
            2,
            ProxyVerdict.VALID,
            "Valid HTTPProxy",
            List.of(),
            List.of(
                new ProxyVerdict.Error("SpecError", "IgnoredField", "spec.routes[0]: ignored")));

    HTTPProxyStatus status = verdict.status(null, NOW);

    HTTPProxyStatus.DetailedCondition valid = status.getConditions().get(0);
    assertThat(status.getCurrentStatus()).isEqualTo("valid");
    assertThat(valid.getStatus()).isEqualTo("True");
    assertThat(valid.getErrors()).isEmpty();
    assertThat(valid.getWarnings())
        .containsExactly(
            new HTTPProxyStatus.SubCondition(
                "SpecError", "IgnoredField", "spec.routes[0]: ignored"));
  }

  @Test
  void aChangedWarningIsAChangedStatus() {
    ProxyVerdict without =
        new ProxyVerdict("demo", "a", 2, ProxyVerdict.VALID, "Valid HTTPProxy", List.of());
    ProxyVerdict with =
        new ProxyVerdict(
            "demo",
            "a",
            2,
            ProxyVerdict.VALID,
            "Valid HTTPProxy",
            List.of(),
            List.of(new ProxyVerdict.Error("SpecError", "IgnoredField", "ignored")));

    HTTPProxyStatus before = without.status(null, NOW);

    assertThat(with.status(before, NOW).getConditions()).isNotEqualTo(before.getConditions());
    assertThat(without.status(before, NOW).getConditions()).isEqualTo(before.getConditions());
  }

  @Test
  void theAddressIsKeptFromTheStatusBeforeAndPartOfWhatIsCompared() {
    ProxyVerdict verdict =
        new ProxyVerdict("demo", "a", 2, ProxyVerdict.VALID, "Valid HTTPProxy", List.of());
    HTTPProxyStatus before = verdict.status(null, NOW);
    before.setLoadBalancer(StatusAddress.parse("192.0.2.10"));

    // A new verdict does not drop the address: it is not the verdict's (Contour keeps it too).
    HTTPProxyStatus next = verdict.status(before, NOW);
    assertThat(next.getLoadBalancer()).isEqualTo(StatusAddress.parse("192.0.2.10"));
    assertThat(next).isEqualTo(before);

    // Another address is another status: it is written.
    next.setLoadBalancer(StatusAddress.parse("lb.example.com"));
    assertThat(next).isNotEqualTo(before);
  }
}
