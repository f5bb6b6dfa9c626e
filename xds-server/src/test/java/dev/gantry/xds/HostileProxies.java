package dev.gantry.xds;

import dev.gantry.api.crd.contour.HTTPProxy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTPProxies no one should write: each with the status it must get, as "status" or "status:
 * Type/Reason, ..." (the errors in order). Shared by {@code HostileInputTest} (the compiler alone)
 * and {@code HostileInputIT} (an apiserver, the hub and Envoy). Each proxy is {@code demo/h<N>}
 * with fqdn {@code h<N>.hostile.test} where its spec says FQDN; NAME is its own name.
 */
public final class HostileProxies {
  /** A valid proxy that must keep serving next to the hostile ones. */
  public static final String VALID_FQDN = "valid.hostile.test";

  public record Case(String name, String expected, String yaml) {
    @Override
    public String toString() {
      return name;
    }

    public String proxyName() {
      return yaml.substring(yaml.indexOf("name: ") + 6, yaml.indexOf(','));
    }
  }

  /** Cases the apiserver itself refuses (the CRD's schema): the hub never sees them. */
  public record Refused(String name, String yaml) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * A proxy {@code demo/x<N>} (fqdn {@code x<N>.hostile.test}) routing to Service {@code
   * demo/ext-<N>}, an ExternalName Service of {@code externalName}: its status with the hub's
   * {@code --enable-external-name-service} off and on.
   */
  public record ExternalNameCase(String name, int n, String externalName, String off, String on) {
    @Override
    public String toString() {
      return name;
    }

    public String proxyName() {
      return "x" + n;
    }

    public String service() {
      return "ext-" + n;
    }

    public String yaml() {
      return proxy(
          proxyName(),
          "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: "
              + service()
              + ", port: 80}]}]\n");
    }
  }

  private static final String UNRESOLVED = "invalid: ServiceError/ServiceUnresolvedReference";

  /** ExternalName Services naming the gateway's own host, or no DNS name at all. */
  public static List<ExternalNameCase> externalNames() {
    String[][] table = {
      {"localhost", "localhost"},
      {"localhost in capitals with a final dot", "LocalHost."},
      {"localhost.localdomain", "localhost.localdomain"},
      {"a name under localhost", "admin.localhost"},
      {"Contour's own local name", "local.projectcontour.io"},
      {"a loopback address", "127.0.0.1"},
      {"a loopback address in short form", "127.1"},
      {"the unspecified address", "0.0.0.0"},
      {"the IPv6 loopback", "::1"},
      {"the IPv6 loopback in brackets", "[::1]"},
      {"a loopback address as one number", "2130706433"},
      {"an empty name", ""},
      {"a name of 300 characters", "a.".repeat(150)},
      {"a label of 64 characters", "l".repeat(64) + ".example.com"},
      {"a name with a line break and a header", "api.example.com\r\nHost: evil"},
      {"a name with a space", "api example.com"},
    };
    List<ExternalNameCase> cases = new ArrayList<>();
    for (int i = 0; i < table.length; i++) {
      cases.add(new ExternalNameCase(table[i][0], i, table[i][1], UNRESOLVED, UNRESOLVED));
    }
    // A name that is fine: refused only while the flag is off.
    cases.add(
        new ExternalNameCase(
            "a DNS name elsewhere: served only with the flag",
            table.length,
            "api.example.com",
            UNRESOLVED,
            "valid"));
    return cases;
  }

  private HostileProxies() {}

