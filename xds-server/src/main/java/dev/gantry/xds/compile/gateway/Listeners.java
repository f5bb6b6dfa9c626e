package dev.gantry.xds.compile.gateway;

import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.tls.TlsSecrets;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.AllowedRoutes;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The listeners of our Gateways, validated, with the conditions of each. Every HTTP listener of
 * every Gateway is served on the hub's one HTTP listener, and every HTTPS listener and TLS
 * (passthrough) listener on its one HTTPS listener, where TLS virtual hosts are told apart by SNI:
 * a listener's port is what the Envoy Service exposes, and listeners on one Envoy listener are told
 * apart by hostname only. So a hostname two of them both name (in any Gateways) is served by the
 * first (oldest Gateway, then namespace/name, then listener order) and the others are {@code
 * Conflicted} ({@code HostnameConflict}); a port one Gateway uses for HTTP and another for HTTPS or
 * TLS cannot be one Service port: the later is {@code PortUnavailable}.
 */
final class Listeners {
  static final String HTTP = "HTTP";
  static final String HTTPS = "HTTPS";
  static final String TLS = "TLS";
  static final String HTTP_ROUTE = "HTTPRoute";
  static final String GRPC_ROUTE = "GRPCRoute";
  static final String TLS_ROUTE = TlsRules.KIND;

  private Listeners() {}

  /** One listener of one of our Gateways, and what becomes its status. */
  static final class Model {
    final String gateway;
    final String namespace;
    final String name;
    final String protocol;
    final int port;
    final String hostname;
    final AllowedRoutes allowed;
    final Conditions conditions;
    final List<RouteGroupKind> supportedKinds = new ArrayList<>();
    VirtualHostTls.Certificate certificate;
    int attachedRoutes;

    Model(Gateway g, Listener l) {
      this.gateway = GatewayApiCompiler.key(g.getMetadata());
      this.namespace = g.getMetadata().getNamespace();
      this.name = l.getName();
      this.protocol = l.getProtocol();
      this.port = l.getPort() == null ? 0 : l.getPort();
      this.hostname =
          l.getHostname() == null || l.getHostname().isEmpty()
              ? null
              : l.getHostname().toLowerCase(Locale.ROOT);
      this.allowed = l.getAllowedRoutes();
      this.conditions = new Conditions(g.getMetadata().getGeneration());
    }

    /** Whether routes attach to it: accepted, references resolved, no conflict. */
    boolean ready() {
      return conditions.isTrue("Programmed");
    }

    boolean https() {
      return HTTPS.equals(protocol);
    }

    /** A TLS listener: streams passed through by SNI, not terminated. */
    boolean passthrough() {
      return TLS.equals(protocol);
    }

    /** Served on Envoy's HTTPS listener (HTTPS or TLS), where hosts are told apart by SNI. */
    boolean secure() {
      return https() || passthrough();
    }

    /** The Envoy listener it is served on: HTTP, or HTTPS for HTTPS and TLS. */
    String envoyListener() {
      return secure() ? HTTPS : HTTP;
    }

    boolean supports(String kind) {
      return supportedKinds.stream().anyMatch(k -> kind.equals(k.getKind()));
    }
  }

  /**
   * The listeners of {@code gateways} (ours, in precedence order) with their conditions set; the
   * certificates validated by {@link TlsSecrets}, by {@code namespace/name}.
   */
  static List<Model> of(
      List<Gateway> gateways,
      Map<String, TlsSecrets.Outcome> certificates,
      ReferenceGrants grants) {
    List<Model> all = new ArrayList<>();
    Map<String, Model> byHost = new HashMap<>();
    Map<Integer, String> portProtocols = new HashMap<>();
    for (Gateway g : gateways) {
      Map<Integer, String> own = new HashMap<>();
      List<Listener> listeners =
          g.getSpec() == null || g.getSpec().getListeners() == null
              ? List.of()
              : g.getSpec().getListeners();
      for (Listener l : listeners) {
        Model m = new Model(g, l);
        all.add(m);
        validate(m, l, certificates, grants);
        if (!m.conditions.has("Accepted")) {
          String other = own.putIfAbsent(m.port, m.envoyListener());
          String elsewhere = portProtocols.putIfAbsent(m.port, m.envoyListener());
          if (other != null && !other.equals(m.envoyListener())) {
            m.conditions.set(
                "Conflicted",
                true,
                "ProtocolConflict",
                "port " + m.port + " is " + sharing(other) + " in this Gateway");
          } else if (elsewhere != null && !elsewhere.equals(m.envoyListener())) {
            m.conditions.set(
                "Accepted",
                false,
                "PortUnavailable",
                "port "
                    + m.port
                    + " is "
                    + sharing(elsewhere)
                    + " in another Gateway: the Envoy Service's port reaches one of Envoy's"
                    + " HTTP and HTTPS listeners");
          } else {
            String hostKey = m.envoyListener() + " " + (m.hostname == null ? "" : m.hostname);
            Model first = byHost.putIfAbsent(hostKey, m);
            if (first != null) {
              m.conditions.set(
                  "Conflicted",
                  true,
                  "HostnameConflict",
                  (m.hostname == null ? "no hostname" : "hostname " + m.hostname)
                      + " is already served over "
                      + first.protocol
                      + " by listener "
                      + first.name
                      + " of Gateway "
                      + first.gateway
                      + " (all "
                      + (m.secure() ? "HTTPS and TLS" : "HTTP")
                      + " listeners share one Envoy listener, told apart by "
                      + (m.secure() ? "SNI)" : "host)"));
            }
          }
        }
        finish(m);
      }
    }
    return all;
  }

