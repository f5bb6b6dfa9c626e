package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.TLSCertificateDelegation;
import dev.gantry.api.crd.contour.TLSCertificateDelegationSpec;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.TestCertificates;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.tls.TlsSecrets;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code tls.enableFallbackCertificate} with the hub's {@code --fallback-certificate}: Contour's
 * TLSError reasons (TLSIncompatibleFeatures, FallbackNotPresent, FallbackNotDelegated,
 * FallbackNotValid), or the host's TLS with the fallback certificate.
 */
class FallbackCertificatesTest {
  private static final TestCertificates.Issued CERT = TestCertificates.rsa("web", "web.example");
  private static final TestCertificates.Issued FALLBACK = TestCertificates.rsa("fallback");
  private static final TestCertificates.Issued CA = TestCertificates.authority("client-ca");
  private static final Map<String, TlsSecrets.Outcome> SECRETS =
      TlsSecrets.validateAll(
          Map.ofEntries(
              Map.entry("demo/cert", TestCertificates.tlsSecret("demo/cert", CERT)),
              Map.entry(
                  "demo/own-fallback", TestCertificates.tlsSecret("demo/own-fallback", FALLBACK)),
              Map.entry(
                  "gantry-system/fallback",
                  TestCertificates.tlsSecret("gantry-system/fallback", FALLBACK)),
              Map.entry(
                  "gantry-system/not-delegated",
                  TestCertificates.tlsSecret("gantry-system/not-delegated", FALLBACK)),
              Map.entry(
                  "gantry-system/ca-only", TestCertificates.caSecret("gantry-system/ca-only", CA)),
              Map.entry("demo/client-ca", TestCertificates.caSecret("demo/client-ca", CA))));
  private static final Delegations DELEGATIONS =
      Delegations.of(
          List.of(
              delegation("gantry-system", "fallback", "*"),
              delegation("gantry-system", "ca-only", "*"),
              delegation("gantry-system", "missing", "*")));
  private static final VirtualHostTls.Certificate SERVED =
      new VirtualHostTls.Certificate("demo/cert", CERT.certificatePem(), CERT.keyPem());
  private static final FederationSnapshot SNAPSHOT =
      new FederationSnapshot(
          Map.of(
              ServiceName.of("demo", "web"),
              Fixtures.service("demo/web")
                  .port("http", 80)
                  .port("https", 443)
                  .cluster("east", 0, 1, "http", "198.18.0.1:8080")
                  .build()),
          Map.of());

