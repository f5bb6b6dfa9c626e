package dev.gantry.aggregator.merge;

import dev.gantry.api.Labels;
import dev.gantry.api.MirrorNames;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedEndpoint;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Merges the hub's Services, EndpointSlices and RemoteClusters into a {@link FederationSnapshot}:
 * every mirror {@code ns/<cluster>-svc} and the hub's own {@code ns/svc} become one federated
 * {@code ns/svc} with a locality per cluster. A pure function: bad data is skipped and named in the
 * affected service's {@code problems}, never thrown, so one broken object cannot stop routing.
 */
public final class FederationMerger {
  /** The apiserver's own Service: present in every hub, never a federated destination. */
  static final ServiceName KUBERNETES = ServiceName.of("default", "kubernetes");

  private static final Comparator<HasMetadata> BY_NAME =
      Comparator.comparing((HasMetadata o) -> o.getMetadata().getName());

  private FederationMerger() {}

  /** What one hub Service adds: its own entry, and its cluster's part of a federated service. */
  record Contribution(
      ServiceName hubName,
      ServiceName federatedName,
      boolean federates,
      List<ServicePortSpec> ports,
      ClusterEndpoints endpoints,
      List<String> problems) {
    String cluster() {
      return endpoints.cluster();
    }
  }

  /**
   * The snapshot of the hub's objects at {@code now}. A cluster stale for longer than {@code
   * staleTtl} contributes no endpoints; {@code staleTtl} null keeps stale endpoints forever.
   */
  public static FederationSnapshot merge(
      Collection<Service> services,
      Collection<EndpointSlice> slices,
      Collection<RemoteCluster> remoteClusters,
      Instant now,
      Duration staleTtl) {
    Map<ServiceName, Service> byName = new HashMap<>();
    for (Service service : services) {
      if (named(service) && service.getMetadata().getNamespace() != null) {
        byName.put(nameOf(service), service);
      }
    }
    Map<ServiceName, List<EndpointSlice>> slicesByService = slicesByService(slices);
    return new FederationState()
        .update(
            byName.keySet(),
            byName::get,
            name -> slicesByService.getOrDefault(name, List.of()),
            remoteClusters,
            now,
            staleTtl)
        .snapshot();
  }

  /**
   * When a stale cluster next outlives {@code staleTtl}, or null if none will: the snapshot changes
   * then although no object does, so the caller must rebuild at that time.
   */
  public static Instant nextStaleExpiry(
      Collection<RemoteCluster> remoteClusters, Instant now, Duration staleTtl) {
    return ClusterPolicy.nextExpiry(remoteClusters, now, staleTtl);
  }

  static Map<ServiceName, List<EndpointSlice>> slicesByService(Collection<EndpointSlice> slices) {
    Map<ServiceName, List<EndpointSlice>> byService = new HashMap<>();
    for (EndpointSlice slice : slices) {
      // A slice without the label belongs to no Service (Kubernetes ignores it too).
      String service = named(slice) ? labels(slice).get(Labels.SERVICE_NAME) : null;
      if (service != null && slice.getMetadata().getNamespace() != null) {
        byService
            .computeIfAbsent(
                ServiceName.of(slice.getMetadata().getNamespace(), service), k -> new ArrayList<>())
            .add(slice);
      }
    }
    byService.values().forEach(list -> list.sort(BY_NAME));
    return byService;
  }

  /** The cluster a hub Service stands for: its cluster label, or the hub's own. */
  static String clusterOf(Service service) {
    String label = labels(service).get(Labels.CLUSTER);
    return label == null ? FederationSnapshot.LOCAL_CLUSTER : label;
  }

  /** The hub's cluster DNS domain when none is configured, Kubernetes' default. */
  public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";

  static Contribution contribution(
      Service service, List<EndpointSlice> slices, ClusterPolicy policy) {
    return contribution(service, slices, policy, DEFAULT_CLUSTER_DOMAIN);
  }

