package dev.gantry.xds.compile.httpproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.xds.ir.ProxyVerdict;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fields of an HTTPProxy that Gantry does not implement (every field of Contour's CRD is; a newer
 * CRD's is not) make the proxy invalid and unserved, with an error naming each (fail closed); the
 * fields Gantry implements raise no such error.
 */
class UnimplementedFieldsTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "vhost IP allow list: implemented, so neither an error nor a warning",
            "virtualhost: {fqdn: a.test, ipAllowPolicy: [{cidr: 10.0.0.0/8, source: Peer}]}\n"
                + "routes: [{services: [{name: kuard, port: 80}]}]",
            "valid",
            List.of(),
            List.of()),
        Arguments.of(
            "external authorization: implemented; invalid here for its missing ExtensionService,"
                + " not as unimplemented",
            "virtualhost:\n"
                + "  fqdn: a.test\n"
                + "  authorization: {extensionRef: {name: authz}}\n"
                + "  tls: {secretName: s, clientValidation: {caSecret: ca}}\n"
                + "routes: [{services: [{name: kuard, port: 80}]}]",
            "invalid",
            List.of(),
            List.of()),
        Arguments.of(
            "route JWT policy, IP deny list, local and global limits and auth policy: all"
                + " implemented, none NotImplemented",
            "virtualhost: {fqdn: a.test}\n"
                + "routes:\n"
                + "- services: [{name: kuard, port: 80}]\n"
                + "  jwtVerificationPolicy: {require: p}\n"
                + "  ipDenyPolicy: [{cidr: 10.0.0.0/8, source: Remote}]\n"
                + "  rateLimitPolicy: {local: {requests: 1, unit: second}, global: {disabled: true}}\n"
                + "  authPolicy: {disabled: true}",
            "invalid",
            List.of(),
            List.of()),
        Arguments.of(
            "JWT verification: implemented; invalid here for the provider the route requires and"
                + " the host lacks, not as unimplemented",
            "virtualhost: {fqdn: a.test}\n"
                + "routes:\n"
                + "- services: [{name: kuard, port: 80}]\n"
                + "  jwtVerificationPolicy: {require: p}",
            "invalid",
            List.of(),
            List.of()),
        Arguments.of(
            "upstream validation: implemented; of a clear-text service, named in a warning",
            "virtualhost: {fqdn: a.test}\n"
                + "routes: [{services: [{name: kuard, port: 80, validation: {caSecret: ca, subjectName: k}}]}]",
            "valid",
            List.of(),
            List.of("spec.routes[0].services[0].validation")),
        Arguments.of(
            "cookie rewriting and slow start: implemented",
            "virtualhost: {fqdn: a.test}\n"
                + "routes:\n"
                + "- services: [{name: kuard, port: 80, slowStartPolicy: {window: 1s}}]\n"
                + "  cookieRewritePolicies: [{name: c, secure: true}]",
            "valid",
            List.of(),
            List.of()),
        Arguments.of(
            "tcpproxy.include and healthPort: implemented; invalid here for the missing target,"
                + " not as unimplemented",
            "virtualhost: {fqdn: a.test, tls: {passthrough: true}}\n"
                + "tcpproxy: {include: {name: nowhere}, includes: {name: old}}\n"
                + "routes: [{services: [{name: kuard, port: 80, healthPort: 8080}]}]",
            "invalid",
            List.of(),
            List.of()),
        Arguments.of(
            "a field Gantry does not know (a newer CRD's): invalid, not served, an error naming it",
            "virtualhost: {fqdn: a.test}\n"
                + "routes:\n"
                + "- services: [{name: kuard, port: 80}]\n"
                + "  cookieRewritePolicies: [{name: c, secure: true, maxAge: 1}]",
            "invalid",
            List.of("spec.routes[0].cookieRewritePolicies[0].maxAge"),
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fieldsGantryDoesNotImplementFailClosed(
      String name, String spec, String status, List<String> errors, List<String> warnings) {
    HTTPProxy proxy =
        Serialization.unmarshal(
            "apiVersion: projectcontour.io/v1\nkind: HTTPProxy\n"
                + "metadata: {name: p, namespace: demo}\nspec:\n  ingressClassName: gantry\n"
                + spec.indent(2),
            HTTPProxy.class);

    ProxyCompiler.Result result =
        new ProxyCompiler("gantry").compile(List.of(proxy), ProxyCompilerTest.SNAPSHOT, Map.of());

    ProxyVerdict verdict = result.verdicts().get(0);
    assertThat(verdict.currentStatus()).isEqualTo(status);
    assertThat(verdict.errors())
        .filteredOn(e -> e.reason().equals("NotImplemented"))
        .extracting(e -> e.message().substring(0, e.message().indexOf(' ')))
        .containsExactlyElementsOf(errors);
    assertThat(verdict.warnings())
        .extracting(e -> e.message().substring(0, e.message().indexOf(' ')))
        .containsExactlyElementsOf(warnings);
    assertThat(result.table().virtualHosts()).hasSize(status.equals("valid") ? 1 : 0);
  }

  @org.junit.jupiter.api.Test
  void anIncludedProxyWithAFieldGantryDoesNotImplementAnswers502RatherThanFallingThrough() {
    HTTPProxy root =
        Serialization.unmarshal(
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: root, namespace: demo}
            spec:
              ingressClassName: gantry
              virtualhost: {fqdn: a.test}
              includes: [{name: admin, conditions: [{prefix: /admin}]}]
              routes: [{services: [{name: kuard, port: 80}]}]
            """,
            HTTPProxy.class);
    HTTPProxy admin =
        Serialization.unmarshal(
            """
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: admin, namespace: demo}
            spec:
              ingressClassName: gantry
              routes: [{services: [{name: kuard, port: 80}], newerPolicy: {enabled: true}}]
            """,
            HTTPProxy.class);

    ProxyCompiler.Result result =
        new ProxyCompiler("gantry")
            .compile(List.of(root, admin), ProxyCompilerTest.SNAPSHOT, Map.of());

    assertThat(result.verdicts())
        .filteredOn(v -> v.name().equals("admin"))
        .singleElement()
        .satisfies(
            v -> assertThat(v.errors()).extracting(e -> e.reason()).contains("NotImplemented"));
    assertThat(result.table().virtualHosts())
        .singleElement()
        .satisfies(
            host ->
                assertThat(host.routes())
                    .filteredOn(r -> "/admin".equals(r.match().path()))
                    .singleElement()
                    .satisfies(
                        r -> {
                          assertThat(r.clusters()).isEmpty();
                          assertThat(r.actions().direct().status()).isEqualTo(502);
                        }));
  }
}
