package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.GoDurations;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimeoutRetryPoliciesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({"30s, 30000", "1m30s, 90000", "250ms, 250", "1.5s, 1500", "2h, 7200000", "0s, 0"})
  void parsesGoDurations(String text, long millis) {
    assertThat(GoDurations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"", "30", "s", "1d", "-1s", "1 s", "PT1S", "999999999999h"})
  void rejectsWhatIsNotAGoDuration(String text) {
    assertThat(GoDurations.parse(text)).isNull();
  }

  static HTTPProxySpec.TimeoutPolicy timeout(String response, String idle, String idleConnection) {
    HTTPProxySpec.TimeoutPolicy t = new HTTPProxySpec.TimeoutPolicy();
    t.setResponse(response);
    t.setIdle(idle);
    t.setIdleConnection(idleConnection);
    return t;
  }

  @Test
  void timeouts() {
    List<ProxyVerdict.Error> errors = new ArrayList<>();

    assertThat(RoutePolicies.timeouts(null, "r", errors)).isEqualTo(RoutingTable.Timeouts.DEFAULT);
    assertThat(RoutePolicies.timeouts(timeout("1m", "infinity", null), "r", errors))
        .isEqualTo(new RoutingTable.Timeouts(Duration.ofMinutes(1), Duration.ZERO));
    assertThat(errors).isEmpty();

    RoutePolicies.timeouts(timeout("soon", null, "5m"), "spec.routes[2]", errors);
    assertThat(errors)
        .extracting(e -> e.reason() + ": " + e.message())
        .containsExactly(
            "TimeoutPolicyNotValid: spec.routes[2].timeoutPolicy.response: \"soon\" is not a"
                + " duration (e.g. 30s, 1m30s, 250ms, infinity)");
  }

  @ParameterizedTest(name = "''{0}''")
  @CsvSource(
      value = {"null, null", "5m, 300000", "1.5s, 1500", "infinity, 0", "infinite, 0"},
      nullValues = "null")
  void idleConnectionTimeouts(String text, Long millis) {
    List<ProxyVerdict.Error> errors = new ArrayList<>();

    Duration result =
        RoutePolicies.idleConnection(timeout(null, null, text), "spec.routes[0]", errors);

    assertThat(result).isEqualTo(millis == null ? null : Duration.ofMillis(millis));
    assertThat(errors).isEmpty();
  }

  @Test
  void anIdleConnectionTimeoutThatIsNoDurationIsReported() {
    List<ProxyVerdict.Error> errors = new ArrayList<>();

    assertThat(RoutePolicies.idleConnection(null, "spec.routes[1]", errors)).isNull();
    RoutePolicies.idleConnection(timeout("1s", "1s", "often"), "spec.routes[1]", errors);

    assertThat(errors)
        .extracting(e -> e.reason() + ": " + e.message())
        .containsExactly(
            "TimeoutPolicyNotValid: spec.routes[1].timeoutPolicy.idleConnection: \"often\" is not"
                + " a duration (e.g. 30s, 1m30s, 250ms, infinity)");
  }

  static HTTPProxySpec.RetryPolicy retry(
      Long count, String perTry, List<String> on, List<Long> codes) {
    HTTPProxySpec.RetryPolicy r = new HTTPProxySpec.RetryPolicy();
    r.setCount(count);
    r.setPerTryTimeout(perTry);
    r.setRetryOn(new ArrayList<>(on));
    r.setRetriableStatusCodes(new ArrayList<>(codes));
    return r;
  }

  record RetryCase(
      String name, HTTPProxySpec.RetryPolicy policy, RoutingTable.Retry expected, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<RetryCase> retries() {
    return Stream.of(
        new RetryCase("none", null, null, null),
        new RetryCase(
            "defaults: once on 5xx",
            retry(null, null, List.of(), List.of()),
            new RoutingTable.Retry(List.of("5xx"), 1, null, List.of()),
            null),
        new RetryCase(
            "HTTP and gRPC conditions, status codes, per-try timeout",
            retry(
                3L,
                "250ms",
                List.of("unavailable", "retriable-status-codes", "gateway-error"),
                List.of(503L, 502L)),
            new RoutingTable.Retry(
                List.of("gateway-error", "retriable-status-codes", "unavailable"),
                3,
                Duration.ofMillis(250),
                List.of(502, 503)),
            null),
        new RetryCase(
            "unknown condition",
            retry(1L, null, List.of("sometimes"), List.of()),
            null,
            "RetryPolicyNotValid: spec.routes[0].retryPolicy.retryOn: \"sometimes\" is not one of"),
        new RetryCase(
            "status code out of range",
            retry(1L, null, List.of("retriable-status-codes"), List.of(99L)),
            null,
            "RetryPolicyNotValid: spec.routes[0].retryPolicy.retriableStatusCodes: 99 is not an HTTP status code"),
        new RetryCase(
            "count -1 disables retries (Contour)",
            retry(-1L, null, List.of(), List.of()),
            new RoutingTable.Retry(List.of("5xx"), 0, null, List.of()),
            null),
        new RetryCase(
            "count 0 is Envoy's default of one retry (Contour)",
            retry(0L, null, List.of(), List.of()),
            new RoutingTable.Retry(List.of("5xx"), 1, null, List.of()),
            null),
        new RetryCase(
            "count below -1",
            retry(-2L, null, List.of(), List.of()),
            null,
            "RetryPolicyNotValid: spec.routes[0].retryPolicy.count: -2 is outside -1..100"),
        new RetryCase(
            "per-try timeout not a duration",
            retry(1L, "fast", List.of(), List.of()),
            null,
            "RetryPolicyNotValid: spec.routes[0].retryPolicy.perTryTimeout: \"fast\" is not a duration"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("retries")
  void retryPolicies(RetryCase c) {
    List<ProxyVerdict.Error> errors = new ArrayList<>();

    RoutingTable.Retry result =
        Outcome.orReportAbsent(RoutePolicies.retry(c.policy(), "spec.routes[0]"), errors);

    assertThat(result).isEqualTo(c.expected());
    if (c.error() == null) {
      assertThat(errors).isEmpty();
    } else {
      assertThat(errors)
          .singleElement()
          .satisfies(e -> assertThat(e.reason() + ": " + e.message()).startsWith(c.error()));
    }
  }
}
