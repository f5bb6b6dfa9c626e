package dev.gantry.xds.compile.ingress;

import dev.gantry.api.crd.contour.ExtensionService;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.gateway.GatewayApiCompiler;
import dev.gantry.xds.compile.gateway.GatewayApiObjects;
import dev.gantry.xds.compile.gateway.GatewayApiStatuses;
import dev.gantry.xds.compile.httpproxy.ExtensionServices;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.tls.TlsSecrets;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compiles HTTPProxies and Ingresses into one {@link RoutingTable}: the HTTPProxies through {@link
 * ProxyCompiler}, the Ingresses' hosts ({@link IngressConverter}) directly into the table's virtual
 * hosts. As Contour does, the hosts of several Ingresses are merged: for a path two Ingresses both
 * route, the first Ingress by namespace/name wins. A host that an HTTPProxy of our class names
 * (valid or not) belongs to the HTTPProxy: Ingress rules for it are left out, so adding an Ingress
 * never changes what an HTTPProxy serves. Gateway API routes ({@link GatewayApiCompiler}) come
 * last: a host an HTTPProxy names or an Ingress serves is theirs, and routes for it are left out
 * (their status says so). Pure, no I/O.
 */
public final class IngressCompiler {
  private final ProxyCompiler compiler;
  private final IngressConverter converter;
  private final GatewayApiCompiler gatewayApi;

  public IngressCompiler(ProxyCompiler compiler) {
    this.compiler = compiler;
    this.converter = new IngressConverter(compiler.ingressClass(), compiler.externalNames());
    this.gatewayApi = new GatewayApiCompiler(compiler.externalNames());
  }

  /**
   * The table, the verdicts of the HTTPProxies (for their status) and what of the Ingresses is not
   * served (Ingress has no status conditions: these are logged), and the verdicts of the
   * ExtensionServices, and the statuses of the Gateway API objects.
   */
  public record Result(
      RoutingTable table,
      List<ProxyVerdict> verdicts,
      List<IngressConverter.Warning> warnings,
      List<ExtensionServices.Verdict> extensionVerdicts,
      GatewayApiStatuses gatewayApiStatuses) {
    public Result {
      verdicts = List.copyOf(verdicts);
      warnings = List.copyOf(warnings);
      extensionVerdicts = List.copyOf(extensionVerdicts);
    }

    /** A result without Gateway API objects. */
    public Result(
        RoutingTable table,
        List<ProxyVerdict> verdicts,
        List<IngressConverter.Warning> warnings,
        List<ExtensionServices.Verdict> extensionVerdicts) {
      this(table, verdicts, warnings, extensionVerdicts, GatewayApiStatuses.NONE);
    }
  }

  public Result compile(
      List<HTTPProxy> proxies, List<Ingress> ingresses, FederationSnapshot snapshot) {
    return compile(proxies, ingresses, snapshot, Map.of());
  }

  /** As above, with the validated Secrets TLS may name, by {@code namespace/name}. */
  public Result compile(
      List<HTTPProxy> proxies,
      List<Ingress> ingresses,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates) {
    return compile(proxies, ingresses, snapshot, certificates, Delegations.NONE);
  }

  /** As above, with the Secrets TLSCertificateDelegations let other namespaces use. */
  public Result compile(
      List<HTTPProxy> proxies,
      List<Ingress> ingresses,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates,
      Delegations delegations) {
    return compile(proxies, ingresses, snapshot, certificates, delegations, List.of());
  }

  /** As above, with the ExtensionServices proxies may name as authorization servers. */
  public Result compile(
      List<HTTPProxy> proxies,
      List<Ingress> ingresses,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates,
      Delegations delegations,
      List<ExtensionService> extensions) {
    return compile(
        proxies,
        ingresses,
        snapshot,
        certificates,
        delegations,
        extensions,
        GatewayApiObjects.NONE);
  }

