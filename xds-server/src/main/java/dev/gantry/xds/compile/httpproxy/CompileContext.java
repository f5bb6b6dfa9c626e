package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.tls.TlsSecrets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the compile steps of one proxy read: the snapshot and Secrets they resolve against, the
 * proxy's namespace, what the includes from the root add, the chain of includes and where in the
 * spec a step is (for messages). Steps add to two things as they go: the clusters they resolve, and
 * the warnings, which do not invalidate; both are shared on purpose, so they are not copied.
 *
 * @param externalNames whether routes may reach ExternalName Services (the hub's flag)
 * @param certificates validated Secrets by {@code namespace/name} ({@link TlsSecrets#validateAll})
 * @param delegations which Secrets of other namespaces the proxy may use
 * @param upstreams the proxy's clusters, kept by whoever delegated to it only if it is valid
 * @param rateLimitProblem why global rate limits cannot be enforced (no rate limit service on the
 *     hub, or its ExtensionService is not valid); null when they can
 */
record CompileContext(
    FederationSnapshot snapshot,
    ExternalNames externalNames,
    Map<String, TlsSecrets.Outcome> certificates,
    Delegations delegations,
    String namespace,
    MatchConditions.Inherited inherited,
    List<String> chain,
    String where,
    Map<String, Upstream> upstreams,
    Collection<ProxyVerdict.Error> warnings,
    String rateLimitProblem) {
  CompileContext {
    chain = List.copyOf(chain);
  }

  /** The context of a root proxy, its virtual host's clusters starting empty. */
  static CompileContext root(
      FederationSnapshot snapshot,
      ExternalNames externalNames,
      Map<String, TlsSecrets.Outcome> certificates,
      Delegations delegations,
      HTTPProxy root,
      Findings findings,
      String rateLimitProblem) {
    return new CompileContext(
        snapshot,
        externalNames,
        certificates,
        delegations,
        root.getMetadata().getNamespace(),
        MatchConditions.Inherited.NONE,
        List.of(Proxies.key(root)),
        "",
        new LinkedHashMap<>(),
        findings.warnings,
        rateLimitProblem);
  }

  /** The context of a proxy this one includes under {@code conditions}: its own clusters. */
  CompileContext included(
      HTTPProxy proxy, MatchConditions.Inherited conditions, Findings findings) {
    List<String> longer = new ArrayList<>(chain);
    longer.add(Proxies.key(proxy));
    return new CompileContext(
        snapshot,
        externalNames,
        certificates,
        delegations,
        proxy.getMetadata().getNamespace(),
        conditions,
        longer,
        "",
        new LinkedHashMap<>(),
        findings.warnings,
        rateLimitProblem);
  }

  /** The same context at another place of the spec, e.g. {@code spec.routes[2]}. */
  CompileContext at(String where) {
    return new CompileContext(
        snapshot,
        externalNames,
        certificates,
        delegations,
        namespace,
        inherited,
        chain,
        where,
        upstreams,
        warnings,
        rateLimitProblem);
  }
}
