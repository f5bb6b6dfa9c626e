package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.crd.contour.UpstreamValidation;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.ir.UpstreamTls;
import dev.gantry.xds.tls.TlsSecrets;
import java.util.ArrayList;
import java.util.List;

/**
 * A route service's TLS toward its endpoints, as Contour sets it: the server name is the Host the
 * service or else the route rewrites to; {@code validation} names a CA Secret (of the proxy's
 * namespace, or delegated to it) and the subject names the endpoint's certificate must carry.
 * Without a Host rewrite an ExternalName service sends its external name, as Contour does. Unlike
 * Contour, a service of endpoints with {@code validation} and no Host rewrite sends its first
 * subject name as the server name, so that a backend choosing its certificate by name presents the
 * one that is checked. Pure.
 */
final class UpstreamValidations {
  static final String REASON = "TLSUpstreamValidation";
  static final String NOT_DELEGATED = "CACertificateNotDelegated";
  private static final int MAX_NAMES = 8;
  // Envoy's limit of UpstreamTlsContext.sni.
  private static final int MAX_SNI = 255;

  private UpstreamValidations() {}

  /**
   * The service's cluster, or null with its errors added: resolved with {@code policies}, and, when
   * it speaks TLS (its protocol or its Service's), with its server name and validation, as in
   * Contour; a {@code validation} of a service that speaks clear text is named in a warning
   * (Contour ignores it without saying so). For route services ({@code route} given) and TCP proxy
   * services alike.
   */
  static Upstream resolve(
      CompileContext ctx,
      HTTPProxySpec.Route route,
      HTTPProxySpec.RouteService s,
      ServiceResolver.ClusterPolicies policies,
      List<ProxyVerdict.Error> errors) {
    Upstream upstream =
        ServiceResolver.resolve(
            ctx.namespace(), s, ctx.snapshot(), ctx.externalNames(), policies, ctx.where(), errors);
    if (upstream == null) {
      return null;
    }
    if (!upstream.protocol().tls()) {
      if (s.getValidation() != null) {
        ctx.warnings()
            .add(
                new ProxyVerdict.Error(
                    ProxyVerdict.SERVICE_ERROR,
                    "TLSUpstreamValidationIgnored",
                    ctx.where()
                        + ".validation is ignored: the service speaks clear text (set protocol"
                        + " tls or h2 to verify its certificate)"));
      }
      return upstream;
    }
    int before = errors.size();
    UpstreamTls tls = of(ctx, route, s, ServiceResolver.dnsName(upstream), errors);
    if (errors.size() > before) {
      return null;
    }
    return tls == null ? upstream : ServiceResolver.withTls(upstream, policies, tls);
  }

  /**
   * The service's TLS settings, used only if it turns out to speak TLS; null when it sets nothing,
   * or with errors when its {@code validation} cannot be served.
   */
  static UpstreamTls of(
      CompileContext ctx,
      HTTPProxySpec.Route route,
      HTTPProxySpec.RouteService s,
      List<ProxyVerdict.Error> errors) {
    return of(ctx, route, s, null, errors);
  }

  /**
   * As {@link #of(CompileContext, HTTPProxySpec.Route, HTTPProxySpec.RouteService, List)}, for a
   * service Envoy reaches by the DNS name {@code dnsName} (an ExternalName Service; null for one of
   * endpoints): without a Host rewrite that name is the server name, as in Contour.
   */
  static UpstreamTls of(
      CompileContext ctx,
      HTTPProxySpec.Route route,
      HTTPProxySpec.RouteService s,
      String dnsName,
      List<ProxyVerdict.Error> errors) {
    String host = host(s.getRequestHeadersPolicy());
    if (host == null && route != null) {
      host = host(route.getRequestHeadersPolicy());
    }
    UpstreamTls.Validation validation = null;
    if (s.getValidation() != null) {
      validation = validation(ctx, s, errors);
      if (validation == null) {
        return null;
      }
    }
    if (host != null && host.length() > MAX_SNI) {
      errors.add(
          error(
              ctx,
              "the Host rewrite (sent as the TLS server name) is longer than "
                  + MAX_SNI
                  + " characters"));
      return null;
    }
    // A subject name is a server name only when it is a DNS name (not a wildcard or an address).
    String sni =
        host != null
            ? host
            : dnsName != null
                ? dnsName
                : validation == null || !Syntax.hostname(validation.subjectNames().get(0))
                    ? null
                    : validation.subjectNames().get(0);
    return sni == null && validation == null ? null : new UpstreamTls(sni, validation);
  }

