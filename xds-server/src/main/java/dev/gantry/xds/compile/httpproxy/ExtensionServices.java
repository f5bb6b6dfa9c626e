package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.ExtensionService;
import dev.gantry.api.crd.contour.ExtensionServiceSpec;
import dev.gantry.api.crd.contour.ExtensionServiceStatus;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.UpstreamProtocol;
import dev.gantry.xds.ir.UpstreamTls;
import dev.gantry.xds.tls.TlsSecrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ExtensionServices as Envoy clusters, as Contour's ExtensionServiceProcessor makes them: one
 * cluster {@code extension/<namespace>/<name>} over the Service a route would reach by that name (a
 * federated service, or one cluster's mirror {@code <cluster>-<svc>}), speaking HTTP/2 over TLS
 * ({@code h2}, the default) or in clear text ({@code h2c}). An invalid one gets no cluster, so a
 * proxy naming it finds none. Pure.
 */
public final class ExtensionServices {
  /** The type of the errors in an ExtensionService's verdict that are not about a Service. */
  private static final String SPEC_ERROR = ProxyVerdict.SPEC_ERROR;

  private ExtensionServices() {}

  /**
   * A valid ExtensionService: its cluster and the response timeout an authorization using it has
   * unless it sets its own (null: Envoy's default; {@link Duration#ZERO}: none).
   */
  public record Extension(String key, Upstream upstream, Duration responseTimeout) {}

  /**
   * What became of one ExtensionService: valid or not, with errors and ignored fields, as Contour's
   * {@code Valid} condition reports them.
   */
  public record Verdict(
      String namespace,
      String name,
      long generation,
      List<ProxyVerdict.Error> errors,
      List<ProxyVerdict.Error> warnings) {
    public Verdict {
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
    }

    public boolean valid() {
      return errors.isEmpty();
    }

    public String key() {
      return namespace + "/" + name;
    }

    /** The status that says this verdict, as Contour writes it, after {@code previous}. */
    public ExtensionServiceStatus status(ExtensionServiceStatus previous, String now) {
      ExtensionServiceStatus status = new ExtensionServiceStatus();
      status.setConditions(
          List.of(
              ProxyVerdict.validCondition(
                  "ExtensionService",
                  valid(),
                  generation,
                  errors,
                  warnings,
                  previous == null ? null : previous.getConditions(),
                  now)));
      return status;
    }
  }

  /** The valid extensions by {@code namespace/name}, and a verdict on each, sorted by key. */
  public record Result(Map<String, Extension> extensions, List<Verdict> verdicts) {
    public static final Result NONE = new Result(Map.of(), List.of());

    public Result {
      extensions = java.util.Collections.unmodifiableMap(new TreeMap<>(extensions));
      verdicts = List.copyOf(verdicts);
    }
  }

  /** A Service of the list as a route names it, for the resolver and the upstream validation. */
  private static HTTPProxySpec.RouteService route(
      ExtensionServiceSpec.Target target, String protocol, ExtensionServiceSpec spec) {
    HTTPProxySpec.RouteService service = new HTTPProxySpec.RouteService();
    service.setName(target == null ? null : target.getName());
    service.setPort(target == null ? null : target.getPort());
    service.setWeight(target == null ? null : target.getWeight());
    service.setProtocol(protocol);
    service.setValidation(spec.getUpstreamValidation());
    return service;
  }

  /** The Envoy cluster name of ExtensionService {@code namespace/name}, Contour's. */
  public static String clusterName(String namespace, String name) {
    return "extension/" + namespace + "/" + name;
  }

  public static Result compile(
      List<ExtensionService> services,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates,
      Delegations delegations) {
    Map<String, Extension> extensions = new TreeMap<>();
    List<Verdict> verdicts = new ArrayList<>();
    List<ExtensionService> sorted =
        services.stream()
            .sorted(
                Comparator.comparing((ExtensionService e) -> e.getMetadata().getNamespace())
                    .thenComparing(e -> e.getMetadata().getName()))
            .toList();
    for (ExtensionService e : sorted) {
      List<ProxyVerdict.Error> errors = new ArrayList<>();
      List<ProxyVerdict.Error> warnings = new ArrayList<>();
      Extension extension = compile(e, snapshot, certificates, delegations, errors, warnings);
      Long generation = e.getMetadata().getGeneration();
      verdicts.add(
          new Verdict(
              e.getMetadata().getNamespace(),
              e.getMetadata().getName(),
              generation == null ? 0 : generation,
              errors,
              warnings));
      if (errors.isEmpty()) {
        extensions.put(extension.key(), extension);
      }
    }
    return new Result(extensions, verdicts);
  }

  private static Extension compile(
      ExtensionService e,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates,
      Delegations delegations,
      List<ProxyVerdict.Error> errors,
      List<ProxyVerdict.Error> warnings) {
    String ns = e.getMetadata().getNamespace();
    String key = ns + "/" + e.getMetadata().getName();
    ExtensionServiceSpec spec = e.getSpec() == null ? new ExtensionServiceSpec() : e.getSpec();
    Duration response = null;
    HTTPProxySpec.TimeoutPolicy timeouts = spec.getTimeoutPolicy();
    if (timeouts != null) {
      response =
          Authorizations.timeout(
              timeouts.getResponse(),
              "spec.timeoutPolicy failed to parse: ",
              SPEC_ERROR,
              "TimeoutPolicyNotValid",
              errors);
      if (timeouts.getIdle() != null && !timeouts.getIdle().isEmpty()) {
        warnings.add(
            new ProxyVerdict.Error(
                SPEC_ERROR,
                LoadBalancing.IGNORED,
                "ignoring field \".Spec.TimeoutPolicy.Idle\"; idle timeouts are not supported for"
                    + " ExtensionClusters"));
      }
    }
    LoadBalancing.Choice balancing =
        LoadBalancing.choose(spec.getLoadBalancerPolicy(), "spec", new ArrayList<>());
    Upstream.Strategy strategy = balancing.strategy();
    if (strategy.hashing()) {
      warnings.add(
          new ProxyVerdict.Error(
              SPEC_ERROR,
              LoadBalancing.IGNORED,
              "ignoring field \".Spec.LoadBalancerPolicy\"; "
                  + strategy.contourName()
                  + " load balancer policy is not supported for ExtensionClusters"));
      strategy = Upstream.Strategy.ROUND_ROBIN;
    }
    String protocol = spec.getProtocol() == null ? "h2" : spec.getProtocol();
    if (!protocol.equals("h2") && !protocol.equals("h2c")) {
      errors.add(
          new ProxyVerdict.Error(
              SPEC_ERROR,
              "UnsupportedProtocol",
              "spec.protocol: unsupported protocol \"" + protocol + "\" (h2 or h2c)"));
      return null;
    }
    if (spec.getProtocolVersion() != null
        && !spec.getProtocolVersion().isEmpty()
        && !spec.getProtocolVersion().equals("v3")) {
      errors.add(
          new ProxyVerdict.Error(
              SPEC_ERROR,
              "UnsupportedProtocolVersion",
              "spec.protocolVersion: unsupported version \""
                  + spec.getProtocolVersion()
                  + "\" (v3)"));
    }
    List<ExtensionServiceSpec.Target> targets =
        spec.getServices() == null ? List.of() : spec.getServices();
    if (targets.isEmpty()) {
      errors.add(
          new ProxyVerdict.Error(
              SPEC_ERROR, "NoServices", "spec.services: at least one Service is required"));
      return null;
    }
    UpstreamTls tls = null;
    if (spec.getUpstreamValidation() != null) {
      if (!protocol.equals("h2")) {
        errors.add(
            new ProxyVerdict.Error(
                SPEC_ERROR,
                "InconsistentProtocol",
                "upstream TLS validation not supported for \"" + protocol + "\" protocol"));
        return null;
      }
      CompileContext ctx =
          new CompileContext(
              snapshot,
              ExternalNames.UNSUPPORTED,
              certificates,
              delegations,
              ns,
              MatchConditions.Inherited.NONE,
              List.of(key),
              "spec.upstreamValidation",
              new LinkedHashMap<>(),
              warnings,
              null);
      tls = UpstreamValidations.of(ctx, null, route(targets.get(0), protocol, spec), errors);
      if (!errors.isEmpty()) {
        return null;
      }
    }
    // As Contour: every Service of the list, each reported when it does not resolve, its
    // endpoints getting requests in proportion to its weight (evenly when none has one).
    List<Upstream.Share> shares = new ArrayList<>();
    Upstream first = null;
    for (int i = 0; i < targets.size(); i++) {
      ExtensionServiceSpec.Target target = targets.get(i);
      String where = "spec.services[" + i + "]";
      HTTPProxySpec.RouteService service = route(target, protocol, spec);
      Long weight = ServiceResolver.weight(service, SPEC_ERROR, where, errors);
      Upstream resolved =
          ServiceResolver.resolve(
              ns,
              service,
              snapshot,
              ExternalNames.UNSUPPORTED,
              new ServiceResolver.ClusterPolicies(strategy, null, null),
              tls,
              where,
              errors);
      if (resolved == null || weight == null) {
        continue;
      }
      if (first == null) {
        first = resolved;
      }
      shares.add(
          new Upstream.Share(resolved.service(), resolved.port(), resolved.federated(), weight));
    }
    if (first == null || !errors.isEmpty()) {
      return null;
    }
    // One Service is the cluster of that service alone, as before several were allowed.
    Upstream upstream =
        Upstream.of(clusterName(ns, e.getMetadata().getName()), shares)
            .strategy(strategy)
            .protocol(protocol.equals("h2") ? UpstreamProtocol.H2 : UpstreamProtocol.H2C)
            .tls(first.tls())
            .build();
    return new Extension(key, upstream, response);
  }
}
