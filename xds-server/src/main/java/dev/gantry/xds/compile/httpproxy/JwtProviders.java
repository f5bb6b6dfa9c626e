package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.Digests;
import dev.gantry.api.GoDurations;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.JWTProvider;
import dev.gantry.api.crd.contour.JWTVerificationPolicy;
import dev.gantry.api.crd.contour.RemoteJWKS;
import dev.gantry.api.crd.contour.TLS;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.DnsLookupFamily;
import dev.gantry.xds.ir.IpLiterals;
import dev.gantry.xds.ir.JwtProvider;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.UpstreamTls;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A root's {@code spec.virtualhost.jwtProviders} and a route's {@code jwtVerificationPolicy},
 * checked as Contour's HTTPProxyProcessor checks them, with its {@code JWTVerificationError}
 * reasons: providers only on a host that terminates TLS ({@code JWTVerificationNotPermitted}),
 * unique names ({@code DuplicateProviderName}), one default at most ({@code
 * MultipleDefaultProvidersSpecified}), a key set URI of scheme http or https ({@code
 * RemoteJWKSURIInvalid}, {@code RemoteJWKSSchemeInvalid}, {@code RemoteJWKSPortInvalid}), durations
 * ({@code RemoteJWKSTimeoutInvalid}, {@code RemoteJWKSCacheDurationInvalid}), a lookup family
 * ({@code RemoteJWKSDNSLookupFamilyInvalid}), validation of an https server only ({@code
 * RemoteJWKSUpstreamValidationInvalid}, {@code RemoteJWKSCACertificateNotDelegated}); a route
 * requires a provider the host defines ({@code JWTProviderNotDefined}), and not while disabling
 * verification ({@code InvalidJWTVerificationPolicy}). Pure.
 */
final class JwtProviders {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  private static final String AT = "Spec.VirtualHost.JWTProviders";
  // Envoy's bound on HttpUri.timeout and RemoteJwks.cache_duration.
  private static final long MAX_SECONDS = 4_294_967_295L;

  private JwtProviders() {}

  /** The root's providers, in the order written; empty when it has none. */
  static Outcome<List<JwtProvider>> of(CompileContext ctx, HTTPProxy root) {
    List<JWTProvider> written = root.getSpec().getVirtualhost().getJwtProviders();
    if (written == null || written.isEmpty()) {
      return Outcome.of(List.of());
    }
    TLS tls = root.getSpec().getVirtualhost().getTls();
    if (tls == null
        || tls.getSecretName() == null
        || tls.getSecretName().isBlank()
        || Boolean.TRUE.equals(tls.getPassthrough())) {
      return Outcome.failed(
          error(
              "JWTVerificationNotPermitted",
              AT + " can only be defined for root HTTPProxies that terminate TLS"));
    }
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    Set<String> names = new HashSet<>();
    String defaultName = null;
    List<JwtProvider> providers = new ArrayList<>();
    for (JWTProvider p : written) {
      if (p == null || p.getName() == null || p.getName().isEmpty()) {
        errors.add(error("ProviderNameInvalid", AT + " is invalid: a provider has no name"));
        continue;
      }
      if (!names.add(p.getName())) {
        errors.add(
            error("DuplicateProviderName", AT + " is invalid: duplicate name " + p.getName()));
        continue;
      }
      if (Boolean.TRUE.equals(p.getDefault())) {
        if (defaultName != null) {
          errors.add(
              error(
                  "MultipleDefaultProvidersSpecified",
                  AT + " is invalid: at most one provider can be set as the default"));
          continue;
        }
        defaultName = p.getName();
      }
      JwtProvider provider = provider(ctx, p, errors);
      if (provider != null) {
        providers.add(provider);
      }
    }
    return Outcome.unless(errors, () -> providers);
  }