  /** As above, with the Gateway API objects compiled beside them. */
  public Result compile(
      List<HTTPProxy> proxies,
      List<Ingress> ingresses,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates,
      Delegations delegations,
      List<ExtensionService> extensions,
      GatewayApiObjects gatewayObjects) {
    ProxyCompiler.Result base =
        compiler.compile(proxies, snapshot, certificates, delegations, extensions);
    if (ingresses.isEmpty() && gatewayObjects.none()) {
      return new Result(base.table(), base.verdicts(), List.of(), base.extensionVerdicts());
    }
    Map<String, String> claimed = claimed(proxies);
    IngressConverter.Conversion conversion = converter.convert(ingresses, snapshot);
    Merge merge = new Merge(claimed, new ArrayList<>(conversion.warnings()));
    for (IngressHost host : conversion.hosts()) {
      merge.add(host, certificates, delegations);
    }
    List<RoutingTable.VirtualHost> hosts = new ArrayList<>(base.table().virtualHosts());
    hosts.addAll(merge.hosts());
    Map<String, Upstream> upstreams = new TreeMap<>(base.table().upstreams());
    upstreams.putAll(merge.upstreams);
    GatewayApiStatuses gatewayStatuses = GatewayApiStatuses.NONE;
    List<ProxyVerdict> verdicts = base.verdicts();
    if (!gatewayObjects.none()) {
      Map<String, String> owners = new TreeMap<>();
      claimed.forEach((fqdn, proxy) -> owners.put(fqdn, "HTTPProxy " + proxy));
      for (RoutingTable.VirtualHost host : hosts) {
        owners.putIfAbsent(host.fqdn(), "an HTTPProxy or Ingress");
      }
      for (Map.Entry<String, String> e : merge.byIngress.entrySet()) {
        owners.put(e.getKey(), "Ingress " + e.getValue());
      }
      GatewayApiCompiler.Result gateway =
          gatewayApi.compile(gatewayObjects, snapshot, certificates, owners);
      hosts.addAll(gateway.hosts());
      upstreams.putAll(gateway.upstreams());
      gatewayStatuses = gateway.statuses();
      verdicts = withConflicts(verdicts, gateway.conflicts());
    }
    hosts.sort(Comparator.comparing(RoutingTable.VirtualHost::fqdn));
    return new Result(
        new RoutingTable(hosts, upstreams, base.table().rateLimitService()),
        verdicts,
        merge.warnings,
        base.extensionVerdicts(),
        gatewayStatuses);
  }

  /**
   * The verdicts with a warning on each HTTPProxy that kept a host Gateway API routes asked for:
   * its status says so too, though what it serves does not change.
   */
  private static List<ProxyVerdict> withConflicts(
      List<ProxyVerdict> verdicts, Map<String, Map<String, java.util.Set<String>>> conflicts) {
    if (conflicts.isEmpty()) {
      return verdicts;
    }
    List<ProxyVerdict> out = new ArrayList<>();
    for (ProxyVerdict v : verdicts) {
      Map<String, java.util.Set<String>> kept = conflicts.get("HTTPProxy " + v.key());
      if (kept == null) {
        out.add(v);
        continue;
      }
      List<ProxyVerdict.Error> warnings = new ArrayList<>(v.warnings());
      kept.forEach(
          (fqdn, routes) ->
              warnings.add(
                  new ProxyVerdict.Error(
                      ProxyVerdict.VIRTUAL_HOST_ERROR,
                      "HostnameConflict",
                      "fqdn \""
                          + fqdn
                          + "\" is also asked for by "
                          + String.join(", ", routes)
                          + "; this HTTPProxy keeps it and the route is not served for it")));
      out.add(
          new ProxyVerdict(
              v.namespace(),
              v.name(),
              v.generation(),
              v.currentStatus(),
              v.description(),
              v.errors(),
              warnings));
    }
    return out;
  }

