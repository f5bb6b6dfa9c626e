package dev.gantry.xds.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Message;
import dev.gantry.api.crd.contour.HTTPProxyStatus;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * What {@link FeatureHarness#build} produced: Envoy's resources by type and name (names normalised
 * as the harness says), the status of each HTTPProxy of our class by {@code namespace/name}, and
 * the lines logged about Ingresses. The {@code assert} methods compare one type whole: every
 * resource of it, every field.
 */
public record FeatureResult(
    Map<String, Listener> listeners,
    Map<String, RouteConfiguration> routes,
    Map<String, Cluster> clusters,
    Map<String, ClusterLoadAssignment> endpoints,
    Map<String, Secret> secrets,
    Map<String, HTTPProxyStatus> statuses,
    List<String> ingressWarnings) {
  public FeatureResult {
    listeners = Map.copyOf(listeners);
    routes = Map.copyOf(routes);
    clusters = Map.copyOf(clusters);
    endpoints = Map.copyOf(endpoints);
    secrets = Map.copyOf(secrets);
    statuses = Map.copyOf(statuses);
    ingressWarnings = List.copyOf(ingressWarnings);
  }

  /** Every listener, as a YAML list. */
  public void assertListeners(String yaml) {
    compare("listeners", yaml, Listener::newBuilder, Listener::getName, listeners);
  }

  /** Every route configuration, as a YAML list. */
  public void assertRoutes(String yaml) {
    compare("routes", yaml, RouteConfiguration::newBuilder, RouteConfiguration::getName, routes);
  }

  /** Every cluster, as a YAML list. */
  public void assertClusters(String yaml) {
    compare("clusters", yaml, Cluster::newBuilder, Cluster::getName, clusters);
  }

  /** Every ClusterLoadAssignment, as a YAML list. */
  public void assertEndpoints(String yaml) {
    compare(
        "endpoints",
        yaml,
        ClusterLoadAssignment::newBuilder,
        ClusterLoadAssignment::getClusterName,
        endpoints);
  }

  /** Every SDS secret, as a YAML list. */
  public void assertSecrets(String yaml) {
    compare("secrets", yaml, Secret::newBuilder, Secret::getName, secrets);
  }

  /** Every HTTPProxy status, as a YAML map by {@code namespace/name}. */
  public void assertStatuses(String yaml) {
    Map<String, HTTPProxyStatus> expected;
    try {
      expected =
          ProtoYaml.YAML.readValue(yaml, new TypeReference<TreeMap<String, HTTPProxyStatus>>() {});
    } catch (JacksonException e) {
      throw new IllegalArgumentException("cannot read the expected statuses: " + e.getMessage());
    }
    assertEquals(
        ProtoYaml.write(expected), ProtoYaml.write(new TreeMap<>(statuses)), "HTTPProxy statuses");
  }

  /** Every line logged about Ingresses, in order. */
  public void assertIngressWarnings(String... expected) {
    assertEquals(
        String.join("\n", expected), String.join("\n", ingressWarnings), "Ingress warnings");
  }

  /**
   * Compares the YAML of both sides, each sorted by name: a difference shows as a text diff, and
   * text equal after a round trip through the same proto printer means messages equal.
   */
  private static <T extends Message> void compare(
      String what,
      String yaml,
      Supplier<Message.Builder> builder,
      Function<T, String> name,
      Map<String, T> actual) {
    List<T> expected = ProtoYaml.parseList(yaml, builder);
    expected = expected.stream().sorted(Comparator.comparing(name)).toList();
    List<String> names = expected.stream().map(name).toList();
    if (names.stream().distinct().count() != names.size()) {
      throw new IllegalArgumentException("expected " + what + " name one resource twice: " + names);
    }
    List<T> got = actual.values().stream().sorted(Comparator.comparing(name)).toList();
    assertEquals(ProtoYaml.yaml(expected), ProtoYaml.yaml(got), what);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    Map<String, Map<String, ? extends Message>> byType = new TreeMap<>();
    byType.put("clusters", clusters);
    byType.put("endpoints", endpoints);
    byType.put("listeners", listeners);
    byType.put("routes", routes);
    byType.put("secrets", secrets);
    byType.forEach(
        (type, resources) ->
            out.append(type)
                .append(":\n")
                .append(ProtoYaml.yaml(List.copyOf(new TreeMap<>(resources).values()))));
    out.append("statuses:\n").append(ProtoYaml.write(new TreeMap<>(statuses)));
    out.append("ingressWarnings: ").append(Arrays.toString(ingressWarnings.toArray()));
    return out.toString();
  }
}
