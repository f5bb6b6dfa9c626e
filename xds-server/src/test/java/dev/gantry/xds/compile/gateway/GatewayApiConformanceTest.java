package dev.gantry.xds.compile.gateway;

import static dev.gantry.xds.GatewayApiManifests.INFRA;
import static dev.gantry.xds.GatewayApiManifests.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.GatewayApiManifests;
import dev.gantry.xds.TestCertificates;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.tls.TlsSecrets;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.AllowedRoutes;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteNamespaces;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The status-only tests of the upstream Gateway API conformance suite ({@code
 * sigs.k8s.io/gateway-api/conformance} v1.7.0), ported: each test's objects (its YAML, with the
 * base Gateways it names) through the compiler, and its assertions on the statuses, checked as the
 * suite's helpers check them ({@link #listenersMatch}: listeners by name, the expected kinds among
 * the supported ones, attached routes, each expected condition present with its status and reason
 * when one is given). Each method is named after the upstream test it follows. Where the suite
 * applies several Gateways with listeners of one protocol and no hostname at once, each is compiled
 * alone: Gantry serves every such listener on one Envoy listener, where the later would conflict.
 */
class GatewayApiConformanceTest {
  private static final TestCertificates.Issued SELF_SIGNED =
      TestCertificates.rsa("gateway-conformance", "*", "*.org", "*.wildcard.org");

  /** The suite's Secrets (created by its set-up), in every test. */
  private static final Map<String, Secret> SUITE_SECRETS =
      Map.of(
          INFRA + "/tls-validity-checks-certificate",
          TestCertificates.tlsSecret(INFRA + "/tls-validity-checks-certificate", SELF_SIGNED),
          WEB + "/certificate",
          TestCertificates.tlsSecret(WEB + "/certificate", SELF_SIGNED));

  private static final FederationSnapshot SNAPSHOT =
      GatewayApiManifests.snapshot(
          key -> "198.18.7." + (GatewayApiManifests.SERVICES.indexOf(key) + 1) + ":3000");

  private final GatewayApiCompiler compiler = new GatewayApiCompiler(ExternalNames.DISABLED);

  private GatewayApiStatuses compile(GatewayApiManifests.Applied applied) {
    Map<String, Secret> secrets = new HashMap<>(SUITE_SECRETS);
    secrets.putAll(applied.secrets());
    return compiler
        .compile(applied.objects(), SNAPSHOT, TlsSecrets.validateAll(secrets), Map.of())
        .statuses();
  }

  private GatewayApiStatuses compile(List<String> baseGateways, String... yamls) {
    return compile(GatewayApiManifests.apply(baseGateways, yamls));
  }

  /** A condition as the suite expects it; a null reason is any reason. */
  record Expected(String type, String status, String reason) {}

  /** A listener's status as the suite expects it. */
  record ExpectedListener(
      String name, List<String> supportedKinds, List<Expected> conditions, int attachedRoutes) {}

  static Expected cond(String type, String status, String reason) {
    return new Expected(type, status, reason);
  }

  static ExpectedListener listener(
      String name, List<String> kinds, int attached, Expected... conditions) {
    return new ExpectedListener(name, kinds, List.of(conditions), attached);
  }

  /** As the suite's {@code conditionsMatch}: each expected condition is there. */
  static boolean conditionsMatch(List<Expected> expected, List<Condition> actual) {
    if (actual.size() < expected.size()) {
      return false;
    }
    return expected.stream()
        .allMatch(
            e ->
                actual.stream()
                    .anyMatch(
                        c ->
                            c.getType().equals(e.type())
                                && c.getStatus().equals(e.status())
                                && (e.reason() == null || e.reason().equals(c.getReason()))));
  }