  static Contribution contribution(
      Service service, List<EndpointSlice> slices, ClusterPolicy policy, String clusterDomain) {
    ServiceName hubName = nameOf(service);
    String subject = "service " + hubName;
    List<String> problems = new ArrayList<>();
    String clusterLabel = labels(service).get(Labels.CLUSTER);
    ServiceName federatedName = null;
    boolean federates;
    if (clusterLabel == null) {
      federates = !KUBERNETES.equals(hubName);
      federatedName = federates ? hubName : null;
    } else {
      String source = labels(service).get(Labels.SERVICE);
      if (source == null || source.isEmpty()) {
        problems.add(subject + ": label " + Labels.SERVICE + " is missing; not federated");
      } else {
        federatedName = ServiceName.of(hubName.namespace(), source);
      }
      String clusterProblem = MirrorNames.clusterNameProblem(clusterLabel);
      if (FederationSnapshot.LOCAL_CLUSTER.equals(clusterLabel)) {
        // Taking it would mix a remote's endpoints into the locality of the hub's own.
        problems.add(
            "%s: remote cluster '%s' is named like the hub's own cluster; not federated"
                .formatted(subject, clusterLabel));
      } else if (clusterProblem != null) {
        problems.add(subject + ": " + clusterProblem + "; not federated");
      }
      federates = federatedName != null && problems.isEmpty();
    }

    List<ServicePortSpec> ports = PortSpecs.of(service, subject, problems);
    List<EndpointSlice> own = new ArrayList<>();
    for (EndpointSlice slice : slices) {
      String sliceCluster = labels(slice).get(Labels.CLUSTER);
      if (Objects.equals(sliceCluster, clusterLabel)) {
        own.add(slice);
      } else {
        // Someone else's slice pointing at a mirror (or a mirror slice at a hub Service).
        problems.add(
            "slice %s/%s: %s is %s but its Service %s has %s; skipped"
                .formatted(
                    slice.getMetadata().getNamespace(),
                    slice.getMetadata().getName(),
                    Labels.CLUSTER,
                    quotedOrNone(sliceCluster),
                    hubName,
                    quotedOrNone(clusterLabel)));
      }
    }
    String externalName = externalName(service, subject, problems);
    List<FederatedEndpoint> endpoints = SliceEndpoints.of(own, problems);
    if (externalName != null && !endpoints.isEmpty()) {
      // Kubernetes gives an ExternalName Service no endpoints; slices someone wrote are not used.
      problems.add(subject + ": is an ExternalName Service; its EndpointSlices are ignored");
      endpoints = List.of();
    }
    String dnsName = dnsName(service, hubName, externalName, clusterDomain, subject, problems);
    problems.addAll(policy.problems());
    // An ExternalName is a name the cluster gave, not endpoints it keeps up: Envoy's DNS decides
    // where it leads, so the stale-endpoint TTL does not take it away.
    ClusterEndpoints clusterEndpoints =
        new ClusterEndpoints(
            policy.cluster(),
            policy.priority(),
            policy.weight(),
            policy.stale(),
            policy.expired() ? List.of() : endpoints,
            externalName,
            dnsName);
    return new Contribution(hubName, federatedName, federates, ports, clusterEndpoints, problems);
  }

  static FederatedService federate(ServiceName name, List<Contribution> contributions) {
    List<String> problems = new ArrayList<>();
    Map<String, Contribution> byCluster = new TreeMap<>();
    for (Contribution c : contributions) {
      problems.addAll(c.problems());
      if (!c.federates()) {
        continue;
      }
      Contribution other = byCluster.get(c.cluster());
      if (other == null) {
        byCluster.put(c.cluster(), c);
        continue;
      }
      // Only hand-made objects collide; the discoverer's own mirror name wins.
      String expected = MirrorNames.mirrorServiceName(c.cluster(), name.name());
      Contribution chosen = c.hubName().name().equals(expected) ? c : other;
      byCluster.put(c.cluster(), chosen);
      problems.add(
          "cluster %s: both %s and %s mirror %s; using %s"
              .formatted(c.cluster(), other.hubName(), c.hubName(), name, chosen.hubName()));
    }
    if (byCluster.isEmpty()) {
      return null;
    }
    String reference =
        byCluster.containsKey(FederationSnapshot.LOCAL_CLUSTER)
            ? FederationSnapshot.LOCAL_CLUSTER
            : byCluster.keySet().iterator().next();
    List<ServicePortSpec> ports = byCluster.get(reference).ports();
    Map<String, ClusterEndpoints> clusters = new TreeMap<>();
    List<String> dns = new ArrayList<>();
    List<String> eds = new ArrayList<>();
    for (Contribution c : byCluster.values()) {
      clusters.put(c.cluster(), c.endpoints());
      if (!c.endpoints().external()) {
        (c.endpoints().dnsName() == null ? eds : dns).add(c.cluster());
      }
      if (!PortSpecs.sameShape(ports, c.ports())) {
        problems.add(
            "cluster %s: ports differ from %s: %s has %s, %s has %s"
                .formatted(
                    c.cluster(),
                    reference,
                    c.cluster(),
                    PortSpecs.describe(c.ports()),
                    reference,
                    PortSpecs.describe(ports)));
      }
    }
    if (!dns.isEmpty() && !eds.isEmpty()) {
      // One Envoy cluster is resolved by DNS or fed endpoints, not both.
      problems.add(
          "cluster(s) %s ask for DNS resolution (%s) but %s do not: every cluster's endpoints are"
                  .formatted(
                      String.join(", ", dns), Labels.UPSTREAM_DISCOVERY, String.join(", ", eds))
              + " given to Envoy by EDS; a route to one cluster's mirror follows its own");
    }
    return new FederatedService(name, ports, clusters, sortedDistinct(problems));
  }

