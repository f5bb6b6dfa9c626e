package dev.gantry.xds.compile.gateway;

import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.WeightedCluster;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rule of one TLSRoute as the clusters its TLS streams are passed through to, unchanged (the
 * routing model's passthrough host, as HTTPProxy's {@code tcpproxy} with {@code tls.passthrough}).
 * Backends resolve as an HTTPRoute's; each is reached over plain TCP whatever its Service port
 * says, since the stream is the client's TLS. A backend that does not resolve is {@code
 * ResolvedRefs=False} and its share of the connections is refused (a cluster Envoy does not have),
 * all of them when none resolves or every weight is 0, as the spec asks. A field Gantry does not
 * know refuses the route ({@code UnsupportedValue}).
 */
final class TlsRules {
  static final String KIND = "TLSRoute";

  private TlsRules() {}

  static HttpRules.Compiled compile(
      TLSRoute route,
      FederationSnapshot snapshot,
      ExternalNames externalNames,
      ReferenceGrants grants) {
    String ns = route.getMetadata().getNamespace();
    List<ProxyVerdict.Error> refused = new ArrayList<>();
    List<ProxyVerdict.Error> unresolved = new ArrayList<>();
    Map<String, Upstream> upstreams = new TreeMap<>();
    List<WeightedCluster> clusters = new ArrayList<>();
    if (route.getSpec().getUseDefaultGateways() != null) {
      RouteFilters.refuse("spec.useDefaultGateways is not supported", refused);
    }
    if (!route.getSpec().getAdditionalProperties().isEmpty()) {
      RouteFilters.refuse(
          "spec." + route.getSpec().getAdditionalProperties().keySet() + " is not supported",
          refused);
    }
    List<TLSRouteRule> rules =
        route.getSpec().getRules() == null ? List.of() : route.getSpec().getRules();
    if (rules.size() > 1) {
      // The CRD allows one rule: a TLS stream carries nothing to choose between rules by.
      RouteFilters.refuse("spec.rules has " + rules.size() + " rules; one is allowed", refused);
    }
    long invalidWeight = 0;
    long total = 0;
    List<BackendRef> refs =
        rules.isEmpty() || rules.get(0).getBackendRefs() == null
            ? List.of()
            : rules.get(0).getBackendRefs();
    if (!rules.isEmpty() && !rules.get(0).getAdditionalProperties().isEmpty()) {
      RouteFilters.refuse(
          "spec.rules[0]." + rules.get(0).getAdditionalProperties().keySet() + " is not supported",
          refused);
    }
    for (int i = 0; i < refs.size() && refused.isEmpty(); i++) {
      BackendRef b = refs.get(i);
      String at = "spec.rules[0].backendRefs[" + i + "]";
      if (!b.getAdditionalProperties().isEmpty()) {
        RouteFilters.refuse(
            at + "." + b.getAdditionalProperties().keySet() + " is not supported", refused);
        break;
      }
      long weight = b.getWeight() == null ? 1 : b.getWeight();
      if (weight < 0 || weight > 1_000_000) {
        RouteFilters.refuse(at + ".weight " + weight + " is not 0-1000000", refused);
        break;
      }
      Outcome<Upstream> u =
          BackendRefs.resolve(
              new BackendRefs.Ref(
                  b.getGroup(), b.getKind(), b.getName(), b.getNamespace(), b.getPort()),
              KIND,
              ns,
              snapshot,
              externalNames,
              grants,
              at);
      Upstream upstream = u.orReport(unresolved);
      if (upstream == null) {
        invalidWeight += weight;
        continue;
      }
      if (weight == 0) {
        continue;
      }
      upstream = ServiceResolver.plainTcp(upstream);
      upstreams.put(upstream.name(), upstream);
      total += weight;
      clusters.add(new WeightedCluster(upstream.name(), weight));
    }
    if (!refused.isEmpty()) {
      return new HttpRules.Compiled(List.of(), Map.of(), refused.get(0), null, List.of());
    }
    if (total == 0) {
      // Nothing to pass connections to: every one is refused (Envoy has no such cluster).
      clusters = List.of(new WeightedCluster(WeightedCluster.INVALID_BACKEND, 1));
    } else if (invalidWeight > 0) {
      clusters.add(new WeightedCluster(WeightedCluster.INVALID_BACKEND, invalidWeight));
    }
    return new HttpRules.Compiled(
        List.of(), upstreams, null, unresolved.isEmpty() ? null : unresolved.get(0), clusters);
  }
}
