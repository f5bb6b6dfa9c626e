package dev.gantry.xds.compile.httpproxy;

import static dev.gantry.xds.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.ir.Upstream;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A service's {@code healthPort}, as Contour reads it: with a health check policy (a route's or a
 * TCP proxy's) the checks go to that port of the Service, which must be one of its ports; without
 * one, or equal to {@code port}, it changes nothing. The health port is part of the cluster's name.
 */
class HealthPortsTest {
  static final FederatedService APP =
      service("demo/app")
          .port("http", 80)
          .port("health", 8081)
          .cluster("east", 0, 1, "http", "10.0.0.1:8080")
          .build();

  static final FederationSnapshot SNAPSHOT =
      new FederationSnapshot(Map.of(APP.name(), APP), Map.of());

  /**
   * What a case expects: the health port number of each cluster (0 for none), and the errors
   * (type/reason: message).
   */
  record Case(String name, String spec, List<Integer> healthPorts, List<String> errors) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String CHECKED = "healthCheckPolicy: {path: /healthz}";

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "with a health check: the checks go to the health port, a cluster of its own",
            "routes:\n"
                + "- services: [{name: app, port: 80, healthPort: 8081}]\n"
                + "  "
                + CHECKED
                + "\n"
                + "- conditions: [{prefix: /same}]\n"
                + "  services: [{name: app, port: 80}]\n"
                + "  "
                + CHECKED,
            List.of(0, 8081),
            List.of()),
        new Case(
            "without a health check: ignored, the plain cluster",
            "routes: [{services: [{name: app, port: 80, healthPort: 8081}]}]",
            List.of(0),
            List.of()),
        new Case(
            "the service's own port: nothing changes",
            "routes: [{services: [{name: app, port: 80, healthPort: 80}], " + CHECKED + "}]",
            List.of(0),
            List.of()),
        new Case(
            "a TCP proxy's health check goes to the health port too",
            "tcpproxy:\n"
                + "  services: [{name: app, port: 80, healthPort: 8081}]\n"
                + "  healthCheckPolicy: {intervalSeconds: 5}",
            List.of(8081),
            List.of()),
        new Case(
            "not a port of the Service: invalid, as Contour",
            "routes: [{services: [{name: app, port: 80, healthPort: 9999}], " + CHECKED + "}]",
            List.of(),
            List.of(
                "ServiceError/ServiceUnresolvedReference: spec.routes[0].services[0]: service"
                    + " \"demo/app\": healthPort 9999 is not defined")),
        new Case(
            "out of range (Contour's CRD refuses it): invalid, with or without a health check",
            "routes: [{services: [{name: app, port: 80, healthPort: 70000}]}]",
            List.of(),
            List.of(
                "ServiceError/ServicePortInvalid: spec.routes[0].services[0]: healthPort 70000 is"
                    + " not 1-65535")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void compiles(Case c) {
    boolean tcp = c.spec().startsWith("tcpproxy");
    HTTPProxy proxy =
        Serialization.unmarshal(
            "apiVersion: projectcontour.io/v1\nkind: HTTPProxy\n"
                + "metadata: {name: p, namespace: demo}\n"
                + "spec:\n  ingressClassName: gantry\n"
                + (tcp
                    ? "  virtualhost: {fqdn: a.test, tls: {passthrough: true}}\n"
                    : "  virtualhost: {fqdn: a.test}\n")
                + c.spec().indent(2),
            HTTPProxy.class);

    ProxyCompiler.Result result =
        new ProxyCompiler("gantry").compile(List.of(proxy), SNAPSHOT, Map.of());

    assertThat(result.verdicts().get(0).errors())
        .extracting(e -> e.type() + "/" + e.reason() + ": " + e.message())
        .isEqualTo(c.errors());
    assertThat(result.table().upstreams().values())
        .extracting(u -> u.healthPort() == null ? 0 : u.healthPort().port())
        .containsExactlyInAnyOrderElementsOf(c.healthPorts());
    assertThat(result.table().upstreams().values())
        .filteredOn(u -> u.healthPort() != null)
        .allSatisfy(u -> assertThat(u.healthPort().name()).isEqualTo("health"))
        .allSatisfy(u -> assertThat(u.healthCheck()).isNotNull());
  }

  @org.junit.jupiter.api.Test
  void theHealthPortNamesItsOwnCluster() {
    Upstream plain =
        dev.gantry.xds.compile.ServiceResolver.resolve(
                "demo",
                dev.gantry.xds.Fixtures.routeService("app", 80, null),
                SNAPSHOT,
                ClusterPoliciesOf.checked(),
                "spec")
            .value();
    dev.gantry.api.crd.contour.HTTPProxySpec.RouteService withPort =
        dev.gantry.xds.Fixtures.routeService("app", 80, null);
    withPort.setHealthPort(8081);
    Upstream checkedThere =
        dev.gantry.xds.compile.ServiceResolver.resolve(
                "demo", withPort, SNAPSHOT, ClusterPoliciesOf.checked(), "spec")
            .value();

    assertThat(checkedThere.name()).isNotEqualTo(plain.name()).startsWith("demo/app/80/");
  }

  /** Cluster policies with a health check. */
  private static final class ClusterPoliciesOf {
    static dev.gantry.xds.compile.ServiceResolver.ClusterPolicies checked() {
      return new dev.gantry.xds.compile.ServiceResolver.ClusterPolicies(
          Upstream.Strategy.ROUND_ROBIN,
          null,
          dev.gantry.xds.ir.HealthCheck.tcp(
              java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(2), 3, 2));
    }
  }
}