  private static String host(HTTPProxySpec.HeadersPolicy policy) {
    if (policy == null || policy.getSet() == null) {
      return null;
    }
    return policy.getSet().stream()
        .filter(h -> h != null && "host".equalsIgnoreCase(h.getName()))
        .map(HTTPProxySpec.HeaderValue::getValue)
        .filter(v -> v != null && !v.isEmpty())
        .findFirst()
        .orElse(null);
  }

  private static UpstreamTls.Validation validation(
      CompileContext ctx, HTTPProxySpec.RouteService s, List<ProxyVerdict.Error> errors) {
    String service = "Service [" + s.getName() + ":" + s.getPort() + "]";
    Checked checked = check(ctx, s.getValidation());
    if (checked.notDelegated() != null) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.TLS_ERROR,
              NOT_DELEGATED,
              ctx.where()
                  + ": service.UpstreamValidation.CACertificate Secret \""
                  + checked.notDelegated()
                  + "\" is not configured for certificate delegation"
                  + Delegations.howToDelegate(checked.notDelegated(), ctx.namespace())));
      return null;
    }
    if (checked.problem() != null) {
      errors.add(
          error(ctx, service + " TLS upstream validation policy error: " + checked.problem()));
      return null;
    }
    return checked.validation();
  }

  /**
   * What a {@code validation} reads as: its CA and names, or the Secret it names that is not
   * delegated to the proxy's namespace, or what else is wrong with it (Contour's words).
   */
  record Checked(UpstreamTls.Validation validation, String notDelegated, String problem) {}

  /** {@code v} checked as Contour's LookupUpstreamValidation checks it, for the proxy of ctx. */
  static Checked check(CompileContext ctx, UpstreamValidation v) {
    String caSecret = v.getCaSecret() == null ? "" : v.getCaSecret().strip();
    if (caSecret.isEmpty()) {
      return new Checked(null, null, "caSecret is empty");
    }
    String ns = ctx.namespace();
    String key = ctx.delegations().key(caSecret, ns);
    if (key == null) {
      return new Checked(null, caSecret, null);
    }
    TlsSecrets.Pem ca = ctx.certificates().getOrDefault(key, TlsSecrets.NOT_FOUND).ca();
    if (ca.error() != null) {
      return new Checked(null, null, "invalid CA Secret \"" + key + "\": " + ca.error());
    }
    List<String> names = names(v);
    String problem = null;
    if (v.getSubjectName() == null || v.getSubjectName().isBlank()) {
      problem = "missing subject alternative name";
    } else if (names.stream().anyMatch(n -> n == null || n.isBlank())) {
      problem = "a subject name is empty";
    } else if (v.getSubjectNames() != null
        && !v.getSubjectNames().isEmpty()
        && !v.getSubjectNames().get(0).equals(v.getSubjectName())) {
      problem =
          "first entry of SubjectNames ("
              + v.getSubjectNames().get(0)
              + ") does not match SubjectName ("
              + v.getSubjectName()
              + ")";
    } else if (names.size() > MAX_NAMES) {
      problem = "subjectNames has " + names.size() + " entries, at most " + MAX_NAMES;
    }
    if (problem != null) {
      return new Checked(null, null, problem);
    }
    return new Checked(new UpstreamTls.Validation(key, ca.pem(), names), null, null);
  }

  /** subjectNames when given, else subjectName alone. */
  private static List<String> names(UpstreamValidation v) {
    if (v.getSubjectNames() != null && !v.getSubjectNames().isEmpty()) {
      return new ArrayList<>(v.getSubjectNames());
    }
    return v.getSubjectName() == null || v.getSubjectName().isBlank()
        ? List.of()
        : List.of(v.getSubjectName());
  }

  private static ProxyVerdict.Error error(CompileContext ctx, String message) {
    return new ProxyVerdict.Error(ProxyVerdict.SERVICE_ERROR, REASON, ctx.where() + ": " + message);
  }
}
