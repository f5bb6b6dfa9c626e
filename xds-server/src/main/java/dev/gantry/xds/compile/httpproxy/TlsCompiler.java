package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.TCPProxy;
import dev.gantry.api.crd.contour.TLS;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.ir.WeightedCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compiles an HTTPProxy's {@code spec.virtualhost.tls} (with its client validation, see {@link
 * ClientValidations}) and {@code spec.tcpproxy} into a {@link VirtualHostTls}, with Contour's
 * TLSError and TCPProxyError reasons for what cannot be served. Pure: Secrets come in as a map.
 */
final class TlsCompiler {
  private TlsCompiler() {}

  /**
   * The host's TLS, absent when it has none; the clusters of {@code spec.tcpproxy} go to the
   * context's upstreams, TLS warnings to its warnings. {@code fallbackSecret} is the hub's fallback
   * certificate Secret ({@code namespace/name}), null when the hub has none; {@code proxies} are
   * those a {@code tcpproxy.include} may name.
   */
  static Outcome<Optional<VirtualHostTls>> compile(
      CompileContext ctx, HTTPProxy p, String fallbackSecret, TcpProxyIncludes.Lookup proxies) {
    HTTPProxySpec spec = p.getSpec();
    TLS tls = spec.getVirtualhost().getTls();
    TCPProxy tcp = spec.getTcpproxy();
    if (tls == null) {
      return tcp == null
          ? Outcome.of(Optional.empty())
          : Outcome.failed(
              new ProxyVerdict.Error(
                  ProxyVerdict.TCP_PROXY_ERROR,
                  "TLSMustBeConfigured",
                  "Spec.TCPProxy requires that either Spec.TLS.Passthrough or Spec.TLS.SecretName"
                      + " be set"));
    }
    boolean passthrough = Boolean.TRUE.equals(tls.getPassthrough());
    boolean hasSecret = !SecretRefs.isBlank(tls.getSecretName());
    boolean fallback = Boolean.TRUE.equals(tls.getEnableFallbackCertificate());
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    if (passthrough && fallback) {
      // Contour reports it and goes on to the checks below.
      errors.add(
          tlsError(
              "TLSIncompatibleFeatures",
              "Spec.VirtualHost.TLS: both Passthrough and enableFallbackCertificate were"
                  + " specified"));
    }
    if (passthrough == hasSecret) {
      errors.add(
          tlsError(
              "TLSConfigNotValid",
              passthrough
                  ? "Spec.VirtualHost.TLS: both Passthrough and SecretName were specified"
                  : "Spec.VirtualHost.TLS: neither Passthrough nor SecretName were specified"));
      return Outcome.failed(errors);
    }
    if (passthrough && tls.getClientValidation() != null) {
      errors.add(
          tlsError(
              "TLSIncompatibleFeatures",
              "Spec.VirtualHost.TLS passthrough cannot be combined with tls.clientValidation"));
      return Outcome.failed(errors);
    }
    VirtualHostTls.Version minimum =
        version(tls.getMinimumProtocolVersion(), MINIMUM, VirtualHostTls.Version.TLS_1_2, errors);
    VirtualHostTls.Version maximum =
        version(tls.getMaximumProtocolVersion(), MAXIMUM, VirtualHostTls.Version.TLS_1_3, errors);
    if (passthrough) {
      ignoredWithPassthrough(ctx, MINIMUM, tls.getMinimumProtocolVersion(), minimum);
      ignoredWithPassthrough(ctx, MAXIMUM, tls.getMaximumProtocolVersion(), maximum);
    }
    VirtualHostTls.Certificate certificate =
        hasSecret
            ? ctx.delegations()
                .certificate(tls.getSecretName(), ctx.namespace(), ctx.certificates())
                .orReport(errors)
            : null;
    if (!passthrough && minimum != null && maximum != null && minimum.compareTo(maximum) > 0) {
      errors.add(
          tlsError(
              "TLSConfigNotValid",
              "Spec.Virtualhost.TLS the minimum protocol version is greater than the maximum"
                  + " protocol version"));
    }
    VirtualHostTls.Certificate fallbackCertificate =
        fallback && !passthrough
            ? FallbackCertificates.compile(ctx, p, fallbackSecret, errors)
            : null;
    VirtualHostTls.ClientValidation clients =
        tls.getClientValidation() == null
            ? null
            : ClientValidations.compile(
                p, tls, ctx.certificates(), ctx.delegations(), errors, ctx.warnings());
    if (passthrough && tcp == null) {
      errors.add(
          tlsError(
              "TLSConfigNotValid",
              "Spec.VirtualHost.TLS.Passthrough requires Spec.TCPProxy: a passthrough virtual host"
                  + " forwards the TLS stream to tcpproxy's services and cannot serve routes over"
                  + " HTTPS"));
    }
    List<WeightedCluster> clusters =
        tcp == null ? List.of() : TcpProxyIncludes.clusters(ctx, p, proxies, errors);
    return Outcome.unless(
        errors,
        () ->
            Optional.of(
                passthrough
                    ? new VirtualHostTls(null, VirtualHostTls.Version.TLS_1_2, clusters)
                    : new VirtualHostTls(
                        certificate, minimum, maximum, clients, clusters, fallbackCertificate)));
  }