  /** What shares an Envoy listener, for messages. */
  private static String sharing(String envoyListener) {
    return HTTPS.equals(envoyListener) ? "HTTPS or TLS" : envoyListener;
  }

  private static void validate(
      Model m, Listener l, Map<String, TlsSecrets.Outcome> certificates, ReferenceGrants grants) {
    if (m.name == null || m.port < 1 || m.port > 65535) {
      m.conditions.set("Accepted", false, "UnsupportedValue", "a listener needs a name and a port");
      return;
    }
    if (!l.getAdditionalProperties().isEmpty()) {
      m.conditions.set(
          "Accepted",
          false,
          "UnsupportedValue",
          l.getAdditionalProperties().keySet() + " are not supported");
      return;
    }
    if (!HTTP.equals(m.protocol) && !HTTPS.equals(m.protocol) && !TLS.equals(m.protocol)) {
      m.conditions.set(
          "Accepted",
          false,
          "UnsupportedProtocol",
          "protocol " + m.protocol + " is not supported (HTTP, HTTPS and TLS are)");
      return;
    }
    if (m.hostname != null && !Syntax.validFqdn(m.hostname)) {
      m.conditions.set(
          "Accepted", false, "UnsupportedValue", "hostname \"" + m.hostname + "\" is not valid");
      return;
    }
    kinds(m);
    if (m.https()) {
      tls(m, l, certificates, grants);
    } else if (m.passthrough()) {
      passthrough(m, l);
    } else if (l.getTls() != null) {
      m.conditions.set("Accepted", false, "UnsupportedValue", "an HTTP listener has no tls");
    }
  }

  /**
   * The route kinds it allows of those Gantry serves on its protocol: HTTPRoute and GRPCRoute on
   * HTTP and HTTPS, TLSRoute on TLS.
   */
  private static void kinds(Model m) {
    List<String> servable = m.passthrough() ? List.of(TLS_ROUTE) : List.of(HTTP_ROUTE, GRPC_ROUTE);
    List<RouteGroupKind> asked =
        m.allowed == null || m.allowed.getKinds() == null ? List.of() : m.allowed.getKinds();
    if (asked.isEmpty()) {
      servable.forEach(k -> m.supportedKinds.add(kind(k)));
      return;
    }
    List<String> invalid = new ArrayList<>();
    for (RouteGroupKind k : asked) {
      String group = k.getGroup() == null ? ReferenceGrants.GATEWAY_GROUP : k.getGroup();
      boolean served = servable.contains(k.getKind());
      if (ReferenceGrants.GATEWAY_GROUP.equals(group) && served) {
        if (!m.supports(k.getKind())) {
          m.supportedKinds.add(kind(k.getKind()));
        }
      } else {
        invalid.add(group + "/" + k.getKind());
      }
    }
    if (!invalid.isEmpty()) {
      m.conditions.set(
          "ResolvedRefs",
          false,
          "InvalidRouteKinds",
          "route kinds "
              + invalid
              + " are not supported on "
              + m.protocol
              + " ("
              + String.join(" and ", servable)
              + (servable.size() == 1 ? " is)" : " are)"));
    }
  }

  static RouteGroupKind kind(String kind) {
    RouteGroupKind k = new RouteGroupKind();
    k.setGroup(ReferenceGrants.GATEWAY_GROUP);
    k.setKind(kind);
    return k;
  }

