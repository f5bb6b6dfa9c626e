package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.ExtensionService;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.LoadBalancerPolicy;
import dev.gantry.api.crd.contour.UpstreamValidation;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.TestCertificates;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.UpstreamProtocol;
import dev.gantry.xds.tls.TlsSecrets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ExtensionServices and {@code spec.virtualhost.authorization} compiled as Contour's processors
 * check them: each status reason, the cluster an ExtensionService becomes, and the authorization a
 * valid host carries.
 */
class AuthorizationsTest {
  private static final TestCertificates.Issued CERT = TestCertificates.rsa("web", "web.example");
  private static final Map<String, TlsSecrets.Outcome> SECRETS =
      TlsSecrets.validateAll(
          Map.of(
              "demo/cert",
              TestCertificates.tlsSecret("demo/cert", CERT),
              "auth/cert",
              TestCertificates.tlsSecret("auth/cert", CERT),
              "auth/ca",
              TestCertificates.caSecret("auth/ca", TestCertificates.authority("authz ca"))));
  private static final FederationSnapshot SNAPSHOT =
      new FederationSnapshot(
          Map.of(
              dev.gantry.api.federation.ServiceName.of("demo", "web"),
              Fixtures.service("demo/web")
                  .port("http", 80)
                  .cluster("east", 0, 1, "http", "198.18.0.1:8080")
                  .build(),
              dev.gantry.api.federation.ServiceName.of("auth", "authz"),
              Fixtures.service("auth/authz")
                  .port("grpc", 9000)
                  .cluster("east", 0, 1, "grpc", "198.18.0.2:9000")
                  .cluster("west", 0, 1, "grpc", "198.18.1.2:9000")
                  .build()),
          Map.of(
              dev.gantry.api.federation.ServiceName.of("auth", "east-authz"),
              Fixtures.service("auth/east-authz")
                  .port("grpc", 9000)
                  .cluster("east", 0, 1, "grpc", "198.18.0.2:9000")
                  .build()));

  private static ExtensionService extension(String key, Consumer<ExtensionService> change) {
    ExtensionService e = Fixtures.extension(key, "authz", 9000, "h2c");
    change.accept(e);
    return e;
  }

  // ---- ExtensionServices