  private static final String MINIMUM = "MinimumProtocolVersion";
  private static final String MAXIMUM = "MaximumProtocolVersion";

  private static void ignoredWithPassthrough(
      CompileContext ctx, String field, String written, VirtualHostTls.Version parsed) {
    if (written != null && parsed != null) {
      ctx.warnings()
          .add(
              tlsError(
                  "IgnoredField",
                  "Spec.VirtualHost.TLS."
                      + field
                      + " is ignored with Passthrough: the backend negotiates the TLS version"));
    }
  }

  private static ProxyVerdict.Error tlsError(String reason, String message) {
    return new ProxyVerdict.Error(ProxyVerdict.TLS_ERROR, reason, message);
  }

  /**
   * Contour accepts "1.2" and "1.3" ({@code fallback} when empty); anything else is refused, not
   * defaulted as Contour does, for a typo would otherwise silently allow a version that was meant
   * to be excluded.
   */
  static VirtualHostTls.Version version(
      String value,
      String field,
      VirtualHostTls.Version fallback,
      List<ProxyVerdict.Error> errors) {
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    for (VirtualHostTls.Version v : VirtualHostTls.Version.values()) {
      if (v.contourName().equals(value)) {
        return v;
      }
    }
    errors.add(
        tlsError(
            "TLSConfigNotValid",
            "Spec.VirtualHost.TLS."
                + field
                + " \""
                + value
                + "\" is not supported: use \"1.2\" or \"1.3\""));
    return null;
  }

  /**
   * The TCP proxy's load balancing and health checks, as Contour reads them: a hashing strategy
   * cannot hash a TCP stream, so it is ignored with a warning; checks only connect. Null, with the
   * errors added, when the health check policy does not read.
   */
  private static ServiceResolver.ClusterPolicies tcpPolicies(
      CompileContext ctx, TCPProxy tcp, List<ProxyVerdict.Error> errors) {
    List<ProxyVerdict.Error> warnings = new ArrayList<>();
    LoadBalancing.Choice choice =
        LoadBalancing.choose(tcp.getLoadBalancerPolicy(), "spec.tcpproxy", warnings);
    ctx.warnings().addAll(warnings);
    Upstream.Strategy strategy = choice.strategy();
    if (strategy.hashing()) {
      ctx.warnings()
          .add(
              new ProxyVerdict.Error(
                  ProxyVerdict.TCP_PROXY_ERROR,
                  "IgnoredField",
                  "ignoring field \"Spec.TCPProxy.LoadBalancerPolicy\"; "
                      + strategy.contourName()
                      + " load balancer policy is not supported for TCPProxies"));
      strategy = Upstream.Strategy.ROUND_ROBIN;
    }
    Outcome<Optional<dev.gantry.xds.ir.HealthCheck>> check =
        HealthCheckPolicies.tcp(tcp.getHealthCheckPolicy());
    if (!check.ok()) {
      errors.addAll(check.errors());
      return null;
    }
    return new ServiceResolver.ClusterPolicies(strategy, null, check.value().orElse(null));
  }