  private static TLSCertificateDelegation delegation(
      String namespace, String secret, String... targets) {
    TLSCertificateDelegation d = new TLSCertificateDelegation();
    d.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName("d-" + secret).build());
    TLSCertificateDelegationSpec spec = new TLSCertificateDelegationSpec();
    spec.getDelegations()
        .add(new TLSCertificateDelegationSpec.Delegation(secret, List.of(targets)));
    d.setSpec(spec);
    return d;
  }

  /**
   * A proxy compiled with the hub's fallback Secret {@code hubSecret}: either valid, with {@code
   * fallback} served (null: none) and these warnings, or invalid with exactly these errors.
   */
  record Case(
      String name,
      String hubSecret,
      Fixtures.ProxyBuilder proxy,
      String fallback,
      List<ProxyVerdict.Error> errors,
      List<ProxyVerdict.Error> warnings) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Fixtures.ProxyBuilder web() {
    return Fixtures.proxy("demo/web").fqdn("web.example").tls("cert", null, null);
  }

  private static Case served(String name, String hubSecret, Fixtures.ProxyBuilder p, String fb) {
    return new Case(name, hubSecret, p, fb, List.of(), List.of());
  }

  private static Case refused(
      String name, String hubSecret, Fixtures.ProxyBuilder p, String reason, String message) {
    return new Case(
        name,
        hubSecret,
        p,
        null,
        List.of(new ProxyVerdict.Error(ProxyVerdict.TLS_ERROR, reason, message)),
        List.of());
  }

  static Stream<Case> cases() {
    String hub = "gantry-system/fallback";
    return Stream.of(
        served(
            "enabled, the hub's Secret delegated to every namespace",
            hub,
            web().fallbackCertificate().route("/", "web", 80, null),
            hub),
        served(
            "enabled, the hub's Secret in the proxy's own namespace: no delegation needed",
            "demo/own-fallback",
            web().fallbackCertificate().route("/", "web", 80, null),
            "demo/own-fallback"),
        served(
            "not enabled: the host is reached by SNI only",
            hub,
            web().route("/", "web", 80, null),
            null),
        refused(
            "enabled without a fallback certificate on the hub",
            null,
            web().fallbackCertificate().route("/", "web", 80, null),
            "FallbackNotPresent",
            "Spec.Virtualhost.TLS enabled fallback but the fallback Certificate Secret is not"
                + " configured in the hub's --fallback-certificate flag"),
        refused(
            "the hub's Secret not delegated to the proxy's namespace",
            "gantry-system/not-delegated",
            web().fallbackCertificate().route("/", "web", 80, null),
            "FallbackNotDelegated",
            "Spec.VirtualHost.TLS Secret \"gantry-system/not-delegated\" is not configured for"
                + " certificate delegation: a TLSCertificateDelegation in namespace"
                + " \"gantry-system\" must name Secret \"not-delegated\" for namespace \"demo\""),
        refused(
            "the hub's Secret does not exist",
            "gantry-system/missing",
            web().fallbackCertificate().route("/", "web", 80, null),
            "FallbackNotValid",
            "Spec.Virtualhost.TLS Secret \"gantry-system/missing\" fallback certificate is"
                + " invalid: Secret not found"),
        refused(
            "the hub's Secret holds no certificate",
            "gantry-system/ca-only",
            web().fallbackCertificate().route("/", "web", 80, null),
            "FallbackNotValid",
            "Spec.Virtualhost.TLS Secret \"gantry-system/ca-only\" fallback certificate is"
                + " invalid: "
                + SECRETS.get("gantry-system/ca-only").error()),
        refused(
            "with clientValidation",
            hub,
            web()
                .fallbackCertificate()
                .clientValidation(v -> v.setCaSecret("client-ca"))
                .route("/", "web", 80, null),
            "TLSIncompatibleFeatures",
            "Spec.Virtualhost.TLS fallback & client validation are incompatible"),
        refused(
            "with passthrough",
            hub,
            Fixtures.proxy("demo/web")
                .fqdn("web.example")
                .tls(null, null, true)
                .fallbackCertificate()
                .tcpProxy("web", 443, null),
            "TLSIncompatibleFeatures",
            "Spec.VirtualHost.TLS: both Passthrough and enableFallbackCertificate were specified"),
        refused(
            "with a minimum protocol version of 1.3, which the fallback chain (from 1.2) would not"
                + " hold: refused, where Contour serves it",
            hub,
            Fixtures.proxy("demo/web")
                .fqdn("web.example")
                .tls("cert", "1.3", null)
                .fallbackCertificate()
                .route("/", "web", 80, null),
            "TLSIncompatibleFeatures",
            "Spec.Virtualhost.TLS fallback & minimum protocol version 1.3 are incompatible: the"
                + " fallback certificate is served from TLS 1.2"),
        new Case(
            "with a terminated tcpproxy: ignored, with a warning",
            hub,
            web().fallbackCertificate().tcpProxy("web", 443, null),
            null,
            List.of(),
            List.of(
                new ProxyVerdict.Error(
                    ProxyVerdict.TLS_ERROR,
                    "IgnoredField",
                    "Spec.VirtualHost.TLS.EnableFallbackCertificate is ignored with"
                        + " Spec.TCPProxy: a TCP proxy is reached by SNI only"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fallbackIsServedOrExplained(Case c) {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry", c.hubSecret())
            .compile(List.of(c.proxy().build()), SNAPSHOT, SECRETS, DELEGATIONS);

    ProxyVerdict verdict = result.verdicts().get(0);
    assertThat(verdict.errors()).containsExactlyElementsOf(c.errors());
    if (!c.errors().isEmpty()) {
      assertThat(verdict.currentStatus()).isEqualTo(ProxyVerdict.INVALID);
      assertThat(result.table().virtualHosts()).isEmpty();
      return;
    }
    assertThat(verdict.warnings()).containsExactlyElementsOf(c.warnings());
    VirtualHostTls tls = result.table().virtualHosts().get(0).tls();
    assertThat(tls.certificate()).isEqualTo(SERVED);
    if (c.fallback() == null) {
      assertThat(tls.fallback()).isNull();
    } else {
      TlsSecrets.Outcome secret = SECRETS.get(c.fallback());
      assertThat(tls.fallback()).isEqualTo(secret.certificate());
      assertThat(tls.fallback().name()).isEqualTo(c.fallback());
    }
  }

  @org.junit.jupiter.api.Test
  void withJwtVerificationTheFallbackIsRefusedWhichContourMisses() {
    dev.gantry.api.crd.contour.HTTPProxy proxy =
        web().fallbackCertificate().route("/", "web", 80, null).build();
    dev.gantry.api.crd.contour.JWTProvider provider = new dev.gantry.api.crd.contour.JWTProvider();
    provider.setName("p");
    provider.setIssuer("i");
    dev.gantry.api.crd.contour.RemoteJWKS jwks = new dev.gantry.api.crd.contour.RemoteJWKS();
    jwks.setUri("https://jwks.example.com/keys");
    provider.setRemoteJWKS(jwks);
    proxy.getSpec().getVirtualhost().setJwtProviders(List.of(provider));

    ProxyCompiler.Result result =
        new ProxyCompiler("gantry", "gantry-system/fallback")
            .compile(List.of(proxy), SNAPSHOT, SECRETS, DELEGATIONS);

    assertThat(result.verdicts().get(0).errors())
        .containsExactly(
            new ProxyVerdict.Error(
                ProxyVerdict.TLS_ERROR,
                "TLSIncompatibleFeatures",
                "Spec.Virtualhost.TLS fallback & JWT verification are incompatible"));
    assertThat(result.table().virtualHosts()).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void withAuthorizationTheFallbackIsRefused() {
    ProxyCompiler.Result result =
        new ProxyCompiler("gantry", "gantry-system/fallback")
            .compile(
                List.of(
                    web()
                        .fallbackCertificate()
                        .authorization("demo/auth", Map.of(), a -> {})
                        .route("/", "web", 80, null)
                        .build()),
                SNAPSHOT,
                SECRETS,
                DELEGATIONS);

    assertThat(result.verdicts().get(0).currentStatus()).isEqualTo(ProxyVerdict.INVALID);
    assertThat(result.verdicts().get(0).errors())
        .contains(
            new ProxyVerdict.Error(
                ProxyVerdict.TLS_ERROR,
                "TLSIncompatibleFeatures",
                "Spec.Virtualhost.TLS fallback & client authorization are incompatible"));
    assertThat(result.table().virtualHosts()).isEmpty();
  }
}
