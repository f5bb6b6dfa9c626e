package dev.gantry.xds.compile.httpproxy;

import static dev.gantry.xds.Fixtures.proxy;
import static dev.gantry.xds.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.Include;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.HostileProxies;
import dev.gantry.xds.TestCertificates;
import dev.gantry.xds.tls.TlsSecrets;
import dev.gantry.xds.translate.XdsAssembler;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A memoizing compiler reuses the hosts of the roots that did not change, and its result is always
 * the one a fresh compiler gives for the same input: over a sequence of builds in which services,
 * proxies, claims on an fqdn, includes and certificates change.
 */
class RootMemoTest {
  private static final TestCertificates.Issued CERT = TestCertificates.rsa("web", "web.example");

  private final ProxyCompiler memoizing = new ProxyCompiler("gantry").memoizing();

  /** Compiles with both compilers, asserts they agree, and returns how many roots were reused. */
  private int build(
      List<HTTPProxy> proxies,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates) {
    ProxyCompiler.Result fresh =
        new ProxyCompiler("gantry").compile(proxies, snapshot, certificates);
    ProxyCompiler.Result memoized = memoizing.compile(proxies, snapshot, certificates);
    assertThat(memoized).isEqualTo(fresh);
    return memoizing.reusedRoots();
  }

  private static List<HTTPProxy> corpus() {
    List<HTTPProxy> proxies = new ArrayList<>();
    proxies.add(HostileProxies.parse(HostileProxies.valid()));
    HostileProxies.cases().forEach(c -> proxies.add(HostileProxies.parse(c.yaml())));
    proxies.add(proxy("demo/web").fqdn("web.example").route("/", "web", 80, null).build());
    proxies.add(
        proxy("demo/tls")
            .fqdn("web.example.tls")
            .tls("cert", null, null)
            .route("/", "kuard", 80, null)
            .build());
    proxies.add(
        proxy("demo/mirror").fqdn("east.example").route("/", "east-kuard", 80, null).build());
    proxies.add(
        proxy("demo/parent")
            .fqdn("parent.example")
            .route("/", "kuard", 80, null)
            .spec(s -> s.setIncludes(List.of(include("child"))))
            .build());
    proxies.add(proxy("demo/child").route("/child", "web", 80, null).build());
    return proxies;
  }

  private static Include include(String name) {
    Include include = new Include();
    include.setName(name);
    include.setConditions(List.of(dev.gantry.xds.Fixtures.prefix("/c")));
    return include;
  }

  /** A service of port 80 with one endpoint in cluster east. */
  private static FederatedService inEast(String name, String endpoint) {
    return service(name).port("http", 80).cluster("east", 0, 1, "http", endpoint).build();
  }

  private static FederationSnapshot with(FederatedService... services) {
    Map<dev.gantry.api.federation.ServiceName, FederatedService> federated =
        new HashMap<>(ProxyCompilerTest.SNAPSHOT.federated());
    for (FederatedService s : services) {
      federated.put(s.name(), s);
    }
    return new FederationSnapshot(federated, ProxyCompilerTest.SNAPSHOT.hubServices());
  }

  /**
   * The hub's pipeline (a memoizing compiler, one assembler that reuses what it translated, its
   * snapshots and versioned resources) gives Envoy what a fresh compiler and a fresh assembler
   * give: every resource, version and per-resource version, and every assignment.
   */
  @Test
  void theHubsPipelineServesWhatAFreshOneServes() {
    XdsAssembler hub = new XdsAssembler("0.0.0.0", 8080, 8443);
    Map<String, TlsSecrets.Outcome> certificates =
        TlsSecrets.validateAll(Map.of("demo/cert", TestCertificates.tlsSecret("demo/cert", CERT)));
    List<HTTPProxy> proxies = corpus();
    List<HTTPProxy> changed = new ArrayList<>(proxies);
    changed.set(
        changed.size() - 5,
        proxy("demo/web").fqdn("web.example").route("/other", "web", 80, null).build());
    FederationSnapshot moved =
        with(
            service("demo/kuard")
                .port("http", 80)
                .cluster("east", 0, 1, "http", "10.0.0.9:8080")
                .build());
    record Step(List<HTTPProxy> proxies, FederationSnapshot snapshot) {}
    List<Step> steps =
        List.of(
            new Step(proxies, ProxyCompilerTest.SNAPSHOT),
            new Step(proxies, ProxyCompilerTest.SNAPSHOT),
            new Step(proxies, moved),
            new Step(changed, moved),
            new Step(proxies, moved),
            new Step(changed, ProxyCompilerTest.SNAPSHOT));
    for (Step step : steps) {
      XdsAssembler.Assembly served =
          hub.assemble(memoizing.compile(step.proxies(), step.snapshot(), certificates).table());
      XdsAssembler.Assembly expected =
          new XdsAssembler("0.0.0.0", 8080, 8443)
              .assemble(
                  new ProxyCompiler("gantry")
                      .compile(step.proxies(), step.snapshot(), certificates)
                      .table());
      assertThat(served.assignments()).isEqualTo(expected.assignments());
      for (var pair :
          List.of(
              List.of(served.snapshot(), expected.snapshot()),
              List.of(served.proxyless(), expected.proxyless()))) {
        for (Resources.ResourceType type : Resources.ResourceType.values()) {
          assertThat(pair.get(0).version(type, List.of()))
              .as(type.name())
              .isEqualTo(pair.get(1).version(type, List.of()));
          assertThat(pair.get(0).resources(type))
              .as(type.name())
              .isEqualTo(pair.get(1).resources(type));
          assertThat(versions(pair.get(0).versionedResources(type)))
              .as(type.name())
              .isEqualTo(versions(pair.get(1).versionedResources(type)));
        }
      }
    }
  }