  /** The hosts HTTPProxies of our class name, lower-cased, to the first such proxy's key. */
  private Map<String, String> claimed(List<HTTPProxy> proxies) {
    Map<String, String> claimed = new TreeMap<>();
    for (HTTPProxy p : proxies) {
      if (compiler.ours(p) && p.getSpec() != null && p.getSpec().getVirtualhost() != null) {
        String fqdn = p.getSpec().getVirtualhost().getFqdn();
        if (fqdn != null) {
          claimed.putIfAbsent(
              fqdn.toLowerCase(Locale.ROOT),
              p.getMetadata().getNamespace() + "/" + p.getMetadata().getName());
        }
      }
    }
    return claimed;
  }

  /**
   * The Ingress hosts merged, in Ingress order: a host's TLS is that of the first Ingress serving
   * it, a match is served by the first Ingress routing it.
   */
  private static final class Merge {
    final Map<String, String> claimed;
    final List<IngressConverter.Warning> warnings;
    final Map<String, RoutingTable.VirtualHost> byHost = new TreeMap<>();
    final Map<String, Map<RoutingTable.Match, String>> owners = new HashMap<>();
    final Map<String, Upstream> upstreams = new TreeMap<>();
    // The first Ingress serving each host.
    final Map<String, String> byIngress = new TreeMap<>();

    Merge(Map<String, String> claimed, List<IngressConverter.Warning> warnings) {
      this.claimed = claimed;
      this.warnings = warnings;
    }

    void add(
        IngressHost host, Map<String, TlsSecrets.Outcome> certificates, Delegations delegations) {
      if (claimed.containsKey(host.host())) {
        warn(
            host,
            "is served by HTTPProxy "
                + claimed.get(host.host())
                + "; this Ingress's rules for it are ignored");
        return;
      }
      Outcome<RoutingTable.VirtualHost> compiled = virtualHost(host, certificates, delegations);
      if (!compiled.ok()) {
        compiled
            .errors()
            .forEach(e -> warn(host, "is not served: " + e.reason() + ": " + e.message()));
        return;
      }
      RoutingTable.VirtualHost merged = byHost.getOrDefault(host.host(), compiled.value());
      Map<RoutingTable.Match, String> routedBy =
          owners.computeIfAbsent(host.host(), k -> new HashMap<>());
      List<RoutingTable.Route> routes = new ArrayList<>(merged.routes());
      for (RoutingTable.Route route : host.routes()) {
        String owner = routedBy.putIfAbsent(route.match(), host.ingress());
        if (owner != null) {
          warnings.add(
              new IngressConverter.Warning(
                  host.ingress(),
                  "host \""
                      + host.host()
                      + "\": path "
                      + route.match().path()
                      + " is already routed by Ingress "
                      + owner
                      + "; ignored"));
          continue;
        }
        routes.add(route);
        upstreams.put(route.clusters().get(0).cluster(), host.upstream(route));
      }
      routes.sort(IngressPaths.ORDER);
      byHost.put(host.host(), merged.withRoutes(routes));
      byIngress.putIfAbsent(host.host(), host.ingress());
    }

    List<RoutingTable.VirtualHost> hosts() {
      return List.copyOf(byHost.values());
    }

    private void warn(IngressHost host, String what) {
      warnings.add(
          new IngressConverter.Warning(host.ingress(), "host \"" + host.host() + "\" " + what));
    }

    /** The host on its own, with its TLS when it has any. */
    private static Outcome<RoutingTable.VirtualHost> virtualHost(
        IngressHost host, Map<String, TlsSecrets.Outcome> certificates, Delegations delegations) {
      if (host.secret() == null) {
        return Outcome.of(new RoutingTable.VirtualHost(host.host(), List.of(), null, null));
      }
      return IngressTls.of(
              host.namespace(), host.secret(), host.minimumVersion(), certificates, delegations)
          .map(tls -> new RoutingTable.VirtualHost(host.host(), List.of(), null, tls));
    }
  }
}