  /** An ExtensionService and either its cluster, or the reasons of its errors; its warnings. */
  record ExtensionCase(
      String name,
      ExtensionService extension,
      Upstream.Strategy strategy,
      UpstreamProtocol protocol,
      boolean federated,
      Duration responseTimeout,
      List<String> errors,
      List<String> warnings) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<ExtensionCase> extensions() {
    return Stream.of(
        new ExtensionCase(
            "h2c over the federated service",
            extension("auth/authz", e -> {}),
            Upstream.Strategy.ROUND_ROBIN,
            UpstreamProtocol.H2C,
            true,
            null,
            List.of(),
            List.of()),
        new ExtensionCase(
            "no protocol is h2; a response timeout and a strategy",
            extension(
                "auth/authz",
                e -> {
                  e.getSpec().setProtocol(null);
                  HTTPProxySpec.TimeoutPolicy t = new HTTPProxySpec.TimeoutPolicy();
                  t.setResponse("2s");
                  e.getSpec().setTimeoutPolicy(t);
                  LoadBalancerPolicy lb = new LoadBalancerPolicy();
                  lb.setStrategy("Random");
                  e.getSpec().setLoadBalancerPolicy(lb);
                }),
            Upstream.Strategy.RANDOM,
            UpstreamProtocol.H2,
            true,
            Duration.ofSeconds(2),
            List.of(),
            List.of()),
        new ExtensionCase(
            "a cluster's mirror routes to that cluster only",
            extension("auth/mirror", e -> e.getSpec().getServices().get(0).setName("east-authz")),
            Upstream.Strategy.ROUND_ROBIN,
            UpstreamProtocol.H2C,
            false,
            null,
            List.of(),
            List.of()),
        new ExtensionCase(
            "hashing strategies and an idle timeout are ignored, as Contour",
            extension(
                "auth/authz",
                e -> {
                  LoadBalancerPolicy lb = new LoadBalancerPolicy();
                  lb.setStrategy("Cookie");
                  e.getSpec().setLoadBalancerPolicy(lb);
                  HTTPProxySpec.TimeoutPolicy t = new HTTPProxySpec.TimeoutPolicy();
                  t.setIdle("10s");
                  e.getSpec().setTimeoutPolicy(t);
                }),
            Upstream.Strategy.ROUND_ROBIN,
            UpstreamProtocol.H2C,
            true,
            null,
            List.of(),
            List.of("SpecError/IgnoredField", "SpecError/IgnoredField")),
        new ExtensionCase(
            "an unknown service",
            extension("auth/authz", e -> e.getSpec().getServices().get(0).setName("nope")),
            null,
            null,
            false,
            null,
            List.of("ServiceError/ServiceUnresolvedReference"),
            List.of()),
        new ExtensionCase(
            "a bad response timeout",
            extension(
                "auth/authz",
                e -> {
                  HTTPProxySpec.TimeoutPolicy t = new HTTPProxySpec.TimeoutPolicy();
                  t.setResponse("soon");
                  e.getSpec().setTimeoutPolicy(t);
                }),
            null,
            null,
            false,
            null,
            List.of("SpecError/TimeoutPolicyNotValid"),
            List.of()),
        new ExtensionCase(
            "validation of clear text",
            extension(
                "auth/authz",
                e -> {
                  UpstreamValidation v = new UpstreamValidation();
                  v.setCaSecret("ca");
                  v.setSubjectName("authz");
                  e.getSpec().setUpstreamValidation(v);
                }),
            null,
            null,
            false,
            null,
            List.of("SpecError/InconsistentProtocol"),
            List.of()),
        new ExtensionCase(
            "an unknown protocol",
            extension("auth/authz", e -> e.getSpec().setProtocol("http/1.1")),
            null,
            null,
            false,
            null,
            List.of("SpecError/UnsupportedProtocol"),
            List.of()),
        new ExtensionCase(
            "several services: each that does not resolve is reported, as Contour",
            extension(
                "auth/authz",
                e -> {
                  e.getSpec().getServices().add(target("nope", 9000, null));
                  e.getSpec().getServices().add(target("east-authz", 9000, null));
                  e.getSpec().getServices().add(target("gone", 9000, null));
                }),
            null,
            null,
            false,
            null,
            List.of(
                "ServiceError/ServiceUnresolvedReference",
                "ServiceError/ServiceUnresolvedReference"),
            List.of()),
        new ExtensionCase(
            "several services: a weight out of range",
            extension(
                "auth/authz", e -> e.getSpec().getServices().add(target("east-authz", 9000, -1L))),
            null,
            null,
            false,
            null,
            List.of("SpecError/WeightInvalid"),
            List.of()),
        new ExtensionCase(
            "no services",
            extension("auth/authz", e -> e.getSpec().getServices().clear()),
            null,
            null,
            false,
            null,
            List.of("SpecError/NoServices"),
            List.of()));
  }

  private static dev.gantry.api.crd.contour.ExtensionServiceSpec.Target target(
      String name, int port, Long weight) {
    var t = new dev.gantry.api.crd.contour.ExtensionServiceSpec.Target(name, port);
    t.setWeight(weight);
    return t;
  }

