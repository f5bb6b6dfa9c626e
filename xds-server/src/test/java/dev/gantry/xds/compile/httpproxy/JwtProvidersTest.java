package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.Include;
import dev.gantry.api.crd.contour.UpstreamValidation;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.TestCertificates;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.ir.DnsLookupFamily;
import dev.gantry.xds.ir.JwtProvider;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.UpstreamTls;
import dev.gantry.xds.tls.TlsSecrets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code spec.virtualhost.jwtProviders} and route {@code jwtVerificationPolicy} compiled as
 * Contour's HTTPProxyProcessor checks them: every {@code JWTVerificationError} reason with its
 * message, the providers a valid host carries (Contour's defaults, the key set's cluster), and the
 * provider each route requires.
 */
class JwtProvidersTest {
  private static final TestCertificates.Issued CA = TestCertificates.authority("jwks ca");
  private static final Map<String, TlsSecrets.Outcome> SECRETS =
      TlsSecrets.validateAll(
          Map.of(
              "demo/cert",
              TestCertificates.tlsSecret(
                  "demo/cert", TestCertificates.rsa("web", "web.example", "*.example")),
              "demo/ca",
              TestCertificates.caSecret("demo/ca", CA),
              "demo/empty",
              TestCertificates.secret("demo/empty", "Opaque", Map.of("other", "x")),
              "other/ca",
              TestCertificates.caSecret("other/ca", CA)));
  private static final FederationSnapshot SNAPSHOT =
      new FederationSnapshot(
          Map.of(
              ServiceName.of("demo", "web"),
              Fixtures.service("demo/web")
                  .port("http", 80)
                  .cluster("east", 0, 1, "http", "198.18.0.1:8080")
                  .build()),
          Map.of());
  private static final String URI = "https://idp.example/keys";

  private static Fixtures.ProxyBuilder web() {
    return Fixtures.proxy("demo/web")
        .fqdn("web.example")
        .tls("cert", null, null)
        .route("/", "web", 80, null);
  }

  private static ProxyCompiler.Result compile(HTTPProxy... proxies) {
    return new ProxyCompiler("gantry")
        .compile(Arrays.asList(proxies), SNAPSHOT, SECRETS, Delegations.NONE, List.of());
  }

  private static UpstreamValidation validation(String caSecret, String subjectName) {
    UpstreamValidation v = new UpstreamValidation();
    v.setCaSecret(caSecret);
    v.setSubjectName(subjectName);
    return v;
  }

  // ---- errors

  /** Proxies, and the errors ({@code type/reason: message}) of the verdict on the first. */
  record ErrorCase(String name, List<HTTPProxy> proxies, List<String> errors) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static ErrorCase error(String name, Fixtures.ProxyBuilder proxy, String... errors) {
    return new ErrorCase(name, List.of(proxy.build()), List.of(errors));
  }

  private static final String E = "JWTVerificationError/";

  private static Fixtures.ProxyBuilder jwks(Consumer<dev.gantry.api.crd.contour.RemoteJWKS> c) {
    return web().jwtProvider("p", URI, p -> c.accept(p.getRemoteJWKS()));
  }

