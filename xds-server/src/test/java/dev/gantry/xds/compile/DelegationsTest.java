package dev.gantry.xds.compile;

import static dev.gantry.xds.IngressFixtures.ingress;
import static dev.gantry.xds.IngressFixtures.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.TLSCertificateDelegation;
import dev.gantry.api.crd.contour.TLSCertificateDelegationSpec;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.Fixtures;
import dev.gantry.xds.TestCertificates;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.compile.ingress.IngressCompiler;
import dev.gantry.xds.compile.ingress.IngressConverter;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.tls.TlsSecrets;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TLSCertificateDelegations as Contour reads them: a Secret of another namespace may be used only
 * when a delegation in the Secret's namespace names it for the user's namespace, or for {@code
 * ["*"]}; for certificates, client CA and CRL Secrets, upstream CA Secrets and Ingress TLS alike.
 */
class DelegationsTest {
  private static final TestCertificates.Issued CA = TestCertificates.authority("shared-ca");
  private static final TestCertificates.Issued SERVING =
      TestCertificates.signed(CA, "web", "web.example");

  private static final FederatedService WEB =
      Fixtures.service("demo/web")
          .port("http", 80)
          .cluster("east", 0, 1, "http", "10.0.0.1:8080")
          .build();
  private static final FederationSnapshot SNAPSHOT =
      new FederationSnapshot(Map.of(WEB.name(), WEB), Map.of());

  private static final Map<String, TlsSecrets.Outcome> SECRETS =
      TlsSecrets.validateAll(
          Map.of(
              "shared/cert", TestCertificates.tlsSecret("shared/cert", SERVING),
              "shared/ca", TestCertificates.caSecret("shared/ca", CA),
              "shared/crl",
                  TestCertificates.crlSecret(
                      "shared/crl", TestCertificates.crl(CA, BigInteger.TWO))));

