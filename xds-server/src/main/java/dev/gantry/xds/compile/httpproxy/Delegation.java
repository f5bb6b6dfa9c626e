package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.Include;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routes of a proxy and of the proxies it includes, under the conditions each include adds, as
 * Contour delegates: an include must name an existing proxy that is not a root, must not close a
 * cycle, and its conditions must be valid and differ from its siblings'. What the compiler finds
 * about each proxy on the way is kept here, by {@code namespace/name}.
 */
final class Delegation implements TcpProxyIncludes.Lookup {
  private final Map<String, HTTPProxy> byKey = new HashMap<>();
  private final Map<String, Findings> findings = new HashMap<>();

  Delegation(List<HTTPProxy> proxies) {
    proxies.forEach(p -> byKey.put(Proxies.key(p), p));
  }

  @Override
  public HTTPProxy proxy(String key) {
    return byKey.get(key);
  }

  /** What was found about the proxy of {@code key}, started empty. */
  @Override
  public Findings findings(String key) {
    return findings.computeIfAbsent(key, k -> new Findings());
  }

  /** What was found about {@code p}, or null when no root reaches it. */
  Findings found(HTTPProxy p) {
    return findings.get(Proxies.key(p));
  }

  /**
   * The routes of {@code proxy} (whose context {@code ctx} is) and of the proxies it includes;
   * failed when the proxy's own routes are invalid, and its includes go with them.
   */
  Outcome<List<RoutingTable.Route>> delegate(CompileContext ctx, HTTPProxy proxy) {
    Findings f = findings(Proxies.key(proxy));
    List<ProxyVerdict.Error> unimplemented = UnimplementedFields.of(proxy);
    if (!unimplemented.isEmpty()) {
      // Fail closed: nothing of this proxy, nor what it includes, is served without what it asks
      // for.
      f.fatal(unimplemented);
      return Outcome.failed(unimplemented);
    }
    List<RoutingTable.Route> out = new ArrayList<>();
    List<Include> includes =
        proxy.getSpec().getIncludes() == null ? List.of() : proxy.getSpec().getIncludes();
    Set<MatchConditions.Inherited> seen = new HashSet<>();
    for (int i = 0; i < includes.size(); i++) {
      out.addAll(include(ctx.at("spec.includes[" + i + "]"), includes.get(i), seen, f));
    }
    Outcome<List<RoutingTable.Route>> own = RouteCompiler.routes(ctx, proxy);
    f.fatal(own.errors());
    return own.map(
        routes -> {
          out.addAll(routes);
          return out;
        });
  }

  /** The routes one include adds; its errors go to the including proxy's findings {@code f}. */
  private List<RoutingTable.Route> include(
      CompileContext ctx, Include include, Set<MatchConditions.Inherited> seen, Findings f) {
    Outcome<MatchConditions.Inherited> conditions = conditions(ctx, include, seen);
    if (!conditions.ok()) {
      conditions.errors().forEach(f::add);
      return List.of();
    }
    String targetNs =
        include.getNamespace() == null || include.getNamespace().isBlank()
            ? ctx.namespace()
            : include.getNamespace();
    String target = targetNs + "/" + include.getName();
    MatchConditions.Inherited merged = ctx.inherited().plus(conditions.value());
    HTTPProxy included = byKey.get(target);
    if (included == null || Proxies.fqdn(included) != null || included.getSpec() == null) {
      f.add(unusable(ctx.where(), target, included));
      boolean conditioned = include.getConditions() != null && !include.getConditions().isEmpty();
      // Like Contour: what the include would have served answers 502, rather than falling
      // through to a shorter prefix of the including proxy.
      return conditioned ? List.of(unavailable(merged)) : List.of();
    }
    if (ctx.chain().contains(target)) {
      List<String> cycle = new ArrayList<>(ctx.chain());
      cycle.add(target);
      findings(target)
          .add(
              new ProxyVerdict.Error(
                  ProxyVerdict.INCLUDE_ERROR,
                  "IncludeCreatesCycle",
                  "include creates an include cycle: " + String.join(" -> ", cycle)));
      return List.of();
    }
    CompileContext sub = ctx.included(included, merged, findings(target));
    Outcome<List<RoutingTable.Route>> routes = delegate(sub, included);
    if (!routes.ok()) {
      boolean unimplemented =
          routes.errors().stream().anyMatch(e -> UnimplementedFields.REASON.equals(e.reason()));
      boolean conditioned = include.getConditions() != null && !include.getConditions().isEmpty();
      // Not served for what it asks that Gantry does not implement: what it would have served
      // answers 502, as for a missing include, rather than falling through to a shorter prefix
      // that would serve it without what it asked for.
      return unimplemented && conditioned ? List.of(unavailable(merged)) : List.of();
    }
    ctx.upstreams().putAll(sub.upstreams());
    return routes.value();
  }

  /** An include's conditions: valid, and unlike those of the includes before it. */
  private static Outcome<MatchConditions.Inherited> conditions(
      CompileContext ctx, Include include, Set<MatchConditions.Inherited> seen) {
    if (include == null || include.getName() == null || include.getName().isBlank()) {
      return Outcome.failed(
          new ProxyVerdict.Error(
              ProxyVerdict.INCLUDE_ERROR, "IncludeNotFound", ctx.where() + ": name is empty"));
    }
    Outcome<MatchConditions.Inherited> conditions =
        MatchConditions.include(include.getConditions(), ctx.where());
    if (conditions.ok() && !seen.add(conditions.value())) {
      return Outcome.failed(
          new ProxyVerdict.Error(
              ProxyVerdict.INCLUDE_ERROR,
              "DuplicateMatchConditions",
              ctx.where() + ": duplicate conditions defined on an include"));
    }
    return conditions;
  }

  /** Why {@code included}, the proxy an include names, cannot be included. */
  private static ProxyVerdict.Error unusable(String where, String target, HTTPProxy included) {
    if (included == null || included.getSpec() == null) {
      return new ProxyVerdict.Error(
          ProxyVerdict.INCLUDE_ERROR,
          "IncludeNotFound",
          where + ": include " + target + " not found");
    }
    return new ProxyVerdict.Error(
        ProxyVerdict.INCLUDE_ERROR,
        "RootIncludesRoot",
        where + ": root httpproxy cannot include another root httpproxy (" + target + ")");
  }

  /** The route that answers 502 for what a missing include would have served. */
  private static RoutingTable.Route unavailable(MatchConditions.Inherited conditions) {
    return RoutingTable.Route.matching(conditions.match())
        .actions(
            new RoutingTable.Actions(null, false, null, new RoutingTable.DirectResponse(502, "")))
        .build();
  }
}