  /** The clusters of {@code tcp}'s own services, resolved in the context's namespace. */
  static List<WeightedCluster> tcpProxy(
      CompileContext ctx, TCPProxy tcp, List<ProxyVerdict.Error> errors) {
    List<HTTPProxySpec.RouteService> services =
        tcp.getServices() == null ? List.of() : tcp.getServices();
    if (services.isEmpty()) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.TCP_PROXY_ERROR,
              "NothingDefined",
              "Spec.TCPProxy: either services or inclusion must be specified"));
      return List.of();
    }
    ServiceResolver.ClusterPolicies policies = tcpPolicies(ctx, tcp, errors);
    if (policies == null) {
      return List.of();
    }
    boolean anyWeight =
        services.stream().anyMatch(s -> s != null && s.getWeight() != null && s.getWeight() > 0);
    List<WeightedCluster> clusters = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      HTTPProxySpec.RouteService s = services.get(i);
      String where = "spec.tcpproxy.services[" + i + "]";
      List<String> unusable = s == null ? List.of() : streamless(s);
      if (!unusable.isEmpty()) {
        // Contour ignores them here (it even sends a mirror service its share of the streams);
        // a TCP stream carries no HTTP Envoy could change or copy, so the proxy would not do what
        // its author wrote: refused, not pretended.
        for (String field : unusable) {
          errors.add(
              new ProxyVerdict.Error(
                  ProxyVerdict.TCP_PROXY_ERROR,
                  UnimplementedFields.REASON,
                  where
                      + "."
                      + field
                      + " cannot apply to a TCP proxy, which forwards a stream without reading"
                      + " its HTTP: the proxy is not served rather than served without it"));
        }
        continue;
      }
      ServiceResolver.ClusterPolicies own = policies;
      if (s != null && s.getSlowStartPolicy() != null) {
        // Unlike Contour, which ignores it here: Envoy ramps up new endpoints' share of the
        // streams as it does of requests.
        Upstream.SlowStart slowStart =
            SlowStarts.parse(s.getSlowStartPolicy(), policies.strategy(), where, errors);
        if (slowStart == null) {
          continue;
        }
        own = policies.withSlowStart(slowStart);
      }
      List<ProxyVerdict.Error> serviceErrors = new ArrayList<>();
      Upstream upstream =
          s == null
              ? ServiceResolver.resolve(
                  ctx.namespace(), s, ctx.snapshot(), own, where, serviceErrors)
              : UpstreamValidations.resolve(ctx.at(where), null, s, own, serviceErrors);
      // Contour reports a TCP proxy's services under its own error type, but for their TLS
      // validation (TLSError, ServiceError/TLSUpstreamValidation), as for a route's services.
      for (ProxyVerdict.Error e : serviceErrors) {
        boolean validation =
            e.reason().equals(UpstreamValidations.REASON)
                || e.reason().equals(UpstreamValidations.NOT_DELEGATED);
        errors.add(
            validation
                ? e
                : new ProxyVerdict.Error(ProxyVerdict.TCP_PROXY_ERROR, e.reason(), e.message()));
      }
      if (upstream == null) {
        continue;
      }
      if (!upstream.protocol().tls() && hostRewrite(s.getRequestHeadersPolicy())) {
        // The Host a TLS service rewrites to is its server name; a clear-text stream has none.
        errors.add(
            new ProxyVerdict.Error(
                ProxyVerdict.TCP_PROXY_ERROR,
                UnimplementedFields.REASON,
                where
                    + ".requestHeadersPolicy sets Host, which a TCP proxy sends only as the TLS"
                    + " server name of a service speaking tls or h2; this one speaks clear text:"
                    + " the proxy is not served rather than served without it"));
        continue;
      }
      Long weight = ServiceResolver.weight(s, ProxyVerdict.TCP_PROXY_ERROR, where, errors);
      if (weight == null) {
        continue;
      }
      ctx.upstreams().put(upstream.name(), upstream);
      clusters.add(new WeightedCluster(upstream.name(), anyWeight ? weight : 1));
    }
    return clusters;
  }

  /**
   * The fields of a TCP proxy's service that need the HTTP a stream does not expose, in the order
   * of the schema: header changes (a Host rewrite aside, the TLS server name), cookie rewrites, a
   * mirror.
   */
  private static List<String> streamless(HTTPProxySpec.RouteService s) {
    List<String> fields = new ArrayList<>();
    HTTPProxySpec.HeadersPolicy request = s.getRequestHeadersPolicy();
    if (request != null) {
      boolean others =
          request.getSet() != null
              && request.getSet().stream()
                  .anyMatch(h -> h == null || !"host".equalsIgnoreCase(h.getName()));
      if (others || request.getRemove() != null && !request.getRemove().isEmpty()) {
        fields.add("requestHeadersPolicy");
      }
    }
    HTTPProxySpec.HeadersPolicy response = s.getResponseHeadersPolicy();
    if (response != null
        && (response.getSet() != null && !response.getSet().isEmpty()
            || response.getRemove() != null && !response.getRemove().isEmpty())) {
      fields.add("responseHeadersPolicy");
    }
    if (s.getCookieRewritePolicies() != null && !s.getCookieRewritePolicies().isEmpty()) {
      fields.add("cookieRewritePolicies");
    }
    if (Boolean.TRUE.equals(s.getMirror())) {
      fields.add("mirror");
    }
    return fields;
  }

  private static boolean hostRewrite(HTTPProxySpec.HeadersPolicy request) {
    return request != null
        && request.getSet() != null
        && request.getSet().stream()
            .anyMatch(h -> h != null && "host".equalsIgnoreCase(h.getName()));
  }
}
