package dev.gantry.xds.compile;

import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import dev.gantry.xds.ir.IpLiterals;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Upstream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/**
 * Whether a route may reach an ExternalName Service, and how: as Contour's {@code
 * enableExternalNameService}, off by default because it lets anyone who may write a Service in a
 * namespace send the gateway's traffic to any DNS name. When on, the service becomes a DNS cluster
 * of Envoy's ({@link Upstream#dns()}); names that lead to the gateway itself are refused, as in
 * Contour. A federated service is either wholly ExternalName (each cluster's name a locality of the
 * one DNS cluster) or wholly endpoints: with the flag one that mixes the two is refused, since
 * Envoy's cluster is either resolved by DNS or fed endpoints, never both; without it, the clusters
 * with endpoints serve and the ExternalName ones add none (as a name the flag does not let
 * through).
 */
public enum ExternalNames {
  /** The hub's default: a route to an ExternalName Service is an error. */
  DISABLED,
  /** {@code --enable-external-name-service}: ExternalName Services are DNS clusters. */
  ENABLED,
  /**
   * Never, whatever the flag: an ExtensionService's service, which Contour sends to by EDS only (an
   * ExternalName Service has no endpoints there).
   */
  UNSUPPORTED;

  /**
   * Contour's list of names that are the gateway's own host; compared without case or final dot.
   */
  private static final Set<String> LOCALHOST =
      Set.of("localhost", "localhost.localdomain", "local.projectcontour.io");

  /** The policy of the hub flag. */
  public static ExternalNames of(boolean enabled) {
    return enabled ? ENABLED : DISABLED;
  }

  /**
   * The DNS targets of {@code target} (one per cluster, empty when it is not an ExternalName
   * Service), or null with an error ({@code ServiceError}, Contour's {@code
   * ServiceUnresolvedReference}) when this policy does not let a route reach it.
   */
  List<Upstream.DnsTarget> targets(
      ServiceName name,
      FederatedService target,
      ServicePortSpec port,
      String where,
      List<ProxyVerdict.Error> errors) {
    TreeMap<String, String> external = new TreeMap<>();
    List<String> endpoints = new ArrayList<>();
    int hubDns = 0;
    for (ClusterEndpoints c : target.clusters().values()) {
      if (c.external()) {
        external.put(c.cluster(), c.externalName());
      } else {
        endpoints.add(c.cluster());
        hubDns += c.dnsName() == null ? 0 : 1;
      }
    }
    if (external.isEmpty()) {
      // Headless Services that ask for the hub's DNS: resolved so only when every cluster's does
      // (one Envoy cluster is resolved by DNS or fed endpoints, not both), never for an
      // ExtensionService (Contour's are EDS only); otherwise their endpoints go by EDS as others'.
      return this == UNSUPPORTED || hubDns == 0 || hubDns < endpoints.size()
          ? List.of()
          : hubDnsTargets(target, port);
    }
    if (this != ENABLED && !endpoints.isEmpty()) {
      // Without the flag a cluster's ExternalName Service adds no endpoints to a federated service
      // that has some elsewhere, as before there were DNS clusters: those still serve.
      return List.of();
    }
    String problem = null;
    if (this == DISABLED) {
      problem =
          "is an ExternalName service, these are not currently enabled. See the hub's"
              + " --enable-external-name-service flag (Contour's"
              + " config.enableExternalNameService)";
    } else if (this == UNSUPPORTED) {
      problem = "is an ExternalName service, which an ExtensionService cannot use";
    } else if (!endpoints.isEmpty()) {
      problem =
          "is an ExternalName service in cluster(s) "
              + String.join(", ", external.keySet())
              + " but has endpoints in "
              + String.join(", ", endpoints)
              + "; Envoy resolves a cluster by DNS or is given its endpoints, not both: route to"
              + " one cluster's mirror (<cluster>-"
              + name.name()
              + ") instead";
    } else {
      for (String host : external.values()) {
        if (localhost(host)) {
          problem = "is an ExternalName service that points to localhost, this is not allowed";
          break;
        }
        if (!dnsName(host) && !IpLiterals.ipLiteral(host)) {
          // The apiserver lets no such name into a Service; one that got here anyway (a mirror
          // written by hand) would be an address Envoy rejects, or a name no resolver answers.
          problem =
              "is an ExternalName service whose name is not a DNS name (letters, digits and"
                  + " hyphens in labels of 1 to 63 characters, at most 253 in all)";
          break;
        }
      }
    }
    if (problem != null) {
      errors.add(
          new ProxyVerdict.Error(
              ProxyVerdict.SERVICE_ERROR,
              "ServiceUnresolvedReference",
              where + ": unresolved service reference: " + name + " " + problem));
      return null;
    }
    List<Upstream.DnsTarget> targets = new ArrayList<>();
    for (ClusterEndpoints c : target.clusters().values()) {
      targets.add(new Upstream.DnsTarget(c.cluster(), c.priority(), c.weight(), c.externalName()));
    }
    return targets;
  }

  /**
   * Each cluster's name in the hub's DNS, dialled at its endpoints' port for {@code port} (the
   * first endpoint's: DNS gives no port), else at the service port. Not a TLS server name.
   */
  private static List<Upstream.DnsTarget> hubDnsTargets(
      FederatedService target, ServicePortSpec port) {
    List<Upstream.DnsTarget> targets = new ArrayList<>();
    for (ClusterEndpoints c : target.clusters().values()) {
      Integer dialled =
          c.endpoints().stream()
              .map(e -> e.ports().get(port.name() == null ? "" : port.name()))
              .filter(p -> p != null && p >= 1 && p <= 65535)
              .findFirst()
              .orElse(null);
      targets.add(
          new Upstream.DnsTarget(
              c.cluster(), c.priority(), c.weight(), c.dnsName(), dialled, false));
    }
    return targets;
  }

  /** Whether {@code host} is a DNS host name (RFC 1123), any case, with or without a final dot. */
  static boolean dnsName(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (h.isEmpty() || h.length() > 253) {
      return false;
    }
    for (String label : h.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        boolean ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Whether {@code host} names the gateway's own host: Contour's names, any name under {@code
   * localhost.} (RFC 6761), and loopback or unspecified address literals, which Contour lets
   * through and which would reach Envoy's admin interface or other local ports. A name of digits
   * and dots that is not four plain octets ({@code 127.1}, {@code 2130706433}) is an address to
   * some resolvers and no host name to any: refused too.
   */
  static boolean localhost(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (LOCALHOST.contains(h) || h.endsWith(".localhost")) {
      return true;
    }
    if (!h.isEmpty() && h.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
      return !IpLiterals.ipv4(h) || h.startsWith("127.") || h.equals("0.0.0.0");
    }
    String v6 = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    if (v6.indexOf(':') >= 0 && IpLiterals.ipLiteral(v6)) {
      try {
        // A literal: parsed, never looked up.
        InetAddress a = InetAddress.getByName(v6);
        return a.isLoopbackAddress() || a.isAnyLocalAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }
}