  private static void tls(
      Model m, Listener l, Map<String, TlsSecrets.Outcome> certificates, ReferenceGrants grants) {
    if (l.getTls() == null) {
      m.conditions.set("Accepted", false, "UnsupportedValue", "an HTTPS listener needs tls");
      return;
    }
    String mode = l.getTls().getMode() == null ? "Terminate" : l.getTls().getMode();
    if (!"Terminate".equals(mode)) {
      m.conditions.set(
          "Accepted",
          false,
          "UnsupportedValue",
          "tls.mode " + mode + " is not supported on HTTPS (Terminate is)");
      return;
    }
    if (l.getTls().getOptions() != null && !l.getTls().getOptions().isEmpty()) {
      m.conditions.set(
          "Accepted",
          false,
          "UnsupportedValue",
          "tls.options " + l.getTls().getOptions().keySet() + " are not supported");
      return;
    }
    List<SecretObjectReference> refs =
        l.getTls().getCertificateRefs() == null ? List.of() : l.getTls().getCertificateRefs();
    if (refs.isEmpty()) {
      m.conditions.set(
          "ResolvedRefs", false, "InvalidCertificateRef", "tls.certificateRefs is empty");
      return;
    }
    if (refs.size() > 1) {
      m.conditions.set(
          "Accepted",
          false,
          "UnsupportedValue",
          "tls.certificateRefs names " + refs.size() + " certificates; one is supported");
      return;
    }
    SecretObjectReference ref = refs.get(0);
    String group = ReferenceGrants.group(ref.getGroup());
    String kind = ref.getKind() == null ? "Secret" : ref.getKind();
    if (!group.isEmpty() || !"Secret".equals(kind)) {
      m.conditions.set(
          "ResolvedRefs",
          false,
          "InvalidCertificateRef",
          "tls.certificateRefs[0] is " + group + "/" + kind + ", not a core Secret");
      return;
    }
    String ns = ref.getNamespace() == null ? m.namespace : ref.getNamespace();
    if (!grants.permits(
        ReferenceGrants.GATEWAY_GROUP, "Gateway", m.namespace, "", "Secret", ns, ref.getName())) {
      m.conditions.set(
          "ResolvedRefs",
          false,
          "RefNotPermitted",
          "Secret "
              + ns
              + "/"
              + ref.getName()
              + " is in another namespace and no ReferenceGrant there permits it");
      return;
    }
    TlsSecrets.Outcome outcome =
        certificates.getOrDefault(ns + "/" + ref.getName(), TlsSecrets.NOT_FOUND);
    if (outcome.error() != null || outcome.certificate() == null) {
      m.conditions.set(
          "ResolvedRefs",
          false,
          "InvalidCertificateRef",
          "Secret " + ns + "/" + ref.getName() + ": " + outcome.error());
      return;
    }
    m.certificate = outcome.certificate();
  }

  /**
   * A TLS listener: {@code tls.mode: Passthrough} only. Terminating TLS on a TLS listener (the
   * extended TLSRouteModeTerminate feature) is refused rather than served otherwise: {@code
   * UnsupportedValue}, as the spec asks of an implementation without it.
   */
  private static void passthrough(Model m, Listener l) {
    String mode =
        l.getTls() == null || l.getTls().getMode() == null ? "Terminate" : l.getTls().getMode();
    if (!"Passthrough".equals(mode)) {
      m.conditions.set(
          "Accepted",
          false,
          "UnsupportedValue",
          "tls.mode "
              + mode
              + " is not supported on a TLS listener (Passthrough is; HTTPS terminates TLS)");
      return;
    }
    if (l.getTls().getOptions() != null && !l.getTls().getOptions().isEmpty()) {
      m.conditions.set(
          "Accepted",
          false,
          "UnsupportedValue",
          "tls.options " + l.getTls().getOptions().keySet() + " are not supported");
      return;
    }
    if (l.getTls().getCertificateRefs() != null && !l.getTls().getCertificateRefs().isEmpty()) {
      m.conditions.set(
          "Accepted",
          false,
          "UnsupportedValue",
          "tls.certificateRefs with Passthrough: the backend presents its own certificate");
    }
  }

  /** The conditions not set yet, from those that are. */
  private static void finish(Model m) {
    Conditions c = m.conditions;
    if (!c.has("Accepted")) {
      c.set("Accepted", true, "Accepted", "listener accepted");
    }
    if (!c.has("ResolvedRefs")) {
      c.set("ResolvedRefs", true, "ResolvedRefs", "references resolved");
    }
    if (!c.has("Conflicted")) {
      c.set("Conflicted", false, "NoConflicts", "no conflicts");
    }
    boolean ok = c.isTrue("Accepted") && c.isTrue("ResolvedRefs") && !c.isTrue("Conflicted");
    c.set(
        "Programmed",
        ok,
        ok ? "Programmed" : "Invalid",
        ok
            ? "served on Envoy's "
                + m.envoyListener()
                + " listener"
                + (m.passthrough() ? ", passed through by SNI" : "")
            : "not served: see the other conditions");
  }

  /**
   * Whether a route in {@code routeNs}, whose namespace has {@code labels}, may attach: {@code
   * allowedRoutes.namespaces.from} Same (the default), All or Selector.
   */
  static boolean allows(Model m, String routeNs, Map<String, String> labels) {
    String from =
        m.allowed == null || m.allowed.getNamespaces() == null
            ? "Same"
            : m.allowed.getNamespaces().getFrom() == null
                ? "Same"
                : m.allowed.getNamespaces().getFrom();
    return switch (from) {
      case "All" -> true;
      case "Same" -> m.namespace.equals(routeNs);
      case "Selector" -> selects(m.allowed.getNamespaces().getSelector(), labels);
      default -> false;
    };
  }

  /** A label selector as Kubernetes matches it; none selects nothing. */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (var r : selector.getMatchExpressions()) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean ok =
            switch (r.getOperator()) {
              case "In" -> value != null && values.contains(value);
              case "NotIn" -> value == null || !values.contains(value);
              case "Exists" -> value != null;
              case "DoesNotExist" -> value == null;
              default -> false;
            };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }
}