  /** As the suite's {@code gatewayListenersMatch}. */
  static void listenersMatch(GatewayStatus status, ExpectedListener... expected) {
    List<ListenerStatus> actual = status.getListeners();
    assertThat(actual).as("listeners").hasSize(expected.length);
    for (ExpectedListener e : expected) {
      ListenerStatus a =
          actual.stream().filter(l -> l.getName().equals(e.name())).findFirst().orElseThrow();
      List<String> kinds =
          a.getSupportedKinds().stream().map(k -> k.getGroup() + "/" + k.getKind()).toList();
      if (e.supportedKinds().isEmpty()) {
        assertThat(kinds).as(e.name() + " supportedKinds").isEmpty();
      }
      for (String kind : e.supportedKinds()) {
        assertThat(kinds)
            .as(e.name() + " supportedKinds")
            .contains("gateway.networking.k8s.io/" + kind);
      }
      assertThat(a.getAttachedRoutes())
          .as(e.name() + " attachedRoutes")
          .isEqualTo(e.attachedRoutes());
      assertThat(conditionsMatch(e.conditions(), a.getConditions()))
          .as(e.name() + " conditions " + a.getConditions() + " include " + e.conditions())
          .isTrue();
    }
  }

  /** As the suite's {@code ConditionsHaveLatestObservedGeneration}. */
  static void latestGeneration(List<Condition> conditions, long generation) {
    assertThat(conditions).isNotEmpty();
    assertThat(conditions)
        .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(generation));
  }

  /** The route's parent status for Gateway {@code gateway} ({@code namespace/name}). */
  static RouteParentStatus parent(HTTPRouteStatus status, String gateway) {
    return status.getParents().stream()
        .filter(
            p ->
                gateway.equals(
                    (p.getParentRef().getNamespace() == null ? "" : p.getParentRef().getNamespace())
                        + "/"
                        + p.getParentRef().getName()))
        .findFirst()
        .orElseThrow();
  }

  /** As the suite's {@code HTTPRouteMustHaveCondition}. */
  static void routeHasCondition(
      GatewayApiStatuses s, String route, String gateway, Expected expected) {
    assertThat(
            conditionsMatch(
                List.of(expected), parent(s.httpRoutes().get(route), gateway).getConditions()))
        .as(route + " " + expected)
        .isTrue();
  }

  /** As the suite's {@code HTTPRouteMustHaveNoAcceptedParents}. */
  static void noAcceptedParents(GatewayApiStatuses s, String route) {
    HTTPRouteStatus status = s.httpRoutes().get(route);
    if (status == null || status.getParents().isEmpty()) {
      return;
    }
    assertThat(status.getParents()).hasSize(1);
    assertThat(
            conditionsMatch(
                List.of(cond("Accepted", "False", null)),
                status.getParents().get(0).getConditions()))
        .isTrue();
  }

  /** As the suite's {@code GatewayMustHaveZeroRoutes}. */
  static void zeroRoutes(GatewayApiStatuses s, String gateway) {
    List<ListenerStatus> listeners = s.gateways().get(gateway).getListeners();
    assertThat(
            listeners.isEmpty()
                || (listeners.size() == 1 && listeners.get(0).getAttachedRoutes() == 0))
        .as(gateway + " listeners " + listeners)
        .isTrue();
  }

  static String gatewayCondition(GatewayStatus status, String type) {
    return status.getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(c -> c.getStatus() + "/" + c.getReason())
        .findFirst()
        .orElse("absent");
  }

  @Test
  void gatewayClassObservedGenerationBump() {
    String yaml =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: gatewayclass-observed-generation-bump
        spec:
          controllerName: "gantry.dev/gateway-controller"
          description: "old"
        """;
    GatewayApiManifests.Applied applied = GatewayApiManifests.apply(List.of(), yaml);
    var before = compile(applied).gatewayClasses().get("gatewayclass-observed-generation-bump");
    assertThat(gatewayCondition(asGateway(before.getConditions()), "Accepted")).startsWith("True/");
    latestGeneration(before.getConditions(), 1);

    var mutated = applied.objects().gatewayClasses().get(1);
    mutated.getSpec().setDescription("new");
    mutated.getMetadata().setGeneration(2L);
    var after = compile(applied).gatewayClasses().get("gatewayclass-observed-generation-bump");
    assertThat(gatewayCondition(asGateway(after.getConditions()), "Accepted")).startsWith("True/");
    latestGeneration(after.getConditions(), 2);
  }

  private static GatewayStatus asGateway(List<Condition> conditions) {
    GatewayStatus s = new GatewayStatus();
    s.setConditions(conditions);
    return s;
  }

  private static Listener httpListener(String name, String hostname, String from) {
    Listener l = new Listener();
    l.setName(name);
    l.setHostname(hostname);
    l.setPort(80);
    l.setProtocol("HTTP");
    AllowedRoutes allowed = new AllowedRoutes();
    RouteNamespaces ns = new RouteNamespaces();
    ns.setFrom(from);
    allowed.setNamespaces(ns);
    l.setAllowedRoutes(allowed);
    return l;
  }

  @Test
  void gatewayObservedGenerationBump() {
    GatewayApiManifests.Applied applied =
        GatewayApiManifests.apply(
            List.of(),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: gateway-observed-generation-bump
              namespace: gateway-conformance-infra
            spec:
              gatewayClassName: "{GATEWAY_CLASS_NAME}"
              listeners:
                - name: http
                  hostname: "bar.com"
                  port: 80
                  protocol: HTTP
                  allowedRoutes:
                    namespaces:
                      from: All
            """);
    String gw = INFRA + "/gateway-observed-generation-bump";
    latestGeneration(compile(applied).gateways().get(gw).getConditions(), 1);

    GatewayApiManifests.Applied patched =
        applied.withGateway(
            gw, g -> g.getSpec().getListeners().add(httpListener("alternate", "foo.com", "All")));
    GatewayStatus after = compile(patched).gateways().get(gw);
    latestGeneration(after.getConditions(), 2);
    assertThat(after.getListeners())
        .allSatisfy(l -> latestGeneration(l.getConditions(), 2))
        .extracting(ListenerStatus::getName)
        .containsExactly("http", "alternate");
  }

  @Test
  void gatewayModifyListeners() {
    GatewayApiManifests.Applied applied =
        GatewayApiManifests.apply(
            List.of(),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: gateway-add-listener
              namespace: gateway-conformance-infra
            spec:
              gatewayClassName: "{GATEWAY_CLASS_NAME}"
              listeners:
              - name: https
                port: 443
                protocol: HTTPS
                hostname: "secure.test.com"
                allowedRoutes:
                  namespaces:
                    from: All
                tls:
                  certificateRefs:
                  - group: ""
                    kind: Secret
                    name: tls-validity-checks-certificate
                    namespace: gateway-conformance-infra
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: http-route-1
              namespace: gateway-conformance-infra
            spec:
              parentRefs:
              - kind: Gateway
                name: gateway-add-listener
                namespace: gateway-conformance-infra
              rules:
              - backendRefs:
                - name: infra-backend-v1
                  port: 8080
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: gateway-remove-listener
              namespace: gateway-conformance-infra
            spec:
              gatewayClassName: "{GATEWAY_CLASS_NAME}"
              listeners:
              - name: https
                port: 443
                protocol: HTTPS
                hostname: "secure.test.com"
                allowedRoutes:
                  namespaces:
                    from: All
                tls:
                  certificateRefs:
                  - group: ""
                    kind: Secret
                    name: tls-validity-checks-certificate
                    namespace: gateway-conformance-infra
              - name: http
                port: 80
                protocol: HTTP
                allowedRoutes:
                  namespaces:
                    from: All
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: http-route-2
              namespace: gateway-conformance-infra
            spec:
              parentRefs:
              - kind: Gateway
                name: gateway-remove-listener
                namespace: gateway-conformance-infra
              rules:
              - backendRefs:
                - name: infra-backend-v1
                  port: 8080
            """);
    // The suite applies both Gateways at once; their secure.test.com listeners are one host of
    // Envoy's one HTTPS listener, so each subtest runs with its own Gateway only.
    Expected accepted = cond("Accepted", "True", null);
    Expected resolved = cond("ResolvedRefs", "True", null);
    String add = INFRA + "/gateway-add-listener";
    GatewayApiManifests.Applied adding =
        without(applied, INFRA + "/gateway-remove-listener")
            .withGateway(
                add,
                g -> g.getSpec().getListeners().add(httpListener("http", "data.test.com", "All")));
    GatewayStatus added = compile(adding).gateways().get(add);
    listenersMatch(
        added,
        listener("https", List.of("HTTPRoute"), 1, accepted, resolved),
        listener("http", List.of("HTTPRoute"), 1, accepted, resolved));
    latestGeneration(added.getConditions(), 2);

    String remove = INFRA + "/gateway-remove-listener";
    GatewayApiManifests.Applied removing =
        without(applied, add)
            .withGateway(
                remove, g -> g.getSpec().getListeners().removeIf(l -> !l.getName().equals("http")));
    GatewayStatus removed = compile(removing).gateways().get(remove);
    listenersMatch(removed, listener("http", List.of("HTTPRoute"), 1, accepted, resolved));
    latestGeneration(removed.getConditions(), 2);
  }

  private static GatewayApiManifests.Applied without(
      GatewayApiManifests.Applied applied, String gateway) {
    return new GatewayApiManifests.Applied(
        new GatewayApiObjects(
            applied.objects().gatewayClasses(),
            applied.objects().gateways().stream()
                .filter(g -> !GatewayApiManifests.key(g).equals(gateway))
                .toList(),
            applied.objects().httpRoutes(),
            applied.objects().grpcRoutes(),
            applied.objects().referenceGrants(),
            applied.objects().namespaceLabels(),
            applied.objects().tlsRoutes()),
        applied.secrets());
  }

  @Test
  void gatewayNameMaximumLength() {
    String prefix = "gateway-name-maximum-length-";
    String name = prefix + "a".repeat(253 - prefix.length());
    GatewayApiStatuses s =
        compile(
            List.of(),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: %s
              namespace: gateway-conformance-infra
            spec:
              gatewayClassName: "{GATEWAY_CLASS_NAME}"
              listeners:
                - name: http
                  port: 80
                  protocol: HTTP
            """
                .formatted(name));
    latestGeneration(s.gateways().get(INFRA + "/" + name).getConditions(), 1);
  }

  @Test
  void gatewayListenerUnsupportedProtocol() {
    String only =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gateway-only-unsupported-protocols
          namespace: gateway-conformance-infra
        spec:
          gatewayClassName: "{GATEWAY_CLASS_NAME}"
          listeners:
            - name: invalid
              port: 1111
              protocol: INVALID
        """;
    String mixed =
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gateway-supported-and-unsupported-protocols
          namespace: gateway-conformance-infra
        spec:
          gatewayClassName: "{GATEWAY_CLASS_NAME}"
          listeners:
            - name: http
              port: 80
              protocol: HTTP
            - name: invalid
              port: 1111
              protocol: INVALID
        """;
    GatewayApiStatuses s = compile(List.of(), only + "---\n" + mixed);

    GatewayStatus onlyStatus = s.gateways().get(INFRA + "/gateway-only-unsupported-protocols");
    latestGeneration(onlyStatus.getConditions(), 1);
    assertThat(gatewayCondition(onlyStatus, "Accepted")).isEqualTo("False/ListenersNotValid");
    listenersMatch(
        onlyStatus,
        listener("invalid", List.of(), 0, cond("Accepted", "False", "UnsupportedProtocol")));

    GatewayStatus mixedStatus =
        s.gateways().get(INFRA + "/gateway-supported-and-unsupported-protocols");
    latestGeneration(mixedStatus.getConditions(), 1);
    assertThat(gatewayCondition(mixedStatus, "Accepted")).isEqualTo("True/ListenersNotValid");
    listenersMatch(
        mixedStatus,
        listener("http", List.of("HTTPRoute"), 0, cond("Accepted", "True", "Accepted")),
        listener("invalid", List.of(), 0, cond("Accepted", "False", "UnsupportedProtocol")));
  }

  @Test
  void gatewayInvalidRouteKind() {
    GatewayApiStatuses s =
        compile(
            List.of(),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: gateway-only-invalid-route-kind
              namespace: gateway-conformance-infra
            spec:
              gatewayClassName: "{GATEWAY_CLASS_NAME}"
              listeners:
                - name: http
                  port: 80
                  protocol: HTTP
                  allowedRoutes:
                    namespaces:
                      from: All
                    kinds:
                      - kind: InvalidRoute
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: gateway-supported-and-invalid-route-kind
              namespace: gateway-conformance-infra
            spec:
              gatewayClassName: "{GATEWAY_CLASS_NAME}"
              listeners:
                - name: http
                  port: 80
                  protocol: HTTP
                  allowedRoutes:
                    namespaces:
                      from: All
                    kinds:
                      - kind: InvalidRoute
                      - kind: HTTPRoute
            """);
    Expected invalid = cond("ResolvedRefs", "False", "InvalidRouteKinds");
    listenersMatch(
        s.gateways().get(INFRA + "/gateway-only-invalid-route-kind"),
        listener("http", List.of(), 0, invalid));
    listenersMatch(
        s.gateways().get(INFRA + "/gateway-supported-and-invalid-route-kind"),
        listener("http", List.of("HTTPRoute"), 0, invalid));
  }

  private static String httpsGateway(String name, String group, String kind, String secret) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: %s
          namespace: gateway-conformance-infra
        spec:
          gatewayClassName: "{GATEWAY_CLASS_NAME}"
          listeners:
            - name: https
              port: 443
              protocol: HTTPS
              allowedRoutes:
                namespaces:
                  from: All
              tls:
                certificateRefs:
                  - group: "%s"
                    kind: %s
                    name: %s
        """
        .formatted(name, group, kind, secret);
  }

  @Test
  void gatewayInvalidTLSConfiguration() {
    String malformed =
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: malformed-certificate
          namespace: gateway-conformance-infra
        data:
          tls.crt: SGVsbG8gd29ybGQK
          tls.key: SGVsbG8gd29ybGQK
        type: kubernetes.io/tls
        """;
    ExpectedListener expected =
        listener(
            "https",
            List.of("HTTPRoute"),
            0,
            cond("ResolvedRefs", "False", "InvalidCertificateRef"));
    // The suite's four Gateways at once have four HTTPS listeners without a hostname: each is
    // checked alone, as one of them would be served and the others conflict on Envoy's one
    // HTTPS listener (which the suite does not check).
    for (String gateway :
        List.of(
            httpsGateway(
                "gateway-certificate-nonexistent-secret", "", "Secret", "nonexistent-certificate"),
            httpsGateway(
                "gateway-certificate-unsupported-group",
                "wrong.group.company.io",
                "Secret",
                "tls-validity-checks-certificate"),
            httpsGateway(
                "gateway-certificate-unsupported-kind",
                "",
                "WrongKind",
                "tls-validity-checks-certificate"),
            httpsGateway(
                "gateway-certificate-malformed-secret", "", "Secret", "malformed-certificate"))) {
      GatewayApiStatuses s = compile(List.of(), gateway, malformed);
      assertThat(s.gateways()).hasSize(1);
      listenersMatch(s.gateways().values().iterator().next(), expected);
    }
  }

  private static String grant(
      String name,
      String ns,
      String fromGroup,
      String fromKind,
      String fromNs,
      String toGroup,
      String toKind,
      String toName) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata:
          name: %s
          namespace: %s
        spec:
          from:
            - group: %s
              kind: %s
              namespace: %s
          to:
            - group: "%s"
              kind: %s
        %s"""
        .formatted(
            name,
            ns,
            fromGroup,
            fromKind,
            fromNs,
            toGroup,
            toKind,
            toName == null ? "" : "      name: " + toName + "\n");
  }

  private static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

  @Test
  void gatewaySecretInvalidReferenceGrant() {
    GatewayApiStatuses s =
        compile(
            List.of(),
            crossNamespaceGateway("gateway-secret-invalid-reference-grant", false),
            grant(
                "reference-grant-wrong-namespace",
                "gateway-conformance-app-backend",
                GATEWAY_GROUP,
                "Gateway",
                INFRA,
                "",
                "Secret",
                "certificate"),
            grant(
                "reference-grant-wrong-from-group",
                WEB,
                "not-the-group-youre-looking-for",
                "Gateway",
                INFRA,
                "",
                "Secret",
                "certificate"),
            grant(
                "reference-grant-wrong-from-kind",
                WEB,
                GATEWAY_GROUP,
                "HTTPRoute",
                INFRA,
                "",
                "Secret",
                "certificate"),
            grant(
                "reference-grant-wrong-from-namespace",
                WEB,
                GATEWAY_GROUP,
                "Gateway",
                "not-the-namespace-youre-looking-for",
                "",
                "Secret",
                "certificate"),
            grant(
                "reference-grant-wrong-to-group",
                WEB,
                GATEWAY_GROUP,
                "Gateway",
                INFRA,
                "not-the-group-youre-looking-for",
                "Secret",
                "not-the-certificate-youre-looking-for"),
            grant(
                "reference-grant-wrong-to-kind",
                WEB,
                GATEWAY_GROUP,
                "Gateway",
                INFRA,
                "",
                "Service",
                "certificate"),
            grant(
                "reference-grant-wrong-to-name",
                WEB,
                GATEWAY_GROUP,
                "Gateway",
                INFRA,
                "",
                "Secret",
                "not-the-certificate-youre-looking-for"));
    listenersMatch(
        s.gateways().get(INFRA + "/gateway-secret-invalid-reference-grant"),
        listener(
            "https", List.of("HTTPRoute"), 0, cond("ResolvedRefs", "False", "RefNotPermitted")));
  }

  /** A Gateway whose HTTPS listener terminates with Secret certificate of the web namespace. */
  private static String crossNamespaceGateway(String name, boolean nonexistent) {
    String more =
        nonexistent
            ? """
                - name: https-nonexistent-secret
                  port: 443
                  protocol: HTTPS
                  hostname: nonexistent.example.com
                  allowedRoutes:
                    namespaces:
                      from: All
                  tls:
                    certificateRefs:
                      - group: ""
                        kind: Secret
                        name: nonexistent-certificate
                        namespace: gateway-conformance-web-backend
            """
            : "";
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: %s
          namespace: gateway-conformance-infra
        spec:
          gatewayClassName: "{GATEWAY_CLASS_NAME}"
          listeners:
            - name: https
              port: 443
              protocol: HTTPS
              allowedRoutes:
                namespaces:
                  from: All
              tls:
                certificateRefs:
                  - group: ""
                    kind: Secret
                    name: certificate
                    namespace: gateway-conformance-web-backend
        %s"""
        .formatted(name, more);
  }

  @Test
  void gatewaySecretMissingReferenceGrant() {
    GatewayApiStatuses s =
        compile(List.of(), crossNamespaceGateway("gateway-secret-missing-reference-grant", true));
    Expected refused = cond("ResolvedRefs", "False", "RefNotPermitted");
    listenersMatch(
        s.gateways().get(INFRA + "/gateway-secret-missing-reference-grant"),
        listener("https", List.of("HTTPRoute"), 0, refused),
        listener("https-nonexistent-secret", List.of("HTTPRoute"), 0, refused));
  }

  @Test
  void gatewaySecretReferenceGrantAllInNamespace() {
    GatewayApiStatuses s =
        compile(
            List.of(),
            crossNamespaceGateway("gateway-secret-reference-grant-all-in-namespace", false),
            grant(
                "reference-grant-all-in-namespace",
                WEB,
                GATEWAY_GROUP,
                "Gateway",
                INFRA,
                "",
                "Secret",
                null));
    listenersMatch(
        s.gateways().get(INFRA + "/gateway-secret-reference-grant-all-in-namespace"),
        listener(
            "https",
            List.of("HTTPRoute"),
            0,
            cond("Programmed", "True", "Programmed"),
            cond("ResolvedRefs", "True", null)));
  }

  @Test
  void gatewaySecretReferenceGrantSpecific() {
    GatewayApiStatuses s =
        compile(
            List.of(),
            crossNamespaceGateway("gateway-secret-reference-grant-specific", false),
            grant(
                "reference-grant-specific",
                WEB,
                GATEWAY_GROUP,
                "Gateway",
                INFRA,
                "",
                "Secret",
                "certificate"));
    listenersMatch(
        s.gateways().get(INFRA + "/gateway-secret-reference-grant-specific"),
        listener(
            "https",
            List.of("HTTPRoute"),
            0,
            cond("Programmed", "True", "Programmed"),
            cond("ResolvedRefs", "True", null)));
  }

  private static String route(String name, String gateway, String extra) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: %s
          namespace: gateway-conformance-infra
        spec:
        %s  parentRefs:
          - kind: Gateway
            name: %s
            namespace: gateway-conformance-infra
          rules:
          - backendRefs:
            - name: infra-backend-v1
              port: 8080
        """
        .formatted(name, extra, gateway);
  }

  private static String selectorGateway(String name, String protocolAndMore) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: %s
          namespace: gateway-conformance-infra
        spec:
          gatewayClassName: "{GATEWAY_CLASS_NAME}"
          listeners:
          - %s
            allowedRoutes:
              kinds:
              - kind: HTTPRoute
              namespaces:
                from: Selector
                selector:
                  matchLabels:
                    kubernetes.io/metadata.name: gateway-conformance-infra
        """
        .formatted(name, protocolAndMore);
  }

  @Test
  void gatewayWithAttachedRoutes() {
    Expected accepted = cond("Accepted", "True", null);
    Expected resolved = cond("ResolvedRefs", "True", null);

    GatewayApiStatuses one =
        compile(
            List.of(),
            selectorGateway(
                "gateway-with-one-attached-route", "name: http\n    port: 80\n    protocol: HTTP"),
            route("http-route-1", "gateway-with-one-attached-route", ""));
    listenersMatch(
        one.gateways().get(INFRA + "/gateway-with-one-attached-route"),
        listener("http", List.of("HTTPRoute"), 1, accepted, resolved));

    GatewayApiStatuses two =
        compile(
            List.of(),
            selectorGateway(
                "gateway-with-two-attached-routes",
                "name: http\n    port: 80\n    protocol: HTTP\n    hostname: \"foo.example.com\""),
            route("http-route-2", "gateway-with-two-attached-routes", ""),
            route("http-route-3", "gateway-with-two-attached-routes", ""),
            route(
                "http-route-not-accepted",
                "gateway-with-two-attached-routes",
                "  hostnames:\n  - \"not-accepted.test.com\"\n"));
    listenersMatch(
        two.gateways().get(INFRA + "/gateway-with-two-attached-routes"),
        listener("http", List.of("HTTPRoute"), 2, accepted, resolved));
    routeHasCondition(
        two,
        INFRA + "/http-route-not-accepted",
        INFRA + "/gateway-with-two-attached-routes",
        cond("Accepted", "False", "NoMatchingListenerHostname"));

    GatewayApiStatuses unresolved =
        compile(
            List.of(),
            selectorGateway(
                "unresolved-gateway-with-one-attached-unresolved-route",
                """
                name: tls
                    port: 443
                    protocol: HTTPS
                    tls:
                      certificateRefs:
                      - group: ""
                        kind: Secret
                        name: does-not-exist
                      mode: Terminate"""),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: http-route-4
              namespace: gateway-conformance-infra
            spec:
              parentRefs:
              - kind: Gateway
                name: unresolved-gateway-with-one-attached-unresolved-route
                namespace: gateway-conformance-infra
                sectionName: tls
              rules:
              - backendRefs:
                - name: does-not-exist
                  port: 8080
            """);
    String gw = INFRA + "/unresolved-gateway-with-one-attached-unresolved-route";
    listenersMatch(
        unresolved.gateways().get(gw),
        listener(
            "tls",
            List.of("HTTPRoute"),
            1,
            cond("Programmed", "False", null),
            cond("ResolvedRefs", "False", null)));
    routeHasCondition(unresolved, INFRA + "/http-route-4", gw, cond("ResolvedRefs", "False", null));
  }

  @Test
  void httpRouteInvalidCrossNamespaceParentRef() {
    GatewayApiStatuses s =
        compile(
            List.of("same-namespace"),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: invalid-cross-namespace-parent-ref
              namespace: gateway-conformance-web-backend
            spec:
              parentRefs:
              - name: same-namespace
                namespace: gateway-conformance-infra
              rules:
              - backendRefs:
                - name: web-backend
                  port: 8080
            """);
    String route = WEB + "/invalid-cross-namespace-parent-ref";
    String gw = INFRA + "/same-namespace";
    routeHasCondition(s, route, gw, cond("ResolvedRefs", "True", "ResolvedRefs"));
    routeHasCondition(s, route, gw, cond("Accepted", "False", "NotAllowedByListeners"));
    noAcceptedParents(s, route);
    zeroRoutes(s, gw);
  }

  @Test
  void httpRouteInvalidParentRefNotMatchingListenerPort() {
    GatewayApiStatuses s =
        compile(
            List.of("same-namespace"),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: httproute-listener-not-matching-route-port
              namespace: gateway-conformance-infra
            spec:
              parentRefs:
              - name: same-namespace
                namespace: gateway-conformance-infra
                port: 81
              rules:
              - backendRefs:
                - name: infra-backend-v1
                  kind: Service
                  port: 8080
            """);
    String route = INFRA + "/httproute-listener-not-matching-route-port";
    String gw = INFRA + "/same-namespace";
    routeHasCondition(s, route, gw, cond("ResolvedRefs", "True", "ResolvedRefs"));
    routeHasCondition(s, route, gw, cond("Accepted", "False", "NoMatchingParent"));
    noAcceptedParents(s, route);
    zeroRoutes(s, gw);
  }

  @Test
  void httpRouteInvalidParentRefSectionNameNotMatchingPort() {
    GatewayApiStatuses s =
        compile(
            List.of(),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: gateway-with-one-not-matching-port-and-section-name-route
              namespace: gateway-conformance-infra
            spec:
              gatewayClassName: "{GATEWAY_CLASS_NAME}"
              listeners:
              - name: http
                port: 80
                protocol: HTTP
                allowedRoutes:
                  kinds:
                  - kind: HTTPRoute
                  namespaces:
                    from: All
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: httproute-listener-section-name-not-matching-port
              namespace: gateway-conformance-infra
            spec:
              parentRefs:
              - name: gateway-with-one-not-matching-port-and-section-name-route
                namespace: gateway-conformance-infra
                sectionName: http
                port: 81
              rules:
              - backendRefs:
                - name: infra-backend-v1
                  kind: Service
                  port: 8080
            """);
    String route = INFRA + "/httproute-listener-section-name-not-matching-port";
    String gw = INFRA + "/gateway-with-one-not-matching-port-and-section-name-route";
    routeHasCondition(s, route, gw, cond("Accepted", "False", "NoMatchingParent"));
    noAcceptedParents(s, route);
    zeroRoutes(s, gw);
  }
}