  /** One provider, or null with the first of its errors added. */
  private static JwtProvider provider(
      CompileContext ctx, JWTProvider p, List<ProxyVerdict.Error> errors) {
    RemoteJWKS jwks = p.getRemoteJWKS() == null ? new RemoteJWKS() : p.getRemoteJWKS();
    String written = jwks.getUri() == null ? "" : jwks.getUri();
    URI uri;
    try {
      uri = new URI(written);
    } catch (URISyntaxException e) {
      errors.add(
          error("RemoteJWKSURIInvalid", AT + ".RemoteJWKS.URI is invalid: " + e.getMessage()));
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      errors.add(
          error(
              "RemoteJWKSSchemeInvalid",
              AT + ".RemoteJWKS.URI has invalid scheme \"" + scheme + "\", must be http or https"));
      return null;
    }
    String host = host(uri);
    if (host == null) {
      errors.add(
          error(
              "RemoteJWKSURIInvalid",
              AT
                  + ".RemoteJWKS.URI is invalid: \""
                  + written
                  + "\" has no host that is a DNS name or an IP address"));
      return null;
    }
    UpstreamTls.Validation validation = null;
    if (jwks.getValidation() != null) {
      if (scheme.equals("http")) {
        errors.add(
            error(
                "RemoteJWKSUpstreamValidationInvalid",
                AT
                    + ".RemoteJWKS.UpstreamValidation must not be specified when URI scheme is"
                    + " http."));
        return null;
      }
      UpstreamValidations.Checked checked = UpstreamValidations.check(ctx, jwks.getValidation());
      if (checked.notDelegated() != null) {
        errors.add(
            error(
                "RemoteJWKSCACertificateNotDelegated",
                AT
                    + ".RemoteJWKS.UpstreamValidation.CACertificate Secret \""
                    + checked.notDelegated()
                    + "\" is not configured for certificate delegation"
                    + Delegations.howToDelegate(checked.notDelegated(), ctx.namespace())));
        return null;
      }
      if (checked.problem() != null) {
        errors.add(
            error(
                "RemoteJWKSUpstreamValidationInvalid",
                AT + ".RemoteJWKS.UpstreamValidation is invalid: " + checked.problem()));
        return null;
      }
      validation = checked.validation();
    }
    Duration timeout = duration(jwks.getTimeout(), "Timeout", "RemoteJWKSTimeoutInvalid", errors);
    if (timeout == null && jwks.getTimeout() != null && !jwks.getTimeout().isEmpty()) {
      return null;
    }
    Duration cache =
        duration(
            jwks.getCacheDuration(), "CacheDuration", "RemoteJWKSCacheDurationInvalid", errors);
    if (cache == null && jwks.getCacheDuration() != null && !jwks.getCacheDuration().isEmpty()) {
      return null;
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("http") ? 80 : 443;
    if (port < 1 || port > 65535) {
      errors.add(
          error(
              "RemoteJWKSPortInvalid",
              AT + ".RemoteJWKS.URI has an invalid port: " + port + " is not 1-65535"));
      return null;
    }
    String writtenFamily = jwks.getDnsLookupFamily();
    boolean ownFamily = writtenFamily != null && !writtenFamily.isEmpty();
    // Unset: the hub's lookup family, decided where the cluster is written (null here).
    DnsLookupFamily family = ownFamily ? family(writtenFamily) : null;
    if (ownFamily && family == null) {
      errors.add(
          error(
              "RemoteJWKSDNSLookupFamilyInvalid",
              AT
                  + ".RemoteJWKS.DNSLookupFamily has an invalid value \""
                  + jwks.getDnsLookupFamily()
                  + "\", must be auto, all, v4 or v6"));
      return null;
    }
    UpstreamTls tls = null;
    if (scheme.equals("https")) {
      // As Contour, the URI's host is the server name; an address is not one (RFC 6066).
      tls = new UpstreamTls(Syntax.hostname(host) ? host : null, validation);
    }
    List<String> audiences =
        p.getAudiences() == null
            ? List.of()
            : p.getAudiences().stream().filter(a -> a != null).toList();
    return new JwtProvider(
        p.getName(),
        Boolean.TRUE.equals(p.getDefault()),
        p.getIssuer() == null || p.getIssuer().isEmpty() ? null : p.getIssuer(),
        audiences,
        written,
        timeout == null ? DEFAULT_TIMEOUT : timeout,
        cache,
        Boolean.TRUE.equals(p.getForwardJWT()),
        new JwtProvider.JwksCluster(
            clusterName(scheme, host, port, family, tls), host, port, family, tls));
  }

  /**
   * Contour's name of a key set's cluster, {@code dnsname/<scheme>/<host>}, with the port when it
   * is not the scheme's own and a digest of the lookup family and validation when they are set (the
   * family null when the provider leaves it to the hub), so that key sets that differ in them do
   * not share a cluster (Contour's would).
   */
  static String clusterName(
      String scheme, String host, int port, DnsLookupFamily family, UpstreamTls tls) {
    boolean ipv6 = host.indexOf(':') >= 0;
    String name = "dnsname/" + scheme + "/" + (ipv6 ? "[" + host + "]" : host);
    if (port != (scheme.equals("http") ? 80 : 443)) {
      name += ":" + port;
    }
    boolean validated = tls != null && tls.validation() != null;
    if (family != null || validated) {
      String identity = family + ";" + (tls == null ? "" : tls.identity());
      name += "/" + Digests.sha256Hex(identity).substring(0, 10);
    }
    return name;
  }

  /** The URI's host without brackets, lower case; null when it is not a DNS name or address. */
  private static String host(URI uri) {
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      return null;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      String address = host.substring(1, host.length() - 1);
      return IpLiterals.ipLiteral(address) ? address : null;
    }
    String lower = host.toLowerCase(Locale.ROOT);
    return IpLiterals.ipLiteral(lower) || Syntax.validFqdn(lower) && !lower.startsWith("*.")
        ? lower
        : null;
  }