  /** An ExtensionService of several Services and the shares of its cluster, in order. */
  record SharesCase(String name, List<String> targets, List<String> shares) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<SharesCase> shares() {
    return Stream.of(
        new SharesCase(
            "one Service is a cluster of that service alone", List.of("authz:"), List.of()),
        new SharesCase(
            "two Services without weights: both, weight 0 each (spread evenly)",
            List.of("authz:", "east-authz:"),
            List.of("auth/authz federated 0", "auth/east-authz hub 0")),
        new SharesCase(
            "weights 100 and 0",
            List.of("authz:100", "east-authz:0"),
            List.of("auth/authz federated 100", "auth/east-authz hub 0")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shares")
  void severalServicesShareTheCluster(SharesCase c) {
    ExtensionService ext =
        extension(
            "auth/authz",
            e -> {
              e.getSpec().getServices().clear();
              for (String t : c.targets()) {
                String[] parts = t.split(":", -1);
                e.getSpec()
                    .getServices()
                    .add(
                        target(parts[0], 9000, parts[1].isEmpty() ? null : Long.valueOf(parts[1])));
              }
            });

    ExtensionServices.Result result =
        ExtensionServices.compile(List.of(ext), SNAPSHOT, SECRETS, Delegations.NONE);

    assertThat(result.verdicts().get(0).errors()).isEmpty();
    Upstream u = result.extensions().get("auth/authz").upstream();
    assertThat(u.name()).isEqualTo("extension/auth/authz");
    assertThat(
            u.shares().stream()
                .map(
                    s ->
                        s.service().name().namespace()
                            + "/"
                            + s.service().name().name()
                            + (s.federated() ? " federated " : " hub ")
                            + s.weight()))
        .containsExactlyElementsOf(c.shares());
    assertThat(u.members()).allSatisfy(s -> assertThat(s.port().port()).isEqualTo(9000));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("extensions")
  void extensionService(ExtensionCase c) {
    ExtensionServices.Result result =
        ExtensionServices.compile(List.of(c.extension()), SNAPSHOT, SECRETS, Delegations.NONE);

    ExtensionServices.Verdict verdict = result.verdicts().get(0);
    assertThat(verdict.errors().stream().map(e -> e.type() + "/" + e.reason()))
        .containsExactlyElementsOf(c.errors());
    assertThat(verdict.warnings().stream().map(e -> e.type() + "/" + e.reason()))
        .containsExactlyElementsOf(c.warnings());
    if (!c.errors().isEmpty()) {
      assertThat(result.extensions()).isEmpty();
      return;
    }
    String key =
        c.extension().getMetadata().getNamespace() + "/" + c.extension().getMetadata().getName();
    ExtensionServices.Extension e = result.extensions().get(key);
    assertThat(e.upstream().name()).isEqualTo("extension/" + key);
    assertThat(e.upstream().strategy()).isEqualTo(c.strategy());
    assertThat(e.upstream().protocol()).isEqualTo(c.protocol());
    assertThat(e.upstream().federated()).isEqualTo(c.federated());
    assertThat(e.upstream().port().port()).isEqualTo(9000);
    assertThat(e.responseTimeout()).isEqualTo(c.responseTimeout());
  }

  @org.junit.jupiter.api.Test
  void theStatusIsContoursValidConditionAndKeepsItsTransitionTime() {
    ExtensionService good = extension("auth/authz", e -> e.getMetadata().setGeneration(3L));
    ExtensionService bad =
        extension("auth/bad", e -> e.getSpec().getServices().get(0).setName("x"));
    List<ExtensionServices.Verdict> verdicts =
        ExtensionServices.compile(List.of(good, bad), SNAPSHOT, SECRETS, Delegations.NONE)
            .verdicts();

    var valid = verdicts.get(0).status(null, "t1").getConditions().get(0);
    assertThat(verdicts.get(0).key()).isEqualTo("auth/authz");
    assertThat(List.of(valid.getType(), valid.getStatus(), valid.getReason(), valid.getMessage()))
        .containsExactly("Valid", "True", "Valid", "Valid ExtensionService");
    assertThat(valid.getObservedGeneration()).isEqualTo(3L);
    assertThat(valid.getLastTransitionTime()).isEqualTo("t1");
    var again = verdicts.get(0).status(verdicts.get(0).status(null, "t1"), "t2");
    assertThat(again.getConditions().get(0).getLastTransitionTime()).isEqualTo("t1");

    var invalid = verdicts.get(1).status(null, "t1").getConditions().get(0);
    assertThat(List.of(invalid.getStatus(), invalid.getReason()))
        .containsExactly("False", "ErrorPresent");
    assertThat(invalid.getErrors())
        .singleElement()
        .satisfies(e -> assertThat(e.getReason()).isEqualTo("ServiceUnresolvedReference"));
  }

  @org.junit.jupiter.api.Test
  void aRoutesAuthPolicyOnAHostWithoutAuthorizationIsIgnoredWithAWarning() {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry")
            .compile(List.of(web().authPolicy(false, Map.of("a", "b")).build()), SNAPSHOT, SECRETS);

    assertThat(result.verdicts().get(0).currentStatus()).isEqualTo("valid");
    assertThat(result.verdicts().get(0).warnings())
        .extracting(w -> w.type() + "/" + w.reason() + ": " + w.message())
        .containsExactly(
            "AuthError/IgnoredField: spec.routes[].authPolicy is ignored: the virtual host has no"
                + " authorization server (spec.virtualhost.authorization), so no request is"
                + " checked");
  }

  @org.junit.jupiter.api.Test
  void permitInsecureOnACheckedRouteIsIgnoredWithAWarning() {
    HTTPProxySpec.TimeoutPolicy none = new HTTPProxySpec.TimeoutPolicy();
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry")
            .compile(
                List.of(
                    web()
                        .authorization("auth/authz", Map.of(), a -> {})
                        .insecureRoute("/plain", "web", 80)
                        .authPolicy(true, Map.of())
                        .insecureRoute("/checked", "web", 80)
                        .build()),
                SNAPSHOT,
                SECRETS,
                Delegations.NONE,
                List.of(extension("auth/authz", e -> e.getSpec().setTimeoutPolicy(none))));

    assertThat(result.verdicts().get(0).currentStatus()).isEqualTo("valid");
    assertThat(result.verdicts().get(0).warnings())
        .singleElement()
        .satisfies(w -> assertThat(w.message()).startsWith("spec.routes[].permitInsecure"));
  }

  // ---- spec.virtualhost.authorization

  /** A proxy and either the authorization its host gets, or its one error. */
  record HostCase(
      String name,
      Fixtures.ProxyBuilder proxy,
      RoutingTable.Authorization expected,
      ProxyVerdict.Error error) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Fixtures.ProxyBuilder web() {
    return Fixtures.proxy("demo/web")
        .fqdn("web.example")
        .tls("cert", null, null)
        .route("/", "web", 80, null);
  }

  private static RoutingTable.Authorization expected(
      Duration timeout,
      boolean failOpen,
      boolean disabled,
      Map<String, String> context,
      RoutingTable.RequestBody body) {
    return new RoutingTable.Authorization(
        "extension/auth/authz", null, timeout, failOpen, disabled, context, body);
  }

  private static ProxyVerdict.Error authError(String reason, String message) {
    return new ProxyVerdict.Error(ProxyVerdict.AUTH_ERROR, reason, message);
  }

  private static final ProxyVerdict.Error NOT_PERMITTED =
      authError(
          "AuthNotPermitted",
          "Spec.VirtualHost.Authorization.ExtensionServiceRef can only be defined for root"
              + " HTTPProxies that terminate TLS");

  static Stream<HostCase> hosts() {
    return Stream.of(
        new HostCase(
            "the extension's response timeout, the host's context",
            web().authorization("auth/authz", Map.of("tenant", "a"), a -> {}),
            expected(Duration.ofSeconds(5), false, false, Map.of("tenant", "a"), null),
            null),
        new HostCase(
            "its own timeout, failOpen, a request body with Contour's default size",
            web()
                .authorization(
                    "auth/authz",
                    Map.of(),
                    a -> {
                      a.setResponseTimeout("250ms");
                      a.setFailOpen(true);
                      a.setWithRequestBody(
                          new dev.gantry.api.crd.contour.AuthorizationServer.RequestBody());
                      a.getExtensionRef().setApiVersion("projectcontour.io/v1alpha1");
                    }),
            expected(
                Duration.ofMillis(250),
                true,
                false,
                Map.of(),
                new RoutingTable.RequestBody(1024, false, false)),
            null),
        new HostCase(
            "infinity is no limit",
            web().authorization("auth/authz", Map.of(), a -> a.setResponseTimeout("infinity")),
            expected(Duration.ZERO, false, false, Map.of(), null),
            null),
        new HostCase(
            "the extension's namespace defaults to the proxy's",
            Fixtures.proxy("auth/web")
                .fqdn("web.example")
                .tls("cert", null, null)
                .route("/", "authz", 9000, null)
                .authorization("auth/authz", Map.of(), a -> a.getExtensionRef().setNamespace(null)),
            expected(Duration.ofSeconds(5), false, false, Map.of(), null),
            null),
        new HostCase(
            "a host without TLS",
            Fixtures.proxy("demo/web")
                .fqdn("web.example")
                .route("/", "web", 80, null)
                .authorization("auth/authz", Map.of(), a -> {}),
            null,
            NOT_PERMITTED),
        new HostCase(
            "a passthrough host (Contour would serve it unchecked)",
            Fixtures.proxy("demo/web")
                .fqdn("web.example")
                .tls(null, null, true)
                .tcpProxy("web", 80, null)
                .authorization("auth/authz", Map.of(), a -> {}),
            null,
            NOT_PERMITTED),
        new HostCase(
            "another API version",
            web()
                .authorization(
                    "auth/authz",
                    Map.of(),
                    a -> a.getExtensionRef().setApiVersion("projectcontour.io/v1")),
            null,
            authError(
                "AuthBadResourceVersion",
                "Spec.Virtualhost.Authorization.extensionRef specifies an unsupported resource"
                    + " version \"projectcontour.io/v1\"")),
        new HostCase(
            "a missing extension",
            web().authorization("auth/nope", Map.of(), a -> {}),
            null,
            authError(
                "ExtensionServiceNotFound",
                "Spec.Virtualhost.Authorization.ServiceRef extension service \"auth/nope\" not"
                    + " found")),
        new HostCase(
            "an invalid extension is not found either",
            web().authorization("auth/broken", Map.of(), a -> {}),
            null,
            authError(
                "ExtensionServiceNotFound",
                "Spec.Virtualhost.Authorization.ServiceRef extension service \"auth/broken\" not"
                    + " found")),
        new HostCase(
            "a bad response timeout",
            web().authorization("auth/authz", Map.of(), a -> a.setResponseTimeout("1 second")),
            null,
            authError(
                "AuthResponseTimeoutInvalid",
                "Spec.Virtualhost.Authorization.ResponseTimeout is invalid: unable to parse timeout"
                    + " string \"1 second\"")),
        new HostCase(
            "no extension and nothing disabled: Gantry has no global server",
            web().authorization("auth/authz", Map.of(), a -> a.setExtensionRef(null)),
            null,
            authError(
                "ExtensionServiceNotFound",
                "Spec.Virtualhost.Authorization.ServiceRef names no extension service, and there"
                    + " is no global authorization server")),
        new HostCase(
            "no extension, disabled: nothing to check",
            web()
                .authorization(
                    "auth/authz",
                    Map.of(),
                    a -> {
                      a.setExtensionRef(null);
                      a.setAuthPolicy(
                          new dev.gantry.api.crd.contour.AuthorizationPolicy(true, null));
                    }),
            null,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hosts")
  void virtualHost(HostCase c) {
    HTTPProxySpec.TimeoutPolicy five = new HTTPProxySpec.TimeoutPolicy();
    five.setResponse("5s");
    ExtensionService authz = extension("auth/authz", e -> e.getSpec().setTimeoutPolicy(five));
    ExtensionService broken = extension("auth/broken", e -> e.getSpec().setProtocol("tls"));

    ProxyCompiler.Result result =
        new ProxyCompiler("gantry")
            .compile(
                List.of(c.proxy().build()),
                SNAPSHOT,
                SECRETS,
                Delegations.NONE,
                List.of(authz, broken));

    ProxyVerdict verdict = result.verdicts().get(0);
    if (c.error() != null) {
      assertThat(verdict.errors()).containsExactly(c.error());
      assertThat(result.table().virtualHosts()).isEmpty();
      assertThat(result.table().upstreams()).doesNotContainKey("extension/auth/authz");
      return;
    }
    assertThat(verdict.errors()).isEmpty();
    RoutingTable.VirtualHost host = result.table().virtualHosts().get(0);
    assertThat(host.authorization()).isEqualTo(c.expected());
    if (c.expected() != null) {
      assertThat(result.table().upstreams().get("extension/auth/authz").protocol())
          .isEqualTo(UpstreamProtocol.H2C);
    }
  }
}
