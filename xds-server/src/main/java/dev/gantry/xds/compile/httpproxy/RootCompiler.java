package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.GlobalRateLimit;
import dev.gantry.xds.ir.JwtProvider;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.tls.TlsSecrets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A root HTTPProxy's virtual host: its fqdn (a valid host name no other root claims), CORS and TLS,
 * and the routes of the proxies it delegates to.
 */
final class RootCompiler {
  private final Map<String, List<HTTPProxy>> byFqdn = new TreeMap<>();
  private final Delegation delegation;
  private final FederationSnapshot snapshot;
  private final Map<String, TlsSecrets.Outcome> certificates;
  private final Delegations delegations;
  private final Map<String, ExtensionServices.Extension> extensions;
  private final String fallbackSecret;
  private final String rateLimitProblem;
  private final GlobalRateLimit defaultRateLimit;
  private final ExternalNames externalNames;

  /** A virtual host and the clusters its routes use. */
  record Host(RoutingTable.VirtualHost host, Map<String, Upstream> upstreams) {}

  /**
   * What a root adds to its routes: CORS, TLS, an IP filter, a rate limit, an authorization server;
   * null when none.
   */
  private record Frame(
      RoutingTable.Cors cors,
      VirtualHostTls tls,
      RoutingTable.IpFilter ipFilter,
      RoutingTable.LocalRateLimit rateLimit,
      Authorizations.Found authorization,
      List<JwtProvider> jwtProviders,
      GlobalRateLimit globalRateLimit) {}