  /**
   * The name the hub's cluster DNS serves for {@code service} when its annotation {@link
   * Labels#UPSTREAM_DISCOVERY} asks for DNS, {@code <name>.<namespace>.svc.<clusterDomain>}; null
   * otherwise, with a problem when it asks for what cannot be: another value, an ExternalName
   * Service (resolved by its own name already), a Service that is not headless (the hub's DNS would
   * answer with its cluster IP, which only kube-proxy serves, not with its endpoints).
   */
  static String dnsName(
      Service service,
      ServiceName hubName,
      String externalName,
      String clusterDomain,
      String subject,
      List<String> problems) {
    Map<String, String> annotations = service.getMetadata().getAnnotations();
    String asked = annotations == null ? null : annotations.get(Labels.UPSTREAM_DISCOVERY);
    if (asked == null) {
      return null;
    }
    String fallback = "; its endpoints are given to Envoy by EDS";
    if (!Labels.UPSTREAM_DISCOVERY_DNS.equals(asked)) {
      problems.add(
          "%s: annotation %s is \"%s\", not \"%s\"%s"
              .formatted(
                  subject,
                  Labels.UPSTREAM_DISCOVERY,
                  asked,
                  Labels.UPSTREAM_DISCOVERY_DNS,
                  fallback));
      return null;
    }
    if (externalName != null) {
      problems.add(
          subject
              + ": is an ExternalName Service, resolved by its own name; annotation "
              + Labels.UPSTREAM_DISCOVERY
              + " ignored");
      return null;
    }
    String clusterIp = service.getSpec() == null ? null : service.getSpec().getClusterIP();
    if (!"None".equals(clusterIp)) {
      problems.add(
          subject
              + ": asks for DNS resolution ("
              + Labels.UPSTREAM_DISCOVERY
              + ") but is not"
              + " headless: the hub's DNS answers with its cluster IP, not its endpoints"
              + fallback);
      return null;
    }
    return hubName.name() + "." + hubName.namespace() + ".svc." + clusterDomain;
  }

  /**
   * The DNS name of an ExternalName Service, as written (the routing side judges it), or null for
   * other types and, with a problem, for an ExternalName Service without a name.
   */
  static String externalName(Service service, String subject, List<String> problems) {
    if (service.getSpec() == null || !"ExternalName".equals(service.getSpec().getType())) {
      return null;
    }
    String name = service.getSpec().getExternalName();
    if (name == null || name.isBlank()) {
      problems.add(subject + ": is an ExternalName Service without externalName; no endpoints");
      return null;
    }
    return name;
  }

  static boolean named(HasMetadata o) {
    return o != null && o.getMetadata() != null && o.getMetadata().getName() != null;
  }

  static ServiceName nameOf(HasMetadata o) {
    return ServiceName.of(o.getMetadata().getNamespace(), o.getMetadata().getName());
  }

  static Map<String, String> labels(HasMetadata o) {
    Map<String, String> labels = o.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  private static String quotedOrNone(String value) {
    return value == null ? "none" : "'" + value + "'";
  }

  static List<String> sortedDistinct(List<String> problems) {
    return problems.stream().distinct().sorted().toList();
  }
}
