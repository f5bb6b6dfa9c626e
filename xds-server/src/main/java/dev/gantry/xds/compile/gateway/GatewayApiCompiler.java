package dev.gantry.xds.compile.gateway;

import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.tls.TlsSecrets;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Compiles the Gateway API objects of our GatewayClasses ({@link #CONTROLLER_NAME}) into routing
 * model virtual hosts, and their statuses. Hosts another front end claims (an HTTPProxy's fqdn, an
 * Ingress host) are left to it, so nothing written through Gateway API changes what those serve;
 * the route's parent status says so. Pure, no I/O.
 */
public final class GatewayApiCompiler {
  /** The {@code controllerName} of the GatewayClasses Gantry serves. */
  public static final String CONTROLLER_NAME = "gantry.dev/gateway-controller";

  private static final Comparator<ObjectMeta> AGE =
      Comparator.comparing(
              (ObjectMeta m) -> m.getCreationTimestamp() == null ? "" : m.getCreationTimestamp())
          .thenComparing(GatewayApiCompiler::key);

  private final ExternalNames externalNames;

  public GatewayApiCompiler(ExternalNames externalNames) {
    this.externalNames = Objects.requireNonNull(externalNames, "externalNames");
  }

  /**
   * The virtual hosts (sorted by fqdn), the clusters their routes reach, the statuses, and the
   * hosts other APIs kept: by what kept them ({@code claimed}'s values), each host to the routes
   * ({@code HTTPRoute namespace/name}) that asked for it.
   */
  public record Result(
      List<RoutingTable.VirtualHost> hosts,
      Map<String, Upstream> upstreams,
      GatewayApiStatuses statuses,
      Map<String, Map<String, java.util.Set<String>>> conflicts) {
    public Result {
      hosts = List.copyOf(hosts);
      upstreams = Map.copyOf(upstreams);
      conflicts = Map.copyOf(conflicts);
    }
  }

  static String key(ObjectMeta m) {
    return m.getNamespace() == null ? m.getName() : m.getNamespace() + "/" + m.getName();
  }

  /**
   * @param certificates validated Secrets by {@code namespace/name}
   * @param claimed hosts another front end serves (lower-case fqdn, or {@code *}) to what serves
   *     them, e.g. {@code HTTPProxy default/app}
   */
  public Result compile(
      GatewayApiObjects objects,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates,
      Map<String, String> claimed) {
    ReferenceGrants grants = new ReferenceGrants(objects.referenceGrants());
    Map<String, GatewayClassStatus> classStatuses = new TreeMap<>();
    List<String> classes = GatewayStatuses.classes(objects.gatewayClasses(), classStatuses);
    List<Gateway> gateways =
        objects.gateways().stream()
            .filter(g -> g.getSpec() != null && classes.contains(g.getSpec().getGatewayClassName()))
            .sorted(Comparator.comparing(Gateway::getMetadata, AGE))
            .toList();
    Map<String, Conditions> gatewayConditions = new LinkedHashMap<>();
    List<Gateway> usable = new ArrayList<>();
    for (Gateway g : gateways) {
      Conditions c = GatewayStatuses.refusal(g);
      gatewayConditions.put(key(g.getMetadata()), c);
      if (!c.has("Accepted")) {
        usable.add(g);
      }
    }
    List<Listeners.Model> listeners = Listeners.of(usable, certificates, grants);
    Hosts hosts = new Hosts(claimed);
    Map<String, HTTPRouteStatus> httpStatuses = new TreeMap<>();
    Map<String, GRPCRouteStatus> grpcStatuses = new TreeMap<>();
    Map<String, TLSRouteStatus> tlsStatuses = new TreeMap<>();
    List<RouteInput> routes = new ArrayList<>();
    for (HTTPRoute r : objects.httpRoutes()) {
      if (r.getSpec() != null && r.getMetadata() != null) {
        routes.add(
            new RouteInput(
                Listeners.HTTP_ROUTE,
                r.getMetadata(),
                r.getSpec().getHostnames(),
                r.getSpec().getParentRefs(),
                () -> HttpRules.compile(r, snapshot, externalNames, grants)));
      }
    }
    for (GRPCRoute r : objects.grpcRoutes()) {
      if (r.getSpec() != null && r.getMetadata() != null) {
        routes.add(
            new RouteInput(
                Listeners.GRPC_ROUTE,
                r.getMetadata(),
                r.getSpec().getHostnames(),
                r.getSpec().getParentRefs(),
                () -> GrpcRules.compile(r, snapshot, externalNames, grants)));
      }
    }
    for (TLSRoute r : objects.tlsRoutes()) {
      if (r.getSpec() != null && r.getMetadata() != null) {
        routes.add(
            new RouteInput(
                Listeners.TLS_ROUTE,
                r.getMetadata(),
                r.getSpec().getHostnames(),
                r.getSpec().getParentRefs(),
                () -> TlsRules.compile(r, snapshot, externalNames, grants)));
      }
    }
    routes.sort(Comparator.comparing(RouteInput::meta, AGE));
    int order = 0;
    for (RouteInput route : routes) {
      List<RouteParentStatus> parents =
          route(route, order++, gatewayConditions, listeners, objects, hosts);
      if (parents.isEmpty()) {
        continue;
      }
      if (route.kind().equals(Listeners.HTTP_ROUTE)) {
        HTTPRouteStatus status = new HTTPRouteStatus();
        status.setParents(parents);
        httpStatuses.put(key(route.meta()), status);
      } else if (route.kind().equals(Listeners.TLS_ROUTE)) {
        TLSRouteStatus status = new TLSRouteStatus();
        status.setParents(parents);
        tlsStatuses.put(key(route.meta()), status);
      } else {
        GRPCRouteStatus status = new GRPCRouteStatus();
        status.setParents(parents);
        grpcStatuses.put(key(route.meta()), status);
      }
    }
    return new Result(
        hosts.build(),
        hosts.upstreams,
        new GatewayApiStatuses(
            classStatuses,
            GatewayStatuses.gateways(gateways, gatewayConditions, listeners),
            httpStatuses,
            grpcStatuses,
            tlsStatuses),
        hosts.conflicts);
  }

  /**
   * The rules compiled, or refused when something in them does not read as the API defines it (a
   * null where the CRD requires a value, from a looser CRD): one route's input never stops the
   * others from being served.
   */
  private static HttpRules.Compiled safely(Supplier<HttpRules.Compiled> rules) {
    try {
      return rules.get();
    } catch (RuntimeException e) {
      return new HttpRules.Compiled(
          List.of(),
          Map.of(),
          new dev.gantry.xds.ir.ProxyVerdict.Error(
              "Accepted", "UnsupportedValue", "the route's rules do not read: " + e),
          null);
    }
  }

  /** An HTTPRoute, GRPCRoute or TLSRoute: what attaching it needs, and how its rules compile. */
  private record RouteInput(
      String kind,
      ObjectMeta meta,
      List<String> hostnames,
      List<ParentReference> parentRefs,
      Supplier<HttpRules.Compiled> rules) {}

  /** The parent statuses of one route (ours only), its routes placed in {@code hosts}. */
  private List<RouteParentStatus> route(
      RouteInput route,
      int order,
      Map<String, Conditions> gateways,
      List<Listeners.Model> listeners,
      GatewayApiObjects objects,
      Hosts hosts) {
    String ns = route.meta().getNamespace();
    List<ParentReference> parentRefs = new ArrayList<>();
    List<Conditions> parentConditions = new ArrayList<>();
    HttpRules.Compiled compiled = null;
    List<String> routeHosts = new ArrayList<>();
    boolean badHost = false;
    for (String h : route.hostnames() == null ? List.<String>of() : route.hostnames()) {
      String lower = h == null ? "" : h.toLowerCase(Locale.ROOT);
      badHost |= !Syntax.validFqdn(lower);
      routeHosts.add(lower);
    }
    Map<String, String> labels =
        new HashMap<>(objects.namespaceLabels().getOrDefault(ns, Map.of()));
    labels.put("kubernetes.io/metadata.name", ns);
    List<ParentReference> refs = route.parentRefs() == null ? List.of() : route.parentRefs();
    for (ParentReference ref : refs) {
      String group = ref.getGroup() == null ? ReferenceGrants.GATEWAY_GROUP : ref.getGroup();
      String kind = ref.getKind() == null ? "Gateway" : ref.getKind();
      String gatewayKey =
          (ref.getNamespace() == null ? ns : ref.getNamespace()) + "/" + ref.getName();
      if (!ReferenceGrants.GATEWAY_GROUP.equals(group)
          || !"Gateway".equals(kind)
          || !gateways.containsKey(gatewayKey)) {
        continue; // not one of our Gateways: another controller's to report
      }
      if (compiled == null) {
        compiled = safely(route.rules());
      }
      Conditions c = new Conditions(route.meta().getGeneration());
      parentRefs.add(ref);
      parentConditions.add(c);
      attach(
          route,
          order,
          ref,
          gatewayKey,
          listeners,
          labels,
          routeHosts,
          badHost,
          compiled,
          hosts,
          c);
      if (compiled.unresolved() == null) {
        c.set("ResolvedRefs", true, "ResolvedRefs", "all references resolved");
      } else {
        c.set(
            "ResolvedRefs", false, compiled.unresolved().reason(), compiled.unresolved().message());
      }
    }
    List<RouteParentStatus> parents = new ArrayList<>();
    for (int i = 0; i < parentRefs.size(); i++) {
      parents.add(
          new RouteParentStatus(
              parentConditions.get(i).list(), CONTROLLER_NAME, parentRefs.get(i)));
    }
    return parents;
  }

  /**
   * Whether {@code fqdn}, reached through listener {@code l}, belongs to another listener of its
   * Gateway and protocol whose hostname covers it and is more specific than {@code l}'s.
   */
  private static boolean isolated(Listeners.Model l, String fqdn, List<Listeners.Model> listeners) {
    for (Listeners.Model other : listeners) {
      if (other != l
          && other.gateway.equals(l.gateway)
          && java.util.Objects.equals(other.protocol, l.protocol)
          && other.ready()
          && other.hostname != null
          && (other.hostname.equals(fqdn)
              || (Hostnames.wildcard(other.hostname) && Hostnames.matches(other.hostname, fqdn)))
          && Hostnames.specificity(other.hostname) > Hostnames.specificity(l.hostname)) {
        return true;
      }
    }
    return false;
  }

  private static void attach(
      RouteInput route,
      int order,
      ParentReference ref,
      String gatewayKey,
      List<Listeners.Model> listeners,
      Map<String, String> labels,
      List<String> routeHosts,
      boolean badHost,
      HttpRules.Compiled compiled,
      Hosts hosts,
      Conditions c) {
    String ns = route.meta().getNamespace();
    List<Listeners.Model> candidates =
        listeners.stream()
            .filter(l -> l.gateway.equals(gatewayKey))
            .filter(l -> ref.getSectionName() == null || ref.getSectionName().equals(l.name))
            .filter(l -> ref.getPort() == null || ref.getPort() == l.port)
            .toList();
    if (candidates.isEmpty()) {
      c.set(
          "Accepted",
          false,
          "NoMatchingParent",
          "Gateway "
              + gatewayKey
              + " has no listener"
              + (ref.getSectionName() == null ? "" : " named " + ref.getSectionName())
              + (ref.getPort() == null ? "" : " on port " + ref.getPort()));
      return;
    }
    // Unresolved references or a conflict do not decide attachment (the spec's attachedRoutes): a
    // route an accepted listener's allowedRoutes and hostname admit counts on it even while the
    // listener is not programmed; a listener not accepted (invalid) counts none.
    for (Listeners.Model l : candidates) {
      if (!l.ready()
          && l.conditions.isTrue("Accepted")
          && !badHost
          && l.supports(route.kind())
          && Listeners.allows(l, ns, labels)
          && !Hostnames.intersect(l.hostname, routeHosts).isEmpty()) {
        l.attachedRoutes++;
      }
    }
    List<Listeners.Model> ready = candidates.stream().filter(Listeners.Model::ready).toList();
    if (ready.isEmpty()) {
      c.set("Accepted", false, "NoMatchingParent", "the listeners it names are not programmed");
      return;
    }
    List<Listeners.Model> allowed =
        ready.stream()
            .filter(l -> l.supports(route.kind()) && Listeners.allows(l, ns, labels))
            .toList();
    if (allowed.isEmpty()) {
      c.set(
          "Accepted",
          false,
          "NotAllowedByListeners",
          "the listeners' allowedRoutes do not admit " + route.kind() + "s of namespace " + ns);
      return;
    }
    if (badHost) {
      c.set("Accepted", false, "UnsupportedValue", "spec.hostnames has an invalid host name");
      return;
    }
    Map<Listeners.Model, List<String>> served = new LinkedHashMap<>();
    for (Listeners.Model l : allowed) {
      List<String> names = Hostnames.intersect(l.hostname, routeHosts);
      if (l.secure()) {
        // A TLS virtual host is matched by SNI: it needs a name.
        names = names.stream().filter(n -> !n.equals(RoutingTable.ANY_HOST)).toList();
      }
      // Listener isolation: a host a more specific listener of the Gateway takes (same
      // protocol) is that listener's routes' alone, not also this one's.
      names = names.stream().filter(n -> !isolated(l, n, listeners)).toList();
      if (!names.isEmpty()) {
        served.put(l, names);
      }
    }
    if (served.isEmpty()) {
      c.set(
          "Accepted",
          false,
          "NoMatchingListenerHostname",
          "no hostname of the route matches a listener's hostname");
      return;
    }
    if (compiled.refused() != null) {
      c.set("Accepted", false, compiled.refused().reason(), compiled.refused().message());
      return;
    }
    List<String> conflicts = new ArrayList<>();
    int placed = 0;
    String self = route.kind() + " " + key(route.meta());
    for (Map.Entry<Listeners.Model, List<String>> e : served.entrySet()) {
      e.getKey().attachedRoutes++;
      for (String fqdn : e.getValue()) {
        String owner = hosts.owner(fqdn);
        if (owner != null) {
          conflicts.add(fqdn + " (served by " + owner + ")");
          hosts.conflict(owner, fqdn, self);
          continue;
        }
        String held = hosts.heldBySni(fqdn, e.getKey(), self);
        if (held != null) {
          conflicts.add(fqdn + " (its SNI is held by " + held + ")");
          continue;
        }
        hosts.place(fqdn, e.getKey(), order, compiled, self, routeHosts);
        placed++;
      }
    }
    if (placed == 0) {
      c.set(
          "Accepted",
          false,
          "HostnameConflict",
          "every hostname is served by another API or route, which keeps it: "
              + String.join(", ", conflicts.stream().distinct().toList()));
      return;
    }
    c.set(
        "Accepted",
        true,
        "Accepted",
        conflicts.isEmpty()
            ? "accepted"
            : "accepted; not served here, another API or route keeps these hostnames: "
                + String.join(", ", conflicts.stream().distinct().toList()));
  }
}
