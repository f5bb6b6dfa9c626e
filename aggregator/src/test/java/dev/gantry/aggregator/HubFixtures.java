package dev.gantry.aggregator;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.RemoteClusterSpec;
import dev.gantry.api.crd.RemoteClusterStatus;
import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedEndpoint;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hub objects as the discoverer (mirrors) and the hub's own controllers write them, and the parts
 * of expected snapshots; for the table-driven merge tests and, created for real, the integration
 * tests. Names are {@code namespace/name}.
 */
public final class HubFixtures {
  public static final ServicePortSpec HTTP = new ServicePortSpec("http", 80, "TCP", "http");
  public static final Map<String, Integer> HTTP_8080 = Map.of("http", 8080);

  private HubFixtures() {}

  // ---- inputs ----

  /** The mirror of {@code ns/svc} from {@code cluster}: {@code ns/<cluster>-svc}, no ports yet. */
  public static ServiceFixture mirror(String cluster, String source) {
    ServiceName name = ServiceName.of(ns(source), cluster + "-" + name(source));
    return new ServiceFixture(name)
        .label(Labels.CLUSTER, cluster)
        .label(Labels.SERVICE, name(source))
        .label(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
  }

  /** The hub's own Service {@code ns/name}, no ports yet. */
  public static ServiceFixture hubService(String name) {
    return new ServiceFixture(ServiceName.of(ns(name), name(name)));
  }

  /** A slice of the mirror of {@code source} from {@code cluster}, with port http/8080. */
  public static SliceFixture mirrorSlice(String cluster, String source, String suffix) {
    String service = cluster + "-" + name(source);
    return new SliceFixture(ns(source), service + "-" + suffix, service)
        .label(Labels.CLUSTER, cluster)
        .label(Labels.SERVICE, name(source))
        .port("http", 8080);
  }

  /** A slice of the hub's own Service {@code name}, with port http/8080. */
  public static SliceFixture hubSlice(String name, String suffix) {
    return new SliceFixture(ns(name), name(name) + "-" + suffix, name(name)).port("http", 8080);
  }

  public static RemoteClusterFixture remoteCluster(String name) {
    return new RemoteClusterFixture(name);
  }

  public static final class ServiceFixture {
    private final ServiceBuilder builder;

    private ServiceFixture(ServiceName name) {
      builder =
          new ServiceBuilder()
              .withMetadata(
                  new ObjectMetaBuilder()
                      .withNamespace(name.namespace())
                      .withName(name.name())
                      .build())
              .withNewSpec()
              .withClusterIP("None")
              .endSpec();
    }

    public ServiceFixture label(String key, String value) {
      builder.editMetadata().addToLabels(key, value).endMetadata();
      return this;
    }

    public ServiceFixture annotation(String key, String value) {
      builder.editMetadata().addToAnnotations(key, value).endMetadata();
      return this;
    }

    /** A Service with a cluster IP, not headless. */
    public ServiceFixture clusterIp(String ip) {
      builder.editSpec().withClusterIP(ip).endSpec();
      return this;
    }

    public ServiceFixture withoutLabel(String key) {
      builder.editMetadata().removeFromLabels(key).endMetadata();
      return this;
    }

    /** Port {@code name}/{@code port}, TCP, appProtocol http. */
    public ServiceFixture port(String name, Integer port) {
      return port(name, port, "TCP", "http");
    }

    public ServiceFixture port(String name, Integer port, String protocol, String appProtocol) {
      builder
          .editSpec()
          .addNewPort()
          .withName(name)
          .withPort(port)
          .withProtocol(protocol)
          .withAppProtocol(appProtocol)
          .endPort()
          .endSpec();
      return this;
    }

    public Service build() {
      return builder.build();
    }
  }

  public static final class SliceFixture {
    private final EndpointSliceBuilder builder;

    private SliceFixture(String ns, String name, String service) {
      builder =
          new EndpointSliceBuilder()
              .withMetadata(
                  new ObjectMetaBuilder()
                      .withNamespace(ns)
                      .withName(name)
                      .addToLabels(Labels.SERVICE_NAME, service)
                      .build())
              .withAddressType("IPv4");
    }

    public SliceFixture label(String key, String value) {
      builder.editMetadata().addToLabels(key, value).endMetadata();
      return this;
    }

    public SliceFixture withoutLabel(String key) {
      builder.editMetadata().removeFromLabels(key).endMetadata();
      return this;
    }

    public SliceFixture addressType(String type) {
      builder.withAddressType(type);
      return this;
    }

    public SliceFixture noPorts() {
      builder.withPorts();
      return this;
    }

    public SliceFixture port(String name, Integer port) {
      builder.addNewPort().withName(name).withPort(port).withProtocol("TCP").endPort();
      return this;
    }

    /** One endpoint per address, ready, in zone-a. */
    public SliceFixture ready(String... addresses) {
      return endpoint(Boolean.TRUE, addresses);
    }

    public SliceFixture notReady(String... addresses) {
      return endpoint(Boolean.FALSE, addresses);
    }

    /** An endpoint with several addresses and the given ready condition (null: unset). */
    public SliceFixture endpoint(Boolean ready, String... addresses) {
      return endpoint(ready, null, null, Arrays.asList(addresses));
    }

    /** An endpoint with the given conditions (null: unset). */
    public SliceFixture endpoint(
        Boolean ready, Boolean serving, Boolean terminating, String address) {
      return endpoint(ready, serving, terminating, List.of(address));
    }

    /** One endpoint per address as a terminating pod that still answers has it. */
    public SliceFixture servingTerminating(String... addresses) {
      for (String address : addresses) {
        endpoint(Boolean.FALSE, Boolean.TRUE, Boolean.TRUE, address);
      }
      return this;
    }

    private SliceFixture endpoint(
        Boolean ready, Boolean serving, Boolean terminating, List<String> addresses) {
      builder.addToEndpoints(
          new EndpointBuilder()
              .withAddresses(addresses)
              .withNewConditions()
              .withReady(ready)
              .withServing(serving)
              .withTerminating(terminating)
              .endConditions()
              .withZone("zone-a")
              .build());
      return this;
    }

    /** An endpoint with no conditions at all (nil means ready in Kubernetes). */
    public SliceFixture withoutConditions(String address) {
      builder.addToEndpoints(
          new EndpointBuilder().withAddresses(address).withZone("zone-a").build());
      return this;
    }

    public EndpointSlice build() {
      return builder.build();
    }
  }

  public static final class RemoteClusterFixture {
    private final RemoteCluster cluster = new RemoteCluster();

    private RemoteClusterFixture(String name) {
      cluster.setMetadata(new ObjectMetaBuilder().withName(name).build());
      cluster.setSpec(new RemoteClusterSpec());
      cluster.setStatus(new RemoteClusterStatus());
    }

    public RemoteClusterFixture priority(Integer priority) {
      cluster.getSpec().setPriority(priority);
      return this;
    }

    public RemoteClusterFixture weight(Integer weight) {
      cluster.getSpec().setWeight(weight);
      return this;
    }

    public RemoteClusterFixture staleSince(Instant since) {
      return staleSince(since.toString());
    }

    public RemoteClusterFixture staleSince(String since) {
      cluster.getStatus().setStaleSince(since);
      return this;
    }

    public RemoteCluster build() {
      return cluster;
    }
  }

  // ---- expectations ----

  public static FederatedEndpoint ready(String address) {
    return new FederatedEndpoint(address, HTTP_8080, FederatedEndpoint.State.READY, "zone-a");
  }

  public static FederatedEndpoint notReady(String address) {
    return new FederatedEndpoint(address, HTTP_8080, FederatedEndpoint.State.NOT_READY, "zone-a");
  }

  public static FederatedEndpoint servingTerminating(String address) {
    return new FederatedEndpoint(
        address, HTTP_8080, FederatedEndpoint.State.SERVING_TERMINATING, "zone-a");
  }

  /** A locality with priority 0, the default weight, not stale. */
  public static ClusterEndpoints locality(String cluster, FederatedEndpoint... endpoints) {
    return locality(cluster, 0, ClusterEndpoints.DEFAULT_WEIGHT, false, endpoints);
  }

  public static ClusterEndpoints locality(
      String cluster, int priority, int weight, boolean stale, FederatedEndpoint... endpoints) {
    return new ClusterEndpoints(cluster, priority, weight, stale, List.of(endpoints));
  }

  public static FederatedService service(
      String name, List<ServicePortSpec> ports, ClusterEndpoints... clusters) {
    return service(name, ports, List.of(), clusters);
  }

  public static FederatedService service(
      String name,
      List<ServicePortSpec> ports,
      List<String> problems,
      ClusterEndpoints... clusters) {
    Map<String, ClusterEndpoints> byCluster = new LinkedHashMap<>();
    for (ClusterEndpoints c : clusters) {
      byCluster.put(c.cluster(), c);
    }
    return new FederatedService(ServiceName.of(ns(name), name(name)), ports, byCluster, problems);
  }

  public static FederationSnapshot snapshot(
      List<FederatedService> federated, List<FederatedService> hubServices) {
    Map<ServiceName, FederatedService> f = new LinkedHashMap<>();
    federated.forEach(s -> f.put(s.name(), s));
    Map<ServiceName, FederatedService> h = new LinkedHashMap<>();
    hubServices.forEach(s -> h.put(s.name(), s));
    return new FederationSnapshot(f, h);
  }

  private static String ns(String nsSlashName) {
    return nsSlashName.substring(0, nsSlashName.indexOf('/'));
  }

  private static String name(String nsSlashName) {
    return nsSlashName.substring(nsSlashName.indexOf('/') + 1);
  }
}