  static Stream<ErrorCase> errors() {
    return Stream.of(
        error(
            "providers on a host without TLS",
            Fixtures.proxy("demo/web")
                .fqdn("web.example")
                .route("/", "web", 80, null)
                .jwtProvider("p", URI, p -> {}),
            E
                + "JWTVerificationNotPermitted: Spec.VirtualHost.JWTProviders can only be defined"
                + " for root HTTPProxies that terminate TLS"),
        error(
            "providers on a passthrough host",
            Fixtures.proxy("demo/web")
                .fqdn("web.example")
                .tls(null, null, true)
                .tcpProxy("web", 80, null)
                .jwtProvider("p", URI, p -> {}),
            E
                + "JWTVerificationNotPermitted: Spec.VirtualHost.JWTProviders can only be defined"
                + " for root HTTPProxies that terminate TLS"),
        error(
            "two providers of one name",
            web().jwtProvider("p", URI, p -> {}).jwtProvider("p", URI, p -> {}),
            E
                + "DuplicateProviderName: Spec.VirtualHost.JWTProviders is invalid: duplicate name p"),
        error(
            "two defaults",
            web()
                .jwtProvider("a", URI, p -> p.setDefault(true))
                .jwtProvider("b", URI, p -> p.setDefault(true)),
            E
                + "MultipleDefaultProvidersSpecified: Spec.VirtualHost.JWTProviders is invalid: at"
                + " most one provider can be set as the default"),
        error(
            "a provider without a name (Contour's CRD requires one)",
            web().jwtProvider("", URI, p -> {}),
            E
                + "ProviderNameInvalid: Spec.VirtualHost.JWTProviders is invalid: a provider has no"
                + " name"),
        error(
            "a URI that does not parse",
            jwks(j -> j.setUri("https://idp.example/%zz")),
            E
                + "RemoteJWKSURIInvalid: Spec.VirtualHost.JWTProviders.RemoteJWKS.URI is invalid:"
                + " Malformed escape pair at index 20: https://idp.example/%zz"),
        error(
            "a URI without a host",
            jwks(j -> j.setUri("https:///keys")),
            E
                + "RemoteJWKSURIInvalid: Spec.VirtualHost.JWTProviders.RemoteJWKS.URI is invalid:"
                + " \"https:///keys\" has no host that is a DNS name or an IP address"),
        error(
            "another scheme",
            jwks(j -> j.setUri("ftp://idp.example/keys")),
            E
                + "RemoteJWKSSchemeInvalid: Spec.VirtualHost.JWTProviders.RemoteJWKS.URI has"
                + " invalid scheme \"ftp\", must be http or https"),
        error(
            "no remoteJWKS at all: no scheme",
            web().jwtProvider("p", URI, p -> p.setRemoteJWKS(null)),
            E
                + "RemoteJWKSSchemeInvalid: Spec.VirtualHost.JWTProviders.RemoteJWKS.URI has"
                + " invalid scheme \"\", must be http or https"),
        error(
            "a port beyond 65535",
            jwks(j -> j.setUri("https://idp.example:70000/keys")),
            E
                + "RemoteJWKSPortInvalid: Spec.VirtualHost.JWTProviders.RemoteJWKS.URI has an"
                + " invalid port: 70000 is not 1-65535"),
        error(
            "a timeout that is not a duration",
            jwks(j -> j.setTimeout("1 second")),
            E
                + "RemoteJWKSTimeoutInvalid: Spec.VirtualHost.JWTProviders.RemoteJWKS.Timeout is"
                + " invalid: \"1 second\" is not a duration of 0 to 4294967295s"),
        error(
            "a negative timeout (Go would parse it, Envoy would refuse it)",
            jwks(j -> j.setTimeout("-1s")),
            E
                + "RemoteJWKSTimeoutInvalid: Spec.VirtualHost.JWTProviders.RemoteJWKS.Timeout is"
                + " invalid: \"-1s\" is not a duration of 0 to 4294967295s"),
        error(
            "a cache duration that is not a duration",
            jwks(j -> j.setCacheDuration("forever")),
            E
                + "RemoteJWKSCacheDurationInvalid: Spec.VirtualHost.JWTProviders.RemoteJWKS"
                + ".CacheDuration is invalid: \"forever\" is not a duration of 0 to 4294967295s"),
        error(
            "a cache duration beyond Envoy's bound",
            jwks(j -> j.setCacheDuration("1193047h")),
            E
                + "RemoteJWKSCacheDurationInvalid: Spec.VirtualHost.JWTProviders.RemoteJWKS"
                + ".CacheDuration is invalid: \"1193047h\" is not a duration of 0 to 4294967295s"),
        error(
            "another lookup family",
            jwks(j -> j.setDnsLookupFamily("v5")),
            E
                + "RemoteJWKSDNSLookupFamilyInvalid: Spec.VirtualHost.JWTProviders.RemoteJWKS"
                + ".DNSLookupFamily has an invalid value \"v5\", must be auto, all, v4 or v6"),
        error(
            "validation of an http key set",
            jwks(
                j -> {
                  j.setUri("http://idp.example/keys");
                  j.setValidation(validation("ca", "idp.example"));
                }),
            E
                + "RemoteJWKSUpstreamValidationInvalid: Spec.VirtualHost.JWTProviders.RemoteJWKS"
                + ".UpstreamValidation must not be specified when URI scheme is http."),
        error(
            "a CA Secret of another namespace, not delegated",
            jwks(j -> j.setValidation(validation("other/ca", "idp.example"))),
            E
                + "RemoteJWKSCACertificateNotDelegated: Spec.VirtualHost.JWTProviders.RemoteJWKS"
                + ".UpstreamValidation.CACertificate Secret \"other/ca\" is not configured for"
                + " certificate delegation"
                + Delegations.howToDelegate("other/ca", "demo")),
        error(
            "a CA Secret without ca.crt",
            jwks(j -> j.setValidation(validation("empty", "idp.example"))),
            E
                + "RemoteJWKSUpstreamValidationInvalid: Spec.VirtualHost.JWTProviders.RemoteJWKS"
                + ".UpstreamValidation is invalid: invalid CA Secret \"demo/empty\": "
                + SECRETS.get("demo/empty").ca().error()),
        error(
            "validation without a subject name",
            jwks(j -> j.setValidation(validation("ca", null))),
            E
                + "RemoteJWKSUpstreamValidationInvalid: Spec.VirtualHost.JWTProviders.RemoteJWKS"
                + ".UpstreamValidation is invalid: missing subject alternative name"),
        error(
            "a route that requires and disables",
            web().jwtProvider("p", URI, p -> {}).jwtPolicy("p", true),
            E
                + "InvalidJWTVerificationPolicy: spec.routes[0]: route's JWT verification policy"
                + " cannot specify both require and disabled"),
        error(
            "a route that requires an undefined provider",
            web().jwtProvider("p", URI, p -> {}).jwtPolicy("q", null),
            E + "JWTProviderNotDefined: Route references an undefined JWT provider \"q\""),
        error(
            "a route that requires a provider on a host with none (Contour would serve it"
                + " unverified without TLS)",
            Fixtures.proxy("demo/web")
                .fqdn("web.example")
                .route("/", "web", 80, null)
                .jwtPolicy("p", null),
            E + "JWTProviderNotDefined: Route references an undefined JWT provider \"p\""),
        new ErrorCase(
            "an included route that requires an undefined provider: the root is invalid",
            List.of(
                web()
                    .jwtProvider("p", URI, p -> p.setDefault(true))
                    .spec(s -> s.getIncludes().add(include("child")))
                    .build(),
                child().jwtPolicy("nope", null).build()),
            List.of(
                E + "JWTProviderNotDefined: Route references an undefined JWT provider \"nope\"")));
  }