  RootCompiler(
      List<HTTPProxy> proxies,
      Delegation delegation,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates,
      Delegations delegations,
      Map<String, ExtensionServices.Extension> extensions,
      String fallbackSecret,
      String rateLimitProblem,
      GlobalRateLimit defaultRateLimit,
      ExternalNames externalNames) {
    this.externalNames = externalNames;
    this.fallbackSecret = fallbackSecret;
    this.rateLimitProblem = rateLimitProblem;
    this.defaultRateLimit = defaultRateLimit;
    this.delegation = delegation;
    this.snapshot = snapshot;
    this.certificates = certificates;
    this.delegations = delegations;
    this.extensions = extensions;
    for (HTTPProxy p : proxies) {
      String fqdn = Proxies.fqdn(p);
      if (fqdn != null) {
        byFqdn.computeIfAbsent(fqdn.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(p);
      }
    }
  }

  /** Whether {@code root} is the only proxy that claims its fqdn. */
  boolean soleClaim(HTTPProxy root) {
    List<HTTPProxy> claims = byFqdn.get(Proxies.fqdn(root).toLowerCase(Locale.ROOT));
    return claims != null && claims.size() == 1;
  }

  /** The root's virtual host, or empty when the root is invalid (its findings say why). */
  Optional<Host> compile(HTTPProxy root) {
    Findings f = delegation.findings(Proxies.key(root));
    CompileContext ctx =
        CompileContext.root(
            snapshot, externalNames, certificates, delegations, root, f, rateLimitProblem);
    Outcome<Frame> frame = frame(ctx, root);
    f.fatal(frame.errors());
    Outcome<List<RoutingTable.Route>> routes = delegation.delegate(ctx, root);
    if (f.blocked() || !routes.ok()) {
      return Optional.empty();
    }
    List<RoutingTable.Route> sorted =
        routes.value().stream()
            .sorted(Comparator.comparing(RoutingTable.Route::match, MatchConditions.ENVOY_ORDER))
            .toList();
    String host = Proxies.fqdn(root).toLowerCase(Locale.ROOT);
    Authorizations.Found auth = frame.value().authorization();
    Map<String, Upstream> upstreams = ctx.upstreams();
    if (auth != null) {
      upstreams = new TreeMap<>(upstreams);
      upstreams.put(auth.extension().upstream().name(), auth.extension().upstream());
    }
    List<JwtProvider> jwtProviders = frame.value().jwtProviders();
    RoutingTable.VirtualHost vhost =
        new RoutingTable.VirtualHost(
            host,
            sorted,
            frame.value().cors(),
            frame.value().tls(),
            frame.value().ipFilter(),
            frame.value().rateLimit(),
            auth == null ? null : auth.authorization(),
            jwtProviders,
            frame.value().globalRateLimit());
    List<ProxyVerdict.Error> undefined = JwtProviders.undefined(vhost);
    if (!undefined.isEmpty()) {
      f.fatal(undefined);
      return Optional.empty();
    }
    f.warnings.addAll(Authorizations.insecureChecked(vhost));
    f.warnings.addAll(Authorizations.policyWithoutServer(vhost));
    f.warnings.addAll(JwtProviders.insecureVerified(vhost));
    return Optional.of(new Host(vhost, upstreams));
  }

  /** The root's own checks and policies; every error, in the order Contour reports them. */
  private Outcome<Frame> frame(CompileContext ctx, HTTPProxy root) {
    String fqdn = Proxies.fqdn(root);
    String host = fqdn.toLowerCase(Locale.ROOT);
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    List<HTTPProxy> claims = byFqdn.get(host);
    if (claims.size() > 1) {
      List<String> others = claims.stream().map(Proxies::key).toList();
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.VIRTUAL_HOST_ERROR,
              "DuplicateVhost",
              "fqdn \""
                  + fqdn
                  + "\" is used in multiple HTTPProxies: "
                  + String.join(", ", others)));
    }
    if (!Syntax.validFqdn(host)) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.VIRTUAL_HOST_ERROR,
              "FQDNInvalid",
              "spec.virtualhost.fqdn \"" + fqdn + "\" is not a valid host name"));
    }
    HTTPProxySpec spec = root.getSpec();
    boolean noRoutes = spec.getRoutes() == null || spec.getRoutes().isEmpty();
    boolean noIncludes = spec.getIncludes() == null || spec.getIncludes().isEmpty();
    if (noRoutes && noIncludes && spec.getTcpproxy() == null) {
      // A root with nothing to serve would publish a virtual host that answers 404 to all.
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SPEC_ERROR, "NothingDefined", "HTTPProxy.spec.routes must be defined"));
    }
    RoutingTable.Cors cors =
        Outcome.orReportAbsent(CorsPolicies.parse(spec.getVirtualhost().getCorsPolicy()), errors);
    HTTPProxySpec.VirtualHost vhost = spec.getVirtualhost();
    RoutingTable.IpFilter ipFilter =
        Outcome.orReportAbsent(
            IpFilters.parse(vhost.getIpAllowPolicy(), vhost.getIpDenyPolicy(), "spec.virtualhost"),
            errors);
    VirtualHostTls tls =
        Outcome.orReportAbsent(TlsCompiler.compile(ctx, root, fallbackSecret, delegation), errors);
    RoutingTable.LocalRateLimit rateLimit =
        Outcome.orReportAbsent(
            RateLimits.parse(vhost.getRateLimitPolicy(), "spec.virtualhost", false), errors);
    List<JwtProvider> jwtProviders = JwtProviders.of(ctx, root).orReport(errors);
    GlobalRateLimit own =
        Outcome.orReportAbsent(
            GlobalRateLimits.parse(
                vhost.getRateLimitPolicy(), "spec.virtualhost", false, rateLimitProblem),
            errors);
    boolean ownGlobal =
        vhost.getRateLimitPolicy() != null && vhost.getRateLimitPolicy().getGlobal() != null;
    // Contour's defaultGlobalRateLimitPolicy, for a host that neither has nor disables its own.
    boolean byDefault = defaultRateLimit != null && !ownGlobal;
    GlobalRateLimit global = byDefault ? defaultRateLimit : own;
    if (byDefault && rateLimitProblem != null) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.VIRTUAL_HOST_ERROR,
              RateLimits.REASON,
              "the hub's default global rate limit policy applies to spec.virtualhost, but "
                  + rateLimitProblem
                  + ", so the limit could not be enforced; the proxy is not served rather than"
                  + " served unlimited"));
    }
    Authorizations.Found authorization =
        Outcome.orReportAbsent(Authorizations.of(root, extensions), errors);
    TcpProxyHosts.check(spec, errors, ctx.warnings());
    return Outcome.unless(
        errors,
        () -> new Frame(cors, tls, ipFilter, rateLimit, authorization, jwtProviders, global));
  }
}
