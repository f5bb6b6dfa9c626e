package dev.gantry.xds.ir;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What the valid HTTPProxies ask Envoy to do, before any Envoy type is involved. */
public record RoutingTable(
    List<VirtualHost> virtualHosts,
    Map<String, Upstream> upstreams,
    GlobalRateLimit.Service rateLimitService) {
  /** The virtual host of requests no other host matches (Ingress rules without a host). */
  public static final String ANY_HOST = "*";

  public RoutingTable {
    virtualHosts = List.copyOf(virtualHosts);
    // Listeners and route configurations for proxyless clients are named by fqdn.
    Set<String> fqdns = new HashSet<>();
    for (VirtualHost host : virtualHosts) {
      if (!fqdns.add(host.fqdn())) {
        throw new IllegalArgumentException(
            "virtualHosts: fqdn \"" + host.fqdn() + "\" appears more than once");
      }
    }
    upstreams.forEach(
        (name, u) -> {
          if (!name.equals(u.name())) {
            throw new IllegalArgumentException(
                "upstreams: \"" + name + "\" holds the upstream of \"" + u.name() + "\"");
          }
        });
    // Sorted by name: the assembler lists the clusters in this order.
    upstreams = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(upstreams));
  }

  /** A table without the hub's rate limit service. */
  public RoutingTable(List<VirtualHost> virtualHosts, Map<String, Upstream> upstreams) {
    this(virtualHosts, upstreams, null);
  }

  /**
   * A host name and its routes, longest prefix first, its CORS policy (null: none), its TLS (null:
   * plain HTTP only; see {@link VirtualHostTls}), its IP filter and its local rate limit (null:
   * none; a route's own replaces each), its authorization server, its JWT providers and its global
   * rate limit (null: none).
   */
  public record VirtualHost(
      String fqdn,
      List<Route> routes,
      Cors cors,
      VirtualHostTls tls,
      IpFilter ipFilter,
      LocalRateLimit rateLimit,
      Authorization authorization,
      List<JwtProvider> jwtProviders,
      GlobalRateLimit globalRateLimit) {
    public VirtualHost {
      routes = List.copyOf(routes);
      jwtProviders = jwtProviders == null ? List.of() : List.copyOf(jwtProviders);
      if (authorization != null && tls == null) {
        throw new IllegalArgumentException(fqdn + ": authorization needs TLS");
      }
      if (!jwtProviders.isEmpty() && tls == null) {
        throw new IllegalArgumentException(fqdn + ": JWT verification needs TLS");
      }
      if (tls != null
          && tls.fallback() != null
          && (authorization != null || !jwtProviders.isEmpty())) {
        // The fallback chain's connection manager has neither filter: it would skip the checks.
        throw new IllegalArgumentException(
            fqdn + ": a fallback certificate cannot serve a host with authorization or JWTs");
      }
    }

    /** A host without a global rate limit. */
    public VirtualHost(
        String fqdn,
        List<Route> routes,
        Cors cors,
        VirtualHostTls tls,
        IpFilter ipFilter,
        LocalRateLimit rateLimit,
        Authorization authorization,
        List<JwtProvider> jwtProviders) {
      this(fqdn, routes, cors, tls, ipFilter, rateLimit, authorization, jwtProviders, null);
    }

    /** A host without JWT verification. */
    public VirtualHost(
        String fqdn,
        List<Route> routes,
        Cors cors,
        VirtualHostTls tls,
        IpFilter ipFilter,
        LocalRateLimit rateLimit,
        Authorization authorization) {
      this(fqdn, routes, cors, tls, ipFilter, rateLimit, authorization, List.of());
    }

    /** A host without external authorization. */
    public VirtualHost(
        String fqdn,
        List<Route> routes,
        Cors cors,
        VirtualHostTls tls,
        IpFilter ipFilter,
        LocalRateLimit rateLimit) {
      this(fqdn, routes, cors, tls, ipFilter, rateLimit, null);
    }

    /** A host without an IP filter or a rate limit. */
    public VirtualHost(String fqdn, List<Route> routes, Cors cors, VirtualHostTls tls) {
      this(fqdn, routes, cors, tls, null, null);
    }

    /** This host with other routes (Ingress hosts merged from several Ingresses). */
    public VirtualHost withRoutes(List<Route> other) {
      return new VirtualHost(
          fqdn,
          other,
          cors,
          tls,
          ipFilter,
          rateLimit,
          authorization,
          jwtProviders,
          globalRateLimit);
    }

    /**
     * The JWT provider whose token {@code route} requires here, as Contour decides it: the one its
     * policy requires, none when its policy disables verification, else the host's default (null:
     * none). The name may be one the host does not define; compilation refuses such routes.
     */
    public String jwtRequirementOf(Route route) {
      JwtPolicy own = route.jwtPolicy();
      if (own != null) {
        return own.disabled() ? null : own.require();
      }
      return jwtProviders.stream()
          .filter(JwtProvider::isDefault)
          .map(JwtProvider::name)
          .findFirst()
          .orElse(null);
    }

    /**
     * The authorization check of {@code route} here, as Contour merges it: null when the host has
     * no authorization server; else disabled as the route's policy says, or else as the host's, and
     * the host's context with the route's added over it.
     */
    public AuthCheck authCheckOf(Route route) {
      if (authorization == null) {
        return null;
      }
      AuthPolicy own = route.authPolicy();
      if (own == null) {
        return new AuthCheck(authorization.disabled(), authorization.context());
      }
      Map<String, String> merged = new TreeMap<>(authorization.context());
      merged.putAll(own.context());
      return new AuthCheck(own.disabled(), merged);
    }

    /** The IP filter of {@code route} here: the route's own, else the host's (null: none). */
    public IpFilter ipFilterOf(Route route) {
      return route.ipFilter() != null ? route.ipFilter() : ipFilter;
    }

    /**
     * Whether the rate limit service counts {@code route}'s requests here: the route has
     * descriptors, or the host has and the route does not opt out of them.
     */
    public boolean globallyLimits(Route route) {
      GlobalRateLimit own = route.globalRateLimit();
      if (own != null && own.disabled()) {
        return false;
      }
      return own != null && own.limits() || globalRateLimit != null && globalRateLimit.limits();
    }

    /** The rate limit of {@code route} here: the route's own, else the host's (null: none). */
    public LocalRateLimit rateLimitOf(Route route) {
      return route.rateLimit() != null ? route.rateLimit() : rateLimit;
    }
  }

  /**
   * A token bucket each Envoy keeps: {@code maxTokens} (the rate plus the burst), refilled with
   * {@code tokensPerFill} every {@code fillInterval}; a refused request gets {@code status} (0:
   * Envoy's 429) with {@code headers} (lower-case name to Envoy's value).
   */
  public record LocalRateLimit(
      long maxTokens,
      long tokensPerFill,
      java.time.Duration fillInterval,
      int status,
      Map<String, String> headers) {
    public LocalRateLimit {
      headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
    }
  }

  /**
   * A virtual host's external authorization (Envoy's ext_authz over gRPC): the Envoy cluster of the
   * server and the authority its calls carry (null: the cluster's name, Envoy's default), how long
   * to wait for its answer (null: Envoy's default, {@link java.time.Duration#ZERO}: no limit),
   * whether to serve when it fails, whether the host's routes are checked unless their own policy
   * says otherwise, the context sent with each check, and how much of the body to send (null:
   * none).
   */
  public record Authorization(
      String cluster,
      String authority,
      java.time.Duration responseTimeout,
      boolean failOpen,
      boolean disabled,
      Map<String, String> context,
      RequestBody withRequestBody) {
    public Authorization {
      context = java.util.Collections.unmodifiableMap(new TreeMap<>(context));
    }
  }

  /** The request body sent to an authorization server: Envoy's ext_authz buffer settings. */
  public record RequestBody(
      long maxRequestBytes, boolean allowPartialMessage, boolean packAsBytes) {}

  /**
   * A route's own JWT verification policy: the provider it requires (null when {@code disabled}),
   * or none at all.
   */
  public record JwtPolicy(String require, boolean disabled) {
    public JwtPolicy {
      if (disabled == (require != null)) {
        throw new IllegalArgumentException("a JWT policy requires a provider or is disabled");
      }
    }
  }

  /** A route's own authorization policy: disabled or not, and context over its host's. */
  public record AuthPolicy(boolean disabled, Map<String, String> context) {
    public AuthPolicy {
      context = java.util.Collections.unmodifiableMap(new TreeMap<>(context));
    }
  }

  /** What the authorization filter does for one route: skip it, or check with this context. */
  public record AuthCheck(boolean disabled, Map<String, String> context) {
    public AuthCheck {
      context = java.util.Collections.unmodifiableMap(new TreeMap<>(context));
    }
  }

  /**
   * Who may reach a virtual host or route by source address: with {@code allow}, only requests
   * matching a rule (403 for the others); without, every request but those matching one.
   */
  public record IpFilter(boolean allow, List<IpRule> rules) {
    public IpFilter {
      rules = List.copyOf(rules);
    }
  }

  /**
   * A range of source addresses: {@code address/prefixLength} (the address with its host bits
   * cleared), matched against the connection's peer ({@code remote} false) or the client address
   * Envoy derives from X-Forwarded-For or PROXY protocol ({@code remote} true).
   */
  public record IpRule(boolean remote, String address, int prefixLength) {}

  /**
   * Cross-origin resource sharing of a virtual host: the origins allowed, the methods and headers,
   * how long a preflight answer may be cached (null: Envoy's default) and whether credentials and
   * private network access are allowed.
   */
  public record Cors(
      List<OriginMatch> origins,
      List<String> allowMethods,
      List<String> allowHeaders,
      List<String> exposeHeaders,
      Long maxAgeSeconds,
      boolean allowCredentials,
      boolean allowPrivateNetwork) {
    public Cors {
      origins = List.copyOf(origins);
      allowMethods = List.copyOf(allowMethods);
      allowHeaders = List.copyOf(allowHeaders);
      exposeHeaders = List.copyOf(exposeHeaders);
    }
  }

  /** An allowed origin: an exact origin, compared ignoring case, or an RE2 regular expression. */
  public record OriginMatch(boolean exact, String value) {}

  /**
   * What a request must match, the weighted Envoy clusters it then goes to, the headers changed on
   * its way, the prefix that replaces the matched one (null: path unchanged), its own IP filter and
   * rate limit (null: the virtual host's), its own authorization policy (null: none, the host's
   * applies; see {@link VirtualHost#authCheckOf}), its own JWT verification policy (null: the
   * host's default provider applies; see {@link VirtualHost#jwtRequirementOf}) and its global rate
   * limit (null: none; see {@link VirtualHost#globallyLimits}), the Set-Cookie rewrites of all its
   * clusters' responses (a cluster's own rules of a cookie go over these), and the path that
   * replaces the whole request path (null: none; Gateway API's {@code ReplaceFullPath}).
   */
  public record Route(
      Match match,
      List<WeightedCluster> clusters,
      HeaderPolicy request,
      HeaderPolicy response,
      String prefixRewrite,
      Timeouts timeouts,
      Retry retry,
      List<HashPolicy> hashPolicies,
      Actions actions,
      IpFilter ipFilter,
      LocalRateLimit rateLimit,
      InternalRedirect internalRedirect,
      AuthPolicy authPolicy,
      JwtPolicy jwtPolicy,
      GlobalRateLimit globalRateLimit,
      List<CookieRewrite> cookieRewrites,
      String fullPathRewrite) {
    public Route {
      clusters = List.copyOf(clusters);
      hashPolicies = List.copyOf(hashPolicies);
      actions = actions == null ? Actions.NONE : actions;
      cookieRewrites = List.copyOf(cookieRewrites);
      if (fullPathRewrite != null && prefixRewrite != null) {
        throw new IllegalArgumentException("a route rewrites its prefix or its whole path");
      }
    }

    /**
     * A route matching {@code match}, with the defaults until the builder says otherwise: no
     * clusters, headers left as they are, Envoy's default timeouts, no retries, hash policies or
     * actions, nothing of its own over its virtual host's, the path unchanged.
     */
    public static Builder matching(Match match) {
      return new Builder(match);
    }

    /** A builder holding everything of this route, to derive another from it. */
    public Builder toBuilder() {
      return new Builder(match)
          .clusters(clusters)
          .request(request)
          .response(response)
          .prefixRewrite(prefixRewrite)
          .timeouts(timeouts)
          .retry(retry)
          .hashPolicies(hashPolicies)
          .actions(actions)
          .ipFilter(ipFilter)
          .rateLimit(rateLimit)
          .internalRedirect(internalRedirect)
          .authPolicy(authPolicy)
          .jwtPolicy(jwtPolicy)
          .globalRateLimit(globalRateLimit)
          .cookieRewrites(cookieRewrites)
          .fullPathRewrite(fullPathRewrite);
    }

    /**
     * Builds a {@link Route}: what it matches is given to {@link Route#matching}, every part left
     * unset keeps its default.
     */
    public static final class Builder {
      private final Match match;
      private List<WeightedCluster> clusters = List.of();
      private HeaderPolicy request = HeaderPolicy.NONE;
      private HeaderPolicy response = HeaderPolicy.NONE;
      private String prefixRewrite;
      private Timeouts timeouts = Timeouts.DEFAULT;
      private Retry retry;
      private List<HashPolicy> hashPolicies = List.of();
      private Actions actions = Actions.NONE;
      private IpFilter ipFilter;
      private LocalRateLimit rateLimit;
      private InternalRedirect internalRedirect;
      private AuthPolicy authPolicy;
      private JwtPolicy jwtPolicy;
      private GlobalRateLimit globalRateLimit;
      private List<CookieRewrite> cookieRewrites = List.of();
      private String fullPathRewrite;

      private Builder(Match match) {
        this.match = match;
      }

      public Builder clusters(List<WeightedCluster> clusters) {
        this.clusters = clusters;
        return this;
      }

      public Builder request(HeaderPolicy request) {
        this.request = request;
        return this;
      }

      public Builder response(HeaderPolicy response) {
        this.response = response;
        return this;
      }

      public Builder prefixRewrite(String prefixRewrite) {
        this.prefixRewrite = prefixRewrite;
        return this;
      }

      public Builder timeouts(Timeouts timeouts) {
        this.timeouts = timeouts;
        return this;
      }

      public Builder retry(Retry retry) {
        this.retry = retry;
        return this;
      }

      public Builder hashPolicies(List<HashPolicy> hashPolicies) {
        this.hashPolicies = hashPolicies;
        return this;
      }

      public Builder actions(Actions actions) {
        this.actions = actions;
        return this;
      }

      public Builder ipFilter(IpFilter ipFilter) {
        this.ipFilter = ipFilter;
        return this;
      }

      public Builder rateLimit(LocalRateLimit rateLimit) {
        this.rateLimit = rateLimit;
        return this;
      }

      public Builder internalRedirect(InternalRedirect internalRedirect) {
        this.internalRedirect = internalRedirect;
        return this;
      }

      public Builder authPolicy(AuthPolicy authPolicy) {
        this.authPolicy = authPolicy;
        return this;
      }

      public Builder jwtPolicy(JwtPolicy jwtPolicy) {
        this.jwtPolicy = jwtPolicy;
        return this;
      }

      public Builder globalRateLimit(GlobalRateLimit globalRateLimit) {
        this.globalRateLimit = globalRateLimit;
        return this;
      }

      public Builder cookieRewrites(List<CookieRewrite> cookieRewrites) {
        this.cookieRewrites = cookieRewrites;
        return this;
      }

      public Builder fullPathRewrite(String fullPathRewrite) {
        this.fullPathRewrite = fullPathRewrite;
        return this;
      }

      /** The route, validated as its canonical constructor does. */
      public Route build() {
        return new Route(
            match,
            clusters,
            request,
            response,
            prefixRewrite,
            timeouts,
            retry,
            hashPolicies,
            actions,
            ipFilter,
            rateLimit,
            internalRedirect,
            authPolicy,
            jwtPolicy,
            globalRateLimit,
            cookieRewrites,
            fullPathRewrite);
      }
    }
  }

  /**
   * Redirects of the backend that Envoy follows itself: up to {@code maxRedirects} (Envoy's
   * default, 1, when 0), answered with one of {@code statusCodes} (Envoy's default, 302, when
   * empty), to another scheme as {@code crossScheme} allows, and not back to a route a previous
   * redirect went through when {@code denyRepeatedRoute}.
   */
  public record InternalRedirect(
      long maxRedirects,
      List<Integer> statusCodes,
      CrossScheme crossScheme,
      boolean denyRepeatedRoute) {
    public InternalRedirect {
      statusCodes = List.copyOf(statusCodes);
    }
  }

  /** Contour's {@code allowCrossSchemeRedirect}. */
  public enum CrossScheme {
    NEVER,
    ALWAYS,
    /** HTTPS may go to HTTP or HTTPS; HTTP only to HTTP. */
    SAFE_ONLY
  }

  /**
   * Route timeouts; null leaves Envoy's default (response 15 s, idle unset), {@link
   * java.time.Duration#ZERO} disables one ({@code infinity}).
   */
  public record Timeouts(java.time.Duration response, java.time.Duration idle) {
    public static final Timeouts DEFAULT = new Timeouts(null, null);
  }

  /** A retry policy: Envoy's retry_on conditions, sorted, and how often and how long to try. */
  public record Retry(
      List<String> retryOn,
      int count,
      java.time.Duration perTryTimeout,
      List<Integer> statusCodes) {
    public Retry {
      retryOn = retryOn.stream().distinct().sorted().toList();
      statusCodes = statusCodes.stream().distinct().sorted().toList();
    }
  }

  /**
   * What a route does besides forwarding to its clusters: a cluster receiving copies of {@code
   * mirrorPercent} % of the requests, whose responses are dropped, WebSocket upgrades, or an answer
   * of its own (a redirect or a fixed response) instead of forwarding; and whether a TLS host
   * serves it over plain HTTP too ({@code permitInsecure}), redirects plain HTTP to https (neither
   * flag, Contour's rule), or leaves it out of plain HTTP altogether ({@code secureOnly}: a Gateway
   * API route attached through HTTPS listeners only, which plain HTTP answers 404 as a host no
   * route serves), and whether it is left out of HTTPS instead ({@code insecureOnly}: a Gateway API
   * route attached through HTTP listeners only, of a host that other routes serve over HTTPS; it
   * comes with {@code permitInsecure}). {@code extraMirrors} are mirrors besides {@code
   * mirrorCluster} (a Gateway API rule may have several), each receiving its own copies.
   */
  public record Actions(
      String mirrorCluster,
      boolean websockets,
      Redirect redirect,
      DirectResponse direct,
      boolean permitInsecure,
      int mirrorPercent,
      boolean secureOnly,
      boolean insecureOnly,
      List<Mirror> extraMirrors) {
    public static final Actions NONE = new Actions(null, false, null, null, false);

    public Actions {
      if (mirrorPercent < 1 || mirrorPercent > 100) {
        throw new IllegalArgumentException("mirrorPercent " + mirrorPercent + " is not 1-100");
      }
      if (permitInsecure && secureOnly) {
        throw new IllegalArgumentException("a route cannot be both insecure and secure only");
      }
      if (insecureOnly && !permitInsecure) {
        throw new IllegalArgumentException("a route insecure only must permit insecure");
      }
      extraMirrors = List.copyOf(extraMirrors);
      if (!extraMirrors.isEmpty() && mirrorCluster == null) {
        throw new IllegalArgumentException("extra mirrors without a first mirror");
      }
    }

    /** Actions of a route served over HTTPS and HTTP alike, or one protocol only, one mirror. */
    public Actions(
        String mirrorCluster,
        boolean websockets,
        Redirect redirect,
        DirectResponse direct,
        boolean permitInsecure,
        int mirrorPercent,
        boolean secureOnly) {
      this(
          mirrorCluster,
          websockets,
          redirect,
          direct,
          permitInsecure,
          mirrorPercent,
          secureOnly,
          false,
          List.of());
    }

    /** Actions of a route a TLS host redirects or serves over plain HTTP. */
    public Actions(
        String mirrorCluster,
        boolean websockets,
        Redirect redirect,
        DirectResponse direct,
        boolean permitInsecure,
        int mirrorPercent) {
      this(mirrorCluster, websockets, redirect, direct, permitInsecure, mirrorPercent, false);
    }

    /** Actions whose mirror, if any, gets every request. */
    public Actions(
        String mirrorCluster,
        boolean websockets,
        Redirect redirect,
        DirectResponse direct,
        boolean permitInsecure) {
      this(mirrorCluster, websockets, redirect, direct, permitInsecure, 100);
    }

    public Actions(
        String mirrorCluster, boolean websockets, Redirect redirect, DirectResponse direct) {
      this(mirrorCluster, websockets, redirect, direct, false);
    }
  }

  /**
   * A redirect: each non-null part replaces that part of the request's URL; {@code path} replaces
   * the whole path, {@code prefix} the matched prefix. Status 301, 302, 303, 307 or 308 (HTTPProxy
   * has only the first two; Gateway API all five).
   */
  public record Redirect(
      String scheme, String host, Integer port, String path, String prefix, int statusCode) {}

  /** A cluster receiving copies of {@code percent} % (1-100) of a route's requests. */
  public record Mirror(String cluster, int percent) {
    public Mirror {
      java.util.Objects.requireNonNull(cluster, "cluster");
      if (percent < 1 || percent > 100) {
        throw new IllegalArgumentException("percent " + percent + " is not 1-100");
      }
    }
  }

  /** A fixed answer: a status and a body (may be empty). */
  public record DirectResponse(int status, String body) {}

  /** What of a request Envoy hashes to pick an endpoint of a ring hash cluster. */
  public enum HashKind {
    HEADER,
    QUERY_PARAMETER,
    SOURCE_IP,
    /** Contour's session affinity cookie, which Envoy sets when the request has none. */
    COOKIE
  }

  /**
   * One request attribute to hash, in the order given (Envoy combines them in that order).
   *
   * @param name the header, query parameter or cookie name; null for SOURCE_IP
   * @param terminal when the attribute is present, later policies are not used
   */
  public record HashPolicy(HashKind kind, String name, boolean terminal) {
    /** Contour's session affinity: a session cookie for path {@code /}. */
    public static final HashPolicy SESSION_COOKIE =
        new HashPolicy(HashKind.COOKIE, "X-Contour-Session-Affinity", false);
  }

  /** How a path is compared. */
  public enum PathKind {
    PREFIX,
    EXACT,
    REGEX,
    /**
     * A prefix of whole path elements (Ingress {@code pathType: Prefix}): {@code /foo} matches
     * {@code /foo} and {@code /foo/bar}, not {@code /foobar}. The path never ends with {@code /}.
     */
    SEGMENT_PREFIX
  }

  /** All of it must hold: the path, every header condition and every query condition. */
  public record Match(
      PathKind pathKind, String path, List<HeaderMatch> headers, List<QueryMatch> queries) {
    public Match {
      headers = List.copyOf(headers);
      queries = List.copyOf(queries);
    }

    public static Match prefix(String prefix) {
      return new Match(PathKind.PREFIX, prefix, List.of(), List.of());
    }
  }

  /** How a header or query value is compared. */
  public enum ValueKind {
    PRESENT,
    EXACT,
    PREFIX,
    SUFFIX,
    CONTAINS,
    REGEX
  }

  /**
   * A header condition: {@code kind} against {@code value} (null for PRESENT), negated by {@code
   * invert} (notpresent, notexact, notcontains); with {@code treatMissingAsEmpty} a missing header
   * is compared as an empty value (so it matches notexact and notcontains of a non-empty value).
   */
  public record HeaderMatch(
      String name,
      ValueKind kind,
      String value,
      boolean ignoreCase,
      boolean invert,
      boolean treatMissingAsEmpty) {
    public HeaderMatch(
        String name, ValueKind kind, String value, boolean ignoreCase, boolean invert) {
      this(name, kind, value, ignoreCase, invert, false);
    }
  }

  /** A query parameter condition: {@code kind} against {@code value} (null for PRESENT). */
  public record QueryMatch(String name, ValueKind kind, String value, boolean ignoreCase) {}
}