  private static Map<String, String> versions(
      Map<String, ? extends VersionedResource<?>> resources) {
    Map<String, String> versions = new HashMap<>();
    resources.forEach((name, r) -> versions.put(name, r.version()));
    return versions;
  }

  @Test
  void reusesUnchangedRootsAndAlwaysAgreesWithAFreshCompiler() {
    List<HTTPProxy> proxies = corpus();
    Map<String, TlsSecrets.Outcome> certificates =
        TlsSecrets.validateAll(Map.of("demo/cert", TestCertificates.tlsSecret("demo/cert", CERT)));
    FederationSnapshot snapshot = ProxyCompilerTest.SNAPSHOT;

    assertThat(build(proxies, snapshot, certificates)).as("first build").isZero();
    int all = build(proxies, snapshot, certificates);
    assertThat(all).as("nothing changed").isGreaterThan(10);

    // kuard's endpoints move: every root routing to it is compiled again, with the new endpoints.
    FederationSnapshot moved =
        with(
            service("demo/kuard")
                .port("http", 80)
                .cluster("east", 0, 1, "http", "10.0.0.9:8080")
                .cluster("west", 0, 1, "http", "10.1.0.1:8080")
                .build());
    assertThat(build(proxies, moved, certificates)).isBetween(1, all - 1);
    assertThat(build(proxies, moved, certificates)).isEqualTo(all);
    assertThat(memoizing.checkedServices())
        .as("the very snapshot of the last build: no service looked up")
        .isZero();

    // Snapshots as the aggregator makes them (the last one with what changed): a service no route
    // names appears, and every root is reused; kuard changes, and its roots are compiled again.
    FederatedService unrelated = inEast("demo/unrelated", "10.0.0.3:80");
    FederationSnapshot grown = moved.with(Map.of(unrelated.name(), unrelated), Map.of());
    assertThat(build(proxies, grown, certificates)).isEqualTo(all);
    assertThat(memoizing.checkedServices()).as("a snapshot with a service more").isPositive();
    FederatedService kuardAgain = inEast("demo/kuard", "10.0.0.10:8080");
    FederationSnapshot movedAgain = grown.with(Map.of(kuardAgain.name(), kuardAgain), Map.of());
    assertThat(build(proxies, movedAgain, certificates)).isBetween(1, all - 1);
    assertThat(build(proxies, movedAgain, certificates)).isEqualTo(all);
    // Back to kuard as it was, for what follows.
    assertThat(build(proxies, moved, certificates)).isBetween(1, all - 1);

    // One proxy replaced by a changed copy: it alone is compiled again.
    List<HTTPProxy> changed = new ArrayList<>(proxies);
    changed.set(
        changed.size() - 5,
        proxy("demo/web").fqdn("web.example").route("/other", "web", 80, null).build());
    assertThat(build(changed, moved, certificates)).isEqualTo(all - 1);

    // A second claim on an fqdn: both roots are DuplicateVhost, and back.
    List<HTTPProxy> claimed = new ArrayList<>(changed);
    claimed.add(proxy("demo/web-again").fqdn("web.example").route("/", "web", 80, null).build());
    build(claimed, moved, certificates);
    build(changed, moved, certificates);

    // kuard goes: its routes fail; it comes back.
    FederationSnapshot gone =
        new FederationSnapshot(
            Map.of(ProxyCompilerTest.WEB_FEDERATED.name(), ProxyCompilerTest.WEB_FEDERATED),
            ProxyCompilerTest.SNAPSHOT.hubServices());
    build(changed, gone, certificates);
    build(changed, moved, certificates);

    // Another certificate map (a Secret changed): nothing is reused.
    assertThat(build(changed, moved, Map.of())).isZero();
    build(changed, moved, certificates);

    // The included proxy changes: its root is not reused (it includes), the rest are.
    List<HTTPProxy> childChanged = new ArrayList<>(changed);
    childChanged.set(
        childChanged.size() - 1, proxy("demo/child").route("/child", "kuard", 80, null).build());
    assertThat(build(childChanged, moved, certificates)).isEqualTo(all);
  }
}