  private static String key(HTTPProxy p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  private static Include include(String name) {
    Include include = new Include();
    include.setName(name);
    include.getConditions().add(Fixtures.prefix("/child"));
    return include;
  }

  private static Fixtures.ProxyBuilder child() {
    return Fixtures.proxy("demo/child").route("/", "web", 80, null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void invalidProvidersAndPoliciesGetContoursReasons(ErrorCase c) {
    ProxyCompiler.Result result = compile(c.proxies().toArray(HTTPProxy[]::new));

    ProxyVerdict verdict =
        result.verdicts().stream()
            .filter(v -> v.key().equals(key(c.proxies().get(0))))
            .findFirst()
            .orElseThrow();
    assertThat(verdict.currentStatus()).isEqualTo("invalid");
    assertThat(verdict.errors().stream().map(e -> e.type() + "/" + e.reason() + ": " + e.message()))
        .containsExactlyElementsOf(c.errors());
    assertThat(result.table().virtualHosts()).isEmpty();
  }

  @Test
  void anIncludedRouteThatRequiresAndDisablesMakesItsOwnProxyInvalid() {
    ProxyCompiler.Result result =
        compile(
            web()
                .jwtProvider("p", URI, p -> {})
                .spec(s -> s.getIncludes().add(include("child")))
                .build(),
            child().jwtPolicy("p", true).build());

    Map<String, ProxyVerdict> byKey = new LinkedHashMap<>();
    result.verdicts().forEach(v -> byKey.put(v.key(), v));
    assertThat(byKey.get("demo/child").errors())
        .extracting(ProxyVerdict.Error::reason)
        .containsExactly("InvalidJWTVerificationPolicy");
  }

  // ---- valid hosts

  @Test
  void contoursDefaultsAndTheKeySetsCluster() {
    RoutingTable.VirtualHost host = onlyHost(compile(web().jwtProvider("p", URI, p -> {}).build()));

    assertThat(host.jwtProviders())
        .containsExactly(
            new JwtProvider(
                "p",
                false,
                null,
                List.of(),
                URI,
                Duration.ofSeconds(1),
                null,
                false,
                new JwtProvider.JwksCluster(
                    "dnsname/https/idp.example",
                    "idp.example",
                    443,
                    null,
                    new UpstreamTls("idp.example", null))));
    // Not the default: the route requires nothing.
    assertThat(host.jwtRequirementOf(host.routes().get(0))).isNull();
  }

  @Test
  void everyFieldOfAProvider() {
    RoutingTable.VirtualHost host =
        onlyHost(
            compile(
                web()
                    .jwtProvider(
                        "p",
                        "https://127.0.0.1:8443/jwks.json",
                        p -> {
                          p.setDefault(true);
                          p.setIssuer("https://idp.example");
                          p.setAudiences(List.of("a", "b"));
                          p.setForwardJWT(true);
                          p.getRemoteJWKS().setTimeout("250ms");
                          p.getRemoteJWKS().setCacheDuration("1h");
                          p.getRemoteJWKS().setDnsLookupFamily("v4");
                          p.getRemoteJWKS().setValidation(validation("ca", "idp.example"));
                        })
                    .build()));

    JwtProvider p = host.jwtProviders().get(0);
    assertThat(p.isDefault()).isTrue();
    assertThat(p.issuer()).isEqualTo("https://idp.example");
    assertThat(p.audiences()).containsExactly("a", "b");
    assertThat(p.forward()).isTrue();
    assertThat(p.timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(p.cacheDuration()).isEqualTo(Duration.ofHours(1));
    JwtProvider.JwksCluster c = p.cluster();
    assertThat(c.name()).matches("dnsname/https/127\\.0\\.0\\.1:8443/[0-9a-f]{10}");
    assertThat(List.of(c.host(), c.port(), c.family()))
        .containsExactly("127.0.0.1", 8443, DnsLookupFamily.V4);
    // An address is not a server name; the certificate is verified for the subject name.
    assertThat(c.tls().sni()).isNull();
    assertThat(c.tls().validation().caSecret()).isEqualTo("demo/ca");
    assertThat(c.tls().validation().subjectNames()).containsExactly("idp.example");
    assertThat(host.jwtRequirementOf(host.routes().get(0))).isEqualTo("p");
  }

  @Test
  void anHttpKeySetHasNoTlsAndKeySetsThatDifferOnlyInPortGetTheirOwnClusters() {
    RoutingTable.VirtualHost host =
        onlyHost(
            compile(
                web()
                    .jwtProvider("a", "http://[::1]:8080/keys", p -> {})
                    .jwtProvider("b", "http://[::1]/keys", p -> {})
                    .build()));

    assertThat(host.jwtProviders())
        .extracting(p -> p.cluster().name(), p -> p.cluster().host(), p -> p.cluster().tls())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("dnsname/http/[::1]:8080", "::1", null),
            org.assertj.core.groups.Tuple.tuple("dnsname/http/[::1]", "::1", null));
  }

  @Test
  void eachRouteRequiresItsOwnProviderTheDefaultOrNone() {
    RoutingTable.VirtualHost host =
        onlyHost(
            compile(
                web()
                    .jwtProvider("main", URI, p -> p.setDefault(true))
                    .jwtProvider("other", "https://other.example/keys", p -> {})
                    .route("/other", "web", 80, null)
                    .jwtPolicy("other", null)
                    .route("/open", "web", 80, null)
                    .jwtPolicy(null, true)
                    .route("/empty", "web", 80, null)
                    .jwtPolicy("", false)
                    .spec(s -> s.getIncludes().add(include("child")))
                    .build(),
                child().build()));

    Map<String, String> required = new LinkedHashMap<>();
    host.routes().forEach(r -> required.put(r.match().path(), host.jwtRequirementOf(r)));
    assertThat(required)
        .containsEntry("/", "main")
        .containsEntry("/other", "other")
        .containsEntry("/open", null)
        .containsEntry("/empty", "main");
    // An included proxy's routes take the root's default.
    assertThat(required).hasEntrySatisfying("/child/", v -> assertThat(v).isEqualTo("main"));
  }

  @Test
  void permitInsecureOnARouteThatRequiresATokenIsIgnoredWithAWarning() {
    ProxyCompiler.Result result =
        compile(
            web()
                .jwtProvider("p", URI, p -> p.setDefault(true))
                .insecureRoute("/plain", "web", 80)
                .build());

    assertThat(result.verdicts().get(0).currentStatus()).isEqualTo("valid");
    assertThat(result.verdicts().get(0).warnings())
        .singleElement()
        .satisfies(
            w ->
                assertThat(w.message())
                    .startsWith("spec.routes[].permitInsecure is ignored on routes that require"));
  }

  private static RoutingTable.VirtualHost onlyHost(ProxyCompiler.Result result) {
    assertThat(result.verdicts()).allSatisfy(v -> assertThat(v.errors()).as(v.key()).isEmpty());
    assertThat(result.table().virtualHosts()).hasSize(1);
    return result.table().virtualHosts().get(0);
  }
}