  /** A Go duration Envoy can hold; null when unset, or (with an error added) when it is not one. */
  private static Duration duration(
      String value, String field, String reason, List<ProxyVerdict.Error> errors) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    Duration d = GoDurations.parse(value);
    if (d == null || d.isNegative() || d.getSeconds() > MAX_SECONDS) {
      errors.add(
          error(
              reason,
              AT
                  + ".RemoteJWKS."
                  + field
                  + " is invalid: \""
                  + value
                  + "\" is not a duration of 0 to "
                  + MAX_SECONDS
                  + "s"));
      return null;
    }
    return d;
  }

  /** Contour's lookup families. Null for anything else. */
  private static DnsLookupFamily family(String value) {
    return DnsLookupFamily.parse(value);
  }

  /**
   * A route's own policy: null when it has none (the host's default applies), or with an error
   * added when it both requires a provider and disables verification.
   */
  static RoutingTable.JwtPolicy routePolicy(
      JWTVerificationPolicy policy, String where, List<ProxyVerdict.Error> errors) {
    if (policy == null) {
      return null;
    }
    boolean requires = policy.getRequire() != null && !policy.getRequire().isEmpty();
    boolean disabled = Boolean.TRUE.equals(policy.getDisabled());
    if (requires && disabled) {
      errors.add(
          error(
              "InvalidJWTVerificationPolicy",
              where
                  + ": route's JWT verification policy cannot specify both require and disabled"));
      return null;
    }
    if (requires) {
      return new RoutingTable.JwtPolicy(policy.getRequire(), false);
    }
    return disabled ? new RoutingTable.JwtPolicy(null, true) : null;
  }

  /**
   * The errors of routes of {@code host} that require a provider it does not define, one per name.
   * Unlike Contour, also on a host without TLS, whose routes Contour would serve unverified.
   */
  static List<ProxyVerdict.Error> undefined(RoutingTable.VirtualHost host) {
    Set<String> defined = new HashSet<>();
    host.jwtProviders().forEach(p -> defined.add(p.name()));
    Set<String> missing = new TreeSet<>();
    for (RoutingTable.Route route : host.routes()) {
      String required = host.jwtRequirementOf(route);
      if (required != null && !defined.contains(required)) {
        missing.add(required);
      }
    }
    return missing.stream()
        .map(
            name ->
                error(
                    "JWTProviderNotDefined",
                    "Route references an undefined JWT provider \"" + name + "\""))
        .toList();
  }

  /**
   * A warning when a route of {@code host} that requires a token asks for {@code permitInsecure}:
   * plain HTTP has no JWT verification, so it is redirected to HTTPS instead (fail closed).
   */
  static List<ProxyVerdict.Error> insecureVerified(RoutingTable.VirtualHost host) {
    boolean any =
        host.routes().stream()
            .anyMatch(r -> r.actions().permitInsecure() && host.jwtRequirementOf(r) != null);
    return any
        ? List.of(
            new ProxyVerdict.Error(
                ProxyVerdict.SPEC_ERROR,
                LoadBalancing.IGNORED,
                "spec.routes[].permitInsecure is ignored on routes that require a JWT: plain HTTP"
                    + " has no JWT verification, so they redirect to HTTPS"))
        : List.of();
  }

  private static ProxyVerdict.Error error(String reason, String message) {
    return new ProxyVerdict.Error(ProxyVerdict.JWT_VERIFICATION_ERROR, reason, message);
  }
}