  private static TLSCertificateDelegation delegation(
      String namespace, String secret, String... targets) {
    TLSCertificateDelegation d = new TLSCertificateDelegation();
    d.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName("d-" + secret)
            .build());
    TLSCertificateDelegationSpec spec = new TLSCertificateDelegationSpec();
    spec.getDelegations()
        .add(new TLSCertificateDelegationSpec.Delegation(secret, List.of(targets)));
    d.setSpec(spec);
    return d;
  }

  @Test
  void aSecretIsPermittedInItsOwnNamespaceAndWhereADelegationNamesItsTarget() {
    Delegations delegations =
        Delegations.of(
            List.of(
                delegation("shared", "cert", "demo", "shop"),
                delegation("shared", "wild", "*"),
                delegation("shared", "not-wild", "web", "*")));

    assertThat(delegations.key("cert", "shared")).isEqualTo("shared/cert");
    assertThat(delegations.key("shared/cert", "shared")).isEqualTo("shared/cert");
    assertThat(delegations.key("shared/cert", "demo")).isEqualTo("shared/cert");
    assertThat(delegations.key("shared/cert", "shop")).isEqualTo("shared/cert");
    assertThat(delegations.key("shared/cert", "other")).isNull();
    assertThat(delegations.key("shared/other", "demo")).as("another Secret").isNull();
    assertThat(delegations.key("elsewhere/cert", "demo")).as("another namespace").isNull();
    assertThat(delegations.key("shared/wild", "anyone")).isEqualTo("shared/wild");
    // As Contour: "*" counts only when it is the whole list.
    assertThat(delegations.key("shared/not-wild", "anyone")).isNull();
    assertThat(delegations.key("shared/not-wild", "web")).isEqualTo("shared/not-wild");
    assertThat(Delegations.NONE.key("shared/cert", "demo")).isNull();
    assertThat(Delegations.of(List.of())).isEqualTo(Delegations.NONE);
  }

  /** A proxy of demo using shared's certificate, client CA and CRL, and CA toward its backend. */
  private static HTTPProxy proxy() {
    HTTPProxy p =
        Fixtures.proxy("demo/web")
            .fqdn("web.example")
            .tls("shared/cert", null, null)
            .clientValidation(
                v -> {
                  v.setCaSecret("shared/ca");
                  v.setCrlSecret("shared/crl");
                })
            .route("/", "web", 80, null)
            .build();
    var service = p.getSpec().getRoutes().get(0).getServices().get(0);
    service.setProtocol("tls");
    var validation = new dev.gantry.api.crd.contour.UpstreamValidation();
    validation.setCaSecret("shared/ca");
    validation.setSubjectName("web.internal");
    service.setValidation(validation);
    return p;
  }

  private static ProxyVerdict verdict(Delegations delegations) {
    return new ProxyCompiler("gantry")
        .compile(List.of(proxy()), SNAPSHOT, SECRETS, delegations)
        .verdicts()
        .get(0);
  }

  @Test
  void withoutDelegationEachSecretOfAnotherNamespaceIsRefusedWithContoursReason() {
    assertThat(verdict(Delegations.NONE).errors())
        .extracting(e -> e.type() + "/" + e.reason())
        .containsExactlyInAnyOrder(
            "TLSError/DelegationNotPermitted",
            "TLSError/DelegationNotPermitted",
            "TLSError/DelegationNotPermitted",
            "TLSError/CACertificateNotDelegated");
  }

  @Test
  void delegatedToTheNamespaceOrToEveryoneEverySecretIsUsed() {
    for (String target : List.of("demo", "*")) {
      Delegations delegations =
          Delegations.of(
              List.of(
                  delegation("shared", "cert", target),
                  delegation("shared", "ca", target),
                  delegation("shared", "crl", target)));
      ProxyCompiler.Result result =
          new ProxyCompiler("gantry").compile(List.of(proxy()), SNAPSHOT, SECRETS, delegations);

      assertThat(result.verdicts().get(0).errors()).as(target).isEmpty();
      RoutingTable.VirtualHost host = result.table().virtualHosts().get(0);
      assertThat(host.tls().certificate().name()).isEqualTo("shared/cert");
      assertThat(host.tls().clientValidation().trust().caPem()).isEqualTo(CA.certificatePem());
      Upstream upstream = result.table().upstreams().values().iterator().next();
      assertThat(upstream.tls().validation().caSecret()).isEqualTo("shared/ca");
    }
  }

  @Test
  void aDelegationToAnotherNamespaceDoesNotCount() {
    Delegations elsewhere =
        Delegations.of(
            List.of(
                delegation("shared", "cert", "shop"),
                delegation("shared", "ca", "shop"),
                delegation("shared", "crl", "shop")));

    assertThat(verdict(elsewhere).valid()).isFalse();
  }

  @Test
  void anIngressUsesADelegatedCertificate() {
    var ingresses =
        List.of(
            ingress("demo/a")
                .rule("web.example", path("/", "Prefix", "web", 80))
                .tls("shared/cert", "web.example")
                .build());
    IngressCompiler compiler = new IngressCompiler(new ProxyCompiler("gantry"));

    IngressCompiler.Result refused =
        compiler.compile(List.of(), ingresses, SNAPSHOT, SECRETS, Delegations.NONE);
    IngressCompiler.Result served =
        compiler.compile(
            List.of(),
            ingresses,
            SNAPSHOT,
            SECRETS,
            Delegations.of(List.of(delegation("shared", "cert", "demo"))));

    assertThat(refused.table().virtualHosts()).isEmpty();
    assertThat(refused.warnings())
        .extracting(IngressConverter.Warning::message)
        .singleElement()
        .asString()
        .contains("DelegationNotPermitted");
    assertThat(served.table().virtualHosts())
        .singleElement()
        .satisfies(h -> assertThat(h.tls().certificate().name()).isEqualTo("shared/cert"));
  }
}