  public static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    int[] n = {0};
    for (String[] c : TABLE) {
      String name = "h" + n[0]++;
      cases.add(new Case(c[0], c[1], proxy(name, c[2])));
    }
    cases.add(
        new Case(
            "duplicate fqdn, first", "invalid: VirtualHostError/DuplicateVhost", dup("dup-a")));
    cases.add(
        new Case(
            "duplicate fqdn, second", "invalid: VirtualHostError/DuplicateVhost", dup("dup-b")));
    StringBuilder routes = new StringBuilder("  virtualhost: {fqdn: FQDN}\n  routes:\n");
    for (int i = 0; i < 10_000; i++) {
      routes
          .append("  - {conditions: [{prefix: /r")
          .append(i)
          .append("}], services: [{name: kuard, port: 80}]}\n");
    }
    cases.add(new Case("10,000 routes", "valid", proxy("many", routes.toString())));
    return cases;
  }

  public static List<Refused> refused() {
    return List.of(
        new Refused(
            "a port that is a word",
            proxy(
                "r0",
                "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: eighty}]}]\n")),
        new Refused(
            "routes that are not a list",
            proxy("r1", "  virtualhost: {fqdn: FQDN}\n  routes: notalist\n")),
        new Refused(
            "a weight that is a word",
            proxy(
                "r2",
                "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80, weight: heavy}]}]\n")));
  }

  /** The valid proxy: every path of {@link #VALID_FQDN} to kuard. */
  public static String valid() {
    return """
        apiVersion: projectcontour.io/v1
        kind: HTTPProxy
        metadata: {name: valid, namespace: demo}
        spec:
          ingressClassName: gantry
          virtualhost: {fqdn: valid.hostile.test}
          routes: [{services: [{name: kuard, port: 80}]}]
        """;
  }

  public static HTTPProxy parse(String yaml) {
    return Serialization.unmarshal(yaml, HTTPProxy.class);
  }

  private static String dup(String name) {
    return proxy(
        name,
        "  virtualhost: {fqdn: dup.hostile.test}\n  routes: [{services: [{name: kuard, port: 80}]}]\n");
  }

  private static String proxy(String name, String spec) {
    return ("apiVersion: projectcontour.io/v1\n"
            + "kind: HTTPProxy\n"
            + "metadata: {name: NAME, namespace: demo}\n"
            + "spec:\n"
            + "  ingressClassName: gantry\n"
            + spec)
        .replace(
            "LONGFQDN",
            "a".repeat(60)
                + "."
                + "b".repeat(60)
                + "."
                + "c".repeat(60)
                + "."
                + "d".repeat(60)
                + "."
                + "e".repeat(56)
                + ".test")
        .replace("LONGVALUE", "v".repeat(9_000))
        .replace("LONGNAME", "n".repeat(1_100))
        .replace("PERCENTS", "\"" + "%".repeat(8_192) + "\"")
        .replace("FQDN", name + ".hostile.test")
        .replace("NAME", name);
  }

  private static final String[][] TABLE = {
    {
      "TLS with a Secret that does not exist",
      "invalid: TLSError/SecretNotValid",
      "  virtualhost: {fqdn: FQDN, tls: {secretName: nowhere}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "TLS with an unknown minimum version (and a missing Secret: both reported)",
      "invalid: TLSError/TLSConfigNotValid, TLSError/SecretNotValid",
      "  virtualhost: {fqdn: FQDN, tls: {secretName: nowhere, minimumProtocolVersion: \"1.1\"}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "client CA Secret named by a path out of the namespace (and a missing Secret)",
      "invalid: TLSError/SecretNotValid, TLSError/DelegationNotPermitted",
      "  virtualhost: {fqdn: FQDN, tls: {secretName: nowhere, clientValidation: {caSecret: ../kube-system/ca}}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "client validation on passthrough, skipping verification",
      "invalid: TLSError/TLSIncompatibleFeatures",
      "  virtualhost: {fqdn: FQDN, tls: {passthrough: true, clientValidation: {skipClientCertValidation: true}}}\n  tcpproxy: {services: [{name: kuard, port: 80}]}\n"
    },
    {
      "TLS 1.3 at least and 1.2 at most (and a missing Secret)",
      "invalid: TLSError/SecretNotValid, TLSError/TLSConfigNotValid",
      "  virtualhost: {fqdn: FQDN, tls: {secretName: nowhere, minimumProtocolVersion: \"1.3\", maximumProtocolVersion: \"1.2\"}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "fallback certificate with none on the hub (and a missing Secret)",
      "invalid: TLSError/SecretNotValid, TLSError/FallbackNotPresent",
      "  virtualhost: {fqdn: FQDN, tls: {secretName: nowhere, enableFallbackCertificate: true}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "fallback certificate on passthrough",
      "invalid: TLSError/TLSIncompatibleFeatures",
      "  virtualhost: {fqdn: FQDN, tls: {passthrough: true, enableFallbackCertificate: true}}\n  tcpproxy: {services: [{name: kuard, port: 80}]}\n"
    },
    {
      "fallback certificate with skipped client verification (and a missing Secret)",
      "invalid: TLSError/SecretNotValid, TLSError/TLSIncompatibleFeatures",
      "  virtualhost: {fqdn: FQDN, tls: {secretName: nowhere, enableFallbackCertificate: true, clientValidation: {skipClientCertValidation: true}}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "passthrough without a tcpproxy",
      "invalid: TLSError/TLSConfigNotValid",
      "  virtualhost: {fqdn: FQDN, tls: {passthrough: true}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "unknown upstream protocol",
      "invalid: ServiceError/UnsupportedProtocol",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80, protocol: h3}]}]\n"
    },
    {
      "health check without a path",
      "invalid: RouteError/HealthCheckPolicyInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], healthCheckPolicy: {intervalSeconds: 5}}]\n"
    },
    {
      "health check with a negative interval",
      "invalid: RouteError/HealthCheckPolicyInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], healthCheckPolicy: {path: /healthz, intervalSeconds: -1}}]\n"
    },
    {"a spec with nothing but the ingress class", "orphaned: Orphaned/Orphaned", ""},
    {
      "virtualhost without fqdn",
      "orphaned: Orphaned/Orphaned",
      "  virtualhost: {}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "empty fqdn",
      "invalid: VirtualHostError/FQDNInvalid",
      "  virtualhost: {fqdn: \"\"}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "fqdn with an underscore",
      "invalid: VirtualHostError/FQDNInvalid",
      "  virtualhost: {fqdn: bad_host.hostile.test}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "fqdn of 300 characters",
      "invalid: VirtualHostError/FQDNInvalid",
      "  virtualhost: {fqdn: LONGFQDN}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "fqdn with a trailing dot",
      "invalid: VirtualHostError/FQDNInvalid",
      "  virtualhost: {fqdn: \"FQDN.\"}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "fqdn with a slash",
      "invalid: VirtualHostError/FQDNInvalid",
      "  virtualhost: {fqdn: \"FQDN/x\"}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {"no routes", "invalid: SpecError/NothingDefined", "  virtualhost: {fqdn: FQDN}\n"},
    {
      "route without services",
      "invalid: RouteError/NoServicesPresent",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{prefix: /}]}]\n"
    },
    {
      "service without a name",
      "invalid: ServiceError/ServiceUnresolvedReference",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{port: 80}]}]\n"
    },
    {
      "service that does not exist",
      "invalid: ServiceError/ServiceUnresolvedReference",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: nowhere, port: 80}]}]\n"
    },
    {
      "port 0",
      "invalid: ServiceError/ServicePortInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 0}]}]\n"
    },
    {
      "port 70000",
      "invalid: ServiceError/ServicePortInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 70000}]}]\n"
    },
    {
      "port the service does not have",
      "invalid: ServiceError/ServiceUnresolvedReference",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 81}]}]\n"
    },
    {
      "negative weight",
      "invalid: ServiceError/WeightInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80, weight: -5}]}]\n"
    },
    {
      "enormous weight",
      "invalid: ServiceError/WeightInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80, weight: 1000000000000}]}]\n"
    },
    {
      "unbalanced regex",
      "invalid: RouteError/PathMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{regex: \"/(a\"}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "lookahead regex RE2 refuses",
      "invalid: RouteError/PathMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{regex: \"/(?=a)\"}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "prefix without a slash",
      "invalid: RouteError/PathMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{prefix: api}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "two path conditions",
      "invalid: RouteError/PathMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{prefix: /a}, {exact: /b}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "empty condition",
      "invalid: RouteError/PathMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "header without a name",
      "invalid: RouteError/HeaderMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{header: {exact: x}}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "header exact and notexact of one value",
      "invalid: RouteError/HeaderMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{header: {name: x-a, exact: \"1\"}}, {header: {name: x-a, notexact: \"1\"}}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "header present and notpresent",
      "invalid: RouteError/HeaderMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{header: {name: x-a, present: true}}, {header: {name: x-a, notpresent: true}}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "header with two matchers",
      "invalid: RouteError/HeaderMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{header: {name: x-a, exact: \"1\", contains: \"2\"}}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "query parameter exact twice",
      "invalid: RouteError/QueryParameterMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{queryParameter: {name: q, exact: \"1\"}}, {queryParameter: {name: q, exact: \"2\"}}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "query parameter with a bad regex",
      "invalid: RouteError/QueryParameterMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{queryParameter: {name: q, regex: \"[z-a]\"}}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "two routes with the same conditions",
      "invalid: RouteError/DuplicateMatchConditions",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{prefix: /a}], services: [{name: kuard, port: 80}]}, {conditions: [{prefix: /a}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "unknown load balancer strategy",
      "valid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], loadBalancerPolicy: {strategy: Fastest}}]\n"
    },
    {
      "retry count below -1",
      "invalid: RouteError/RetryPolicyNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], retryPolicy: {count: -2}}]\n"
    },
    {
      "retry count -1 (retries disabled, as in Contour)",
      "valid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], retryPolicy: {count: -1}}]\n"
    },
    {
      "timeout that is not a duration",
      "invalid: RouteError/TimeoutPolicyNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], timeoutPolicy: {response: forever}}]\n"
    },
    {
      "request header with a space in its name",
      "invalid: RouteError/RequestHeadersPolicyInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], requestHeadersPolicy: {set: [{name: \"bad header\", value: x}]}}]\n"
    },
    {
      "Host on responses",
      "invalid: RouteError/ResponseHeadersPolicyInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], responseHeadersPolicy: {set: [{name: Host, value: x}]}}]\n"
    },
    {
      "rewrite of a prefix the route does not have",
      "invalid: RouteError/PathRewritePolicyNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{exact: /a}], services: [{name: kuard, port: 80}], pathRewritePolicy: {replacePrefix: [{replacement: /b}]}}]\n"
    },
    {
      "two mirrors",
      "invalid: ServiceError/OnlyOneMirror",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}, {name: kuard, port: 80, mirror: true}, {name: kuard, port: 80, mirror: true}]}]\n"
    },
    {
      "redirect with status 307",
      "invalid: RouteError/RequestRedirectPolicy",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{requestRedirectPolicy: {statusCode: 307}}]\n"
    },
    {
      "direct response with status 99",
      "invalid: RouteError/DirectResponsePolicy",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{directResponsePolicy: {statusCode: 99}}]\n"
    },
    {
      "services and a redirect",
      "invalid: RouteError/RouteActionCountNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], requestRedirectPolicy: {scheme: https}}]\n"
    },
    {
      "include of a proxy that does not exist",
      "invalid: IncludeError/IncludeNotFound",
      "  virtualhost: {fqdn: FQDN}\n  includes: [{name: nowhere, conditions: [{prefix: /x}]}]\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "a root including itself",
      "invalid: IncludeError/RootIncludesRoot",
      "  virtualhost: {fqdn: FQDN}\n  includes: [{name: NAME, conditions: [{prefix: /x}]}]\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "include with an exact path",
      "invalid: IncludeError/PathMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  includes: [{name: nowhere, conditions: [{exact: /x}]}]\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "CORS without origins",
      "invalid: CORSError/PolicyDidNotParse",
      "  virtualhost: {fqdn: FQDN, corsPolicy: {allowMethods: [GET]}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "local rate limit of no requests per day on a route",
      "invalid: RouteError/RateLimitPolicyNotValid, RouteError/RateLimitPolicyNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], rateLimitPolicy: {local: {requests: 0, unit: day}}}]\n"
    },
    {
      "local rate limit refusing with a redirect status, on the virtual host",
      "invalid: VirtualHostError/RateLimitPolicyNotValid",
      "  virtualhost: {fqdn: FQDN, rateLimitPolicy: {local: {requests: 1, unit: second, responseStatusCode: 302}}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "health check passing on statuses beyond 600",
      "invalid: RouteError/HealthCheckPolicyInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], healthCheckPolicy: {path: /healthz, expectedStatuses: [{start: 200, end: 1000}]}}]\n"
    },
    {
      "IP allow and deny lists on one virtual host",
      "invalid: IPFilterError/IncompatibleIPAddressFilters",
      "  virtualhost: {fqdn: FQDN, ipAllowPolicy: [{source: Peer, cidr: 10.0.0.0/8}], ipDenyPolicy: [{source: Peer, cidr: 10.1.0.0/16}]}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "IP filter with a host name, an out-of-range prefix and an IPv4-mapped address",
      "invalid: IPFilterError/InvalidCIDR, IPFilterError/InvalidCIDR, IPFilterError/InvalidCIDR",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], ipDenyPolicy: [{source: Remote, cidr: evil.example.com}, {source: Peer, cidr: 10.0.0.0/33}, {source: Peer, cidr: \"::ffff:10.0.0.1\"}]}]\n"
    },
    {
      "IP filter with an unknown source",
      "invalid: IPFilterError/IPFilterPolicyNotValid",
      "  virtualhost: {fqdn: FQDN, ipAllowPolicy: [{source: Anywhere, cidr: 0.0.0.0/0}]}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "IP allow list of every address, as one rule per /8",
      "valid",
      "  virtualhost: {fqdn: FQDN, ipAllowPolicy: ["
          + String.join(
              ", ",
              java.util.stream.IntStream.range(0, 256)
                  .mapToObj(i -> "{source: Peer, cidr: " + i + ".0.0.0/8}")
                  .toList())
          + "]}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "CORS with a negative maxAge",
      "invalid: CORSError/PolicyDidNotParse",
      "  virtualhost: {fqdn: FQDN, corsPolicy: {allowOrigin: [\"*\"], allowMethods: [GET], maxAge: \"-1s\"}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "request header value 100%, served escaped",
      "valid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], requestHeadersPolicy: {set: [{name: x-discount, value: \"100%\"}]}, responseHeadersPolicy: {set: [{name: x-rate, value: \"50%\"}]}}]\n"
    },
    {
      "header values with the dynamic values we allow",
      "valid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], requestHeadersPolicy: {set: [{name: x-client, value: \"%DOWNSTREAM_REMOTE_ADDRESS% %REQ(x-a?x-b):10% %CONTOUR_NAMESPACE%\"}]}, responseHeadersPolicy: {set: [{name: x-served-by, value: \"%HOSTNAME% %UNKNOWN_THING% 5%\"}]}}]\n"
    },
    {
      "request header value with a newline",
      "invalid: RouteError/RequestHeadersPolicyInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], requestHeadersPolicy: {set: [{name: x-a, value: \"a\\nInjected: b\"}]}}]\n"
    },
    {
      "response header value with a control character",
      "invalid: RouteError/ResponseHeadersPolicyInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], responseHeadersPolicy: {set: [{name: x-a, value: \"a\\u0001b\"}]}}]\n"
    },
    {
      "service request header value with DEL",
      "invalid: RouteError/RequestHeadersPolicyInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80, requestHeadersPolicy: {set: [{name: x-a, value: \"a\\u007fb\"}]}}]}]\n"
    },
    {
      "request header value of 9,000 bytes",
      "invalid: RouteError/RequestHeadersPolicyInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], requestHeadersPolicy: {set: [{name: x-a, value: LONGVALUE}]}}]\n"
    },
    {
      "response header value of 9,000 bytes",
      "invalid: RouteError/ResponseHeadersPolicyInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], responseHeadersPolicy: {set: [{name: x-a, value: LONGVALUE}]}}]\n"
    },
    {
      "service response header of 8,192 percent signs, at Envoy's limit once escaped",
      "valid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80, responseHeadersPolicy: {set: [{name: x-a, value: PERCENTS}]}}]}]\n"
    },
    {
      "Host value with a carriage return",
      "invalid: RouteError/RequestHeadersPolicyInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], requestHeadersPolicy: {set: [{name: Host, value: \"a\\rb\"}]}}]\n"
    },
    {
      "regex with a program larger than Envoy allows",
      "invalid: RouteError/PathMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{regex: \"/[a-z]{200}\"}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "regex with a Unicode class",
      "invalid: RouteError/PathMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{regex: \"/\\\\pL+\"}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "regex Java accepts and RE2 does not (\\\\Z)",
      "invalid: RouteError/PathMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{regex: \"/a\\\\Z\"}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "regex with a repetition over 1000",
      "invalid: RouteError/PathMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{regex: \"/a{1001}\"}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "header regex too large for Envoy",
      "invalid: RouteError/HeaderMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{header: {name: x-a, regex: \"(?:.?){100}\"}}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "query regex too large for Envoy",
      "invalid: RouteError/QueryParameterMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{queryParameter: {name: q, regex: \"[0-9]{150}\"}}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "CORS origin regex too large for Envoy",
      "invalid: CORSError/PolicyDidNotParse",
      "  virtualhost: {fqdn: FQDN, corsPolicy: {allowOrigin: [\"https://[a-z]{120}\\\\.test\"], allowMethods: [GET]}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "header condition with an empty contains",
      "invalid: RouteError/HeaderMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{header: {name: x-a, contains: \"\"}}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "header condition on a name with a newline",
      "invalid: RouteError/HeaderMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{header: {name: \"x-a\\nb\", exact: \"1\"}}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "query condition with an empty prefix",
      "invalid: RouteError/QueryParameterMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{queryParameter: {name: q, prefix: \"\"}}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "query condition on a name of 1,100 bytes",
      "invalid: RouteError/QueryParameterMatchConditionsNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{queryParameter: {name: LONGNAME, exact: \"1\"}}], services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "prefix replacement with a newline",
      "invalid: RouteError/PathRewritePolicyNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{conditions: [{prefix: /a}], services: [{name: kuard, port: 80}], pathRewritePolicy: {replacePrefix: [{replacement: \"/b\\nc\"}]}}]\n"
    },
    {
      "redirect path with a newline",
      "invalid: RouteError/RequestRedirectPolicy",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{requestRedirectPolicy: {path: \"/a\\nb\"}}]\n"
    },
    {
      "direct response body over Envoy's 4 KiB",
      "invalid: RouteError/DirectResponsePolicy",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{directResponsePolicy: {statusCode: 200, body: LONGVALUE}}]\n"
    },
    {
      "health check path with a newline",
      "invalid: RouteError/HealthCheckPolicyInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], healthCheckPolicy: {path: \"/h\\nx\"}}]\n"
    },
    {
      "the longest Go timeouts",
      "valid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], timeoutPolicy: {response: 2562047h, idle: 2562047h, idleConnection: 2562047h}, retryPolicy: {count: 1, perTryTimeout: 2562047h}}]\n"
    },
    {
      "upstream validation with a CA Secret named by a path out of the namespace",
      "invalid: TLSError/CACertificateNotDelegated",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80, protocol: tls, validation: {caSecret: ../kube-system/ca, subjectName: k}}]}]\n"
    },
    {
      "upstream validation with an empty subject name in the list",
      "invalid: ServiceError/TLSUpstreamValidation",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80, protocol: h2, validation: {caSecret: ca, subjectName: k, subjectNames: [k, \"\"]}}]}]\n"
    },
    {
      "upstream validation with a Host rewrite too long to be a server name",
      "invalid: ServiceError/TLSUpstreamValidation",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80, protocol: tls, requestHeadersPolicy: {set: [{name: Host, value: LONGFQDN}]}}]}]\n"
    },
    {
      "slow start with a window that is not a duration",
      "invalid: ServiceError/SlowStartInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80, slowStartPolicy: {window: forever}}]}]\n"
    },
    {
      "internal redirects on a status that is not a redirect",
      "invalid: RouteError/InternalRedirectPolicyNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], internalRedirectPolicy: {redirectResponseCodes: [200], allowCrossSchemeRedirect: sometimes}}]\n"
    },
    {
      "a TCP proxy's health check with a negative interval",
      "invalid: TCPProxyError/HealthCheckPolicyInvalid",
      "  virtualhost: {fqdn: FQDN, tls: {passthrough: true}}\n  tcpproxy: {services: [{name: kuard, port: 80}], healthCheckPolicy: {intervalSeconds: -5}}\n"
    },
    {
      "authorization by an ExtensionService that does not exist, on a host without TLS",
      "invalid: AuthError/AuthNotPermitted",
      "  virtualhost: {fqdn: FQDN, authorization: {extensionRef: {name: nowhere}, responseTimeout: forever}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "JWT providers on a host without TLS, one with a key set URI that is not one",
      "invalid: JWTVerificationError/JWTVerificationNotPermitted",
      "  virtualhost: {fqdn: FQDN, jwtProviders: [{name: p, remoteJWKS: {uri: \"ht tp://x\"}}]}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "a key set URI with a newline and a port beyond 65535",
      "invalid: TLSError/SecretNotValid, JWTVerificationError/RemoteJWKSURIInvalid, JWTVerificationError/RemoteJWKSPortInvalid",
      "  virtualhost: {fqdn: FQDN, tls: {secretName: nowhere}, jwtProviders: [{name: a, remoteJWKS: {uri: \"https://k.test/\\n/keys\"}}, {name: b, remoteJWKS: {uri: \"https://k.test:99999/keys\"}}]}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "JWT providers: a timeout of a thousand years, a duplicate name, two defaults, lookup family v5, a file URI, validation of http, a CA out of the namespace, an empty name",
      "invalid: TLSError/SecretNotValid, JWTVerificationError/RemoteJWKSTimeoutInvalid, JWTVerificationError/DuplicateProviderName, JWTVerificationError/MultipleDefaultProvidersSpecified, JWTVerificationError/RemoteJWKSDNSLookupFamilyInvalid, JWTVerificationError/RemoteJWKSSchemeInvalid, JWTVerificationError/RemoteJWKSUpstreamValidationInvalid, JWTVerificationError/RemoteJWKSCACertificateNotDelegated, JWTVerificationError/ProviderNameInvalid",
      "  virtualhost:\n    fqdn: FQDN\n    tls: {secretName: nowhere}\n    jwtProviders:\n    - {name: a, default: true, remoteJWKS: {uri: \"https://k.test/\", timeout: 8760000h}}\n    - {name: a, remoteJWKS: {uri: \"https://k.test/\"}}\n    - {name: b, default: true, remoteJWKS: {uri: \"https://k.test/\"}}\n    - {name: c, remoteJWKS: {uri: \"https://k.test/\", dnsLookupFamily: v5}}\n    - {name: d, remoteJWKS: {uri: \"file:///etc/passwd\"}}\n    - {name: e, remoteJWKS: {uri: \"http://k.test/\", validation: {caSecret: ca, subjectName: k}}}\n    - {name: f, remoteJWKS: {uri: \"https://k.test/\", validation: {caSecret: ../kube-system/ca, subjectName: k}}}\n    - {name: \"\", remoteJWKS: {uri: \"https://k.test/\"}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "a route that requires a JWT provider and disables verification",
      "invalid: JWTVerificationError/InvalidJWTVerificationPolicy",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], jwtVerificationPolicy: {require: p, disabled: true}}]\n"
    },
    {
      "a route that requires a JWT provider nobody defines, on a host without TLS",
      "invalid: JWTVerificationError/JWTProviderNotDefined",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], jwtVerificationPolicy: {require: \"../../LONGVALUE\"}}]\n"
    },
    {
      "global rate limit entry with two kinds at once, and one with none",
      "invalid: RouteError/RateLimitPolicyNotValid, RouteError/RateLimitPolicyNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], rateLimitPolicy: {global: {descriptors: [{entries: [{genericKey: {value: a}, remoteAddress: {}}, {}]}]}}}]\n"
    },
    {
      "global rate limit with an empty list of descriptors and a descriptor without entries",
      "invalid: VirtualHostError/RateLimitPolicyNotValid, RouteError/RateLimitPolicyNotValid",
      "  virtualhost: {fqdn: FQDN, rateLimitPolicy: {global: {descriptors: []}}}\n  routes: [{services: [{name: kuard, port: 80}], rateLimitPolicy: {global: {descriptors: [{entries: []}]}}}]\n"
    },
    {
      "global rate limit on a header name with a newline and an empty key",
      "invalid: RouteError/RateLimitPolicyNotValid, RouteError/RateLimitPolicyNotValid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], rateLimitPolicy: {global: {descriptors: [{entries: [{requestHeader: {headerName: \"x-a\\nx-b\", descriptorKey: \"\"}}]}]}}}]\n"
    },
    {
      "global rate limit matching headers by a regex RE2 refuses",
      "invalid: VirtualHostError/RateLimitPolicyNotValid",
      "  virtualhost: {fqdn: FQDN, rateLimitPolicy: {global: {descriptors: [{entries: [{requestHeaderValueMatch: {headers: [{name: x-a, regex: \"(?<=a)b\"}], value: v}}]}]}}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "global rate limit with no rate limit service on the hub: refused, not served unlimited",
      "invalid: VirtualHostError/RateLimitPolicyNotValid",
      "  virtualhost: {fqdn: FQDN, rateLimitPolicy: {global: {descriptors: [{entries: [{remoteAddress: {}}, {genericKey: {key: k, value: \"\\u0000\"}}]}]}}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "a route opting out of global rate limits, with descriptors it does not use",
      "valid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], rateLimitPolicy: {global: {disabled: true, descriptors: [{entries: [{}]}]}}}]\n"
    },
    {
      "a cookie path rewrite of Lua quotes and escapes: taken as text, served",
      "valid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], cookieRewritePolicies: [{name: s, pathRewrite: {value: '/\"..os.exit(1)..\"\\\\]]--'}}]}]\n"
    },
    {
      "a cookie name with a line break, and a path of 9,000 characters on a service",
      "invalid: RouteError/CookieRewritePoliciesInvalid, RouteError/CookieRewritePoliciesInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80, cookieRewritePolicies: [{name: s, pathRewrite: {value: LONGVALUE}}]}], cookieRewritePolicies: [{name: \"a\\nb\", secure: true}]}]\n"
    },
    {
      "a health port the Service does not have, and a negative one",
      "invalid: ServiceError/ServiceUnresolvedReference, ServiceError/ServicePortInvalid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80, healthPort: 9999}], healthCheckPolicy: {path: /healthz}}, {conditions: [{prefix: /b}], services: [{name: kuard, port: 80, healthPort: -1}]}]\n"
    },
    {
      "a TCP proxy's service asking for cookie rewrites it cannot do: refused, not ignored",
      "invalid: TCPProxyError/NotImplemented",
      "  virtualhost: {fqdn: FQDN, tls: {passthrough: true}}\n  tcpproxy: {services: [{name: kuard, port: 80, cookieRewritePolicies: [{name: s, secure: true}]}]}\n"
    },
    {
      "a TCP proxy's service setting headers, removing response headers and mirrored: refused, not ignored",
      "invalid: TCPProxyError/NotImplemented, TCPProxyError/NotImplemented, TCPProxyError/NotImplemented",
      "  virtualhost: {fqdn: FQDN, tls: {passthrough: true}}\n  tcpproxy: {services: [{name: kuard, port: 80, mirror: true, requestHeadersPolicy: {set: [{name: \"x-a\\nx-b\", value: LONGVALUE}]}, responseHeadersPolicy: {remove: [\"\"]}}]}\n"
    },
    {
      "a TCP proxy's clear-text service rewriting Host, and a slow start of no window",
      "invalid: TCPProxyError/NotImplemented, ServiceError/SlowStartInvalid",
      "  virtualhost: {fqdn: FQDN, tls: {passthrough: true}}\n  tcpproxy: {services: [{name: kuard, port: 80, requestHeadersPolicy: {set: [{name: Host, value: LONGFQDN}]}}, {name: kuard, port: 80, slowStartPolicy: {window: \"-1s\"}}]}\n"
    },
    {
      "a TCP proxy's host filtering by IP and limiting its rate, which its stream cannot do",
      "invalid: IPFilterError/IncompatibleIPAddressFilters, VirtualHostError/RateLimitPolicyNotValid, TCPProxyError/NotImplemented, TCPProxyError/NotImplemented, TCPProxyError/NotImplemented",
      "  virtualhost: {fqdn: FQDN, tls: {passthrough: true}, ipAllowPolicy: [{cidr: 0.0.0.0/0, source: Peer}], ipDenyPolicy: [{cidr: 10.0.0.0/8, source: Remote}], rateLimitPolicy: {local: {requests: 0, unit: second}}}\n  tcpproxy: {services: [{name: kuard, port: 80}]}\n"
    },
    {
      "an authorization body of five gigabytes, on a host whose Secret is missing",
      "invalid: TLSError/SecretNotValid, AuthError/ExtensionServiceNotFound",
      "  virtualhost: {fqdn: FQDN, tls: {secretName: nowhere}, authorization: {extensionRef: {name: nowhere}, withRequestBody: {maxRequestBytes: 5000000000, allowPartialMessage: true}}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "a route's authPolicy with a context key of a line break, on a host without authorization: ignored with a warning",
      "valid",
      "  virtualhost: {fqdn: FQDN}\n  routes: [{services: [{name: kuard, port: 80}], authPolicy: {disabled: false, context: {\"a\\nb\": LONGVALUE}}}]\n"
    },
    {
      "client validation: a revocation list of another namespace, every detail forwarded, optional certificates, no CA",
      "invalid: TLSError/SecretNotValid, TLSError/ClientValidationInvalid, TLSError/DelegationNotPermitted",
      "  virtualhost: {fqdn: FQDN, tls: {secretName: nowhere, clientValidation: {crlSecret: ../kube-system/crl, crlOnlyVerifyLeafCert: true, optionalClientCertificate: true, forwardClientCertificate: {subject: true, cert: true, chain: true, dns: true, uri: true}}}}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "a TCP proxy hashing streams by a header of a line break: hashing ignored with a warning, as Contour",
      "valid",
      "  virtualhost: {fqdn: FQDN, tls: {passthrough: true}}\n  tcpproxy: {services: [{name: kuard, port: 80}], loadBalancerPolicy: {strategy: RequestHash, requestHashPolicies: [{headerHashOptions: {headerName: \"a\\nb\"}}]}}\n"
    },
    {
      "a key set cached for minus one second",
      "invalid: TLSError/SecretNotValid, JWTVerificationError/RemoteJWKSCacheDurationInvalid",
      "  virtualhost: {fqdn: FQDN, tls: {secretName: nowhere}, jwtProviders: [{name: p, remoteJWKS: {uri: \"https://k.test/\", cacheDuration: \"-1s\"}}]}\n  routes: [{services: [{name: kuard, port: 80}]}]\n"
    },
    {
      "a TCP proxy that includes its own proxy",
      "invalid: TCPProxyIncludeError/RootIncludesRoot",
      "  virtualhost: {fqdn: FQDN, tls: {passthrough: true}}\n  tcpproxy: {include: {name: NAME}}\n"
    },
    {
      "a TCP proxy with services and an include of nothing",
      "invalid: TCPProxyError/NoServicesAndInclude",
      "  virtualhost: {fqdn: FQDN, tls: {passthrough: true}}\n  tcpproxy: {services: [{name: kuard, port: 80}], includes: {name: \"\"}}\n"
    },
    {
      "every error at once, each reported",
      "invalid: VirtualHostError/FQDNInvalid, ServiceError/ServiceUnresolvedReference, ServiceError/ServicePortInvalid, RouteError/NoServicesPresent",
      "  virtualhost: {fqdn: \"bad_host\"}\n  routes: [{services: [{name: nowhere, port: 80}]}, {conditions: [{prefix: /b}], services: [{name: kuard, port: 0}]}, {conditions: [{prefix: /c}]}]\n"
    }
  };
}
