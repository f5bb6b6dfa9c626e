package dev.gantry.xds;

import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.xds.compile.gateway.GatewayApiObjects;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The upstream Gateway API conformance suite's objects ({@code sigs.k8s.io/gateway-api/conformance}
 * v1.7.0: {@code base/manifests.yaml} and each test's YAML), read the way the apiserver would hand
 * them over: {@code {GATEWAY_CLASS_NAME}} is our class {@code gantry}, each object gets generation
 * 1 and a creation time in the order it was applied. The suite's Services are federated services of
 * one cluster each (its Deployments become echo backends, or data-only endpoints where no request
 * is sent).
 */
public final class GatewayApiManifests {
  public static final String INFRA = "gateway-conformance-infra";
  public static final String APP = "gateway-conformance-app-backend";
  public static final String WEB = "gateway-conformance-web-backend";

  /** The suite's Services that the ported tests route to, each of port 8080. */
  public static final List<String> SERVICES =
      List.of(
          INFRA + "/infra-backend-v1",
          INFRA + "/infra-backend-v2",
          INFRA + "/infra-backend-v3",
          APP + "/app-backend-v1",
          APP + "/app-backend-v2",
          WEB + "/web-backend");

  /** The namespaces' labels, as {@code base/manifests.yaml} sets them. */
  public static final Map<String, Map<String, String>> NAMESPACE_LABELS =
      Map.of(
          INFRA, Map.of("gateway-conformance", "infra"),
          APP, Map.of("gateway-conformance", "backend"),
          WEB, Map.of("gateway-conformance", "backend"));

  /** The Gateways of {@code base/manifests.yaml}, by name (all in the infra namespace). */
  public static final Map<String, String> BASE_GATEWAYS =
      Map.of(
          "same-namespace",
          """
          apiVersion: gateway.networking.k8s.io/v1
          kind: Gateway
          metadata:
            name: same-namespace
            namespace: gateway-conformance-infra
          spec:
            gatewayClassName: "{GATEWAY_CLASS_NAME}"
            listeners:
              - name: http
                port: 80
                protocol: HTTP
                allowedRoutes:
                  namespaces:
                    from: Same
          """,
          "all-namespaces",
          """
          apiVersion: gateway.networking.k8s.io/v1
          kind: Gateway
          metadata:
            name: all-namespaces
            namespace: gateway-conformance-infra
          spec:
            gatewayClassName: "{GATEWAY_CLASS_NAME}"
            listeners:
              - name: http
                port: 80
                protocol: HTTP
                allowedRoutes:
                  namespaces:
                    from: All
          """,
          "backend-namespaces",
          """
          apiVersion: gateway.networking.k8s.io/v1
          kind: Gateway
          metadata:
            name: backend-namespaces
            namespace: gateway-conformance-infra
          spec:
            gatewayClassName: "{GATEWAY_CLASS_NAME}"
            listeners:
              - name: http
                port: 80
                protocol: HTTP
                allowedRoutes:
                  namespaces:
                    from: Selector
                    selector:
                      matchLabels:
                        gateway-conformance: backend
          """);

  private static final KubernetesSerialization KUBE = new KubernetesSerialization();
  private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private GatewayApiManifests() {}

  /** The objects of some manifests, in the order applied, and the Secrets among them. */
  public record Applied(GatewayApiObjects objects, Map<String, Secret> secrets) {
    public Applied {
      secrets = Map.copyOf(secrets);
    }

    /** The same objects with {@code change} applied to the Gateway {@code key}, generation 2. */
    public Applied withGateway(String key, java.util.function.Consumer<Gateway> change) {
      List<Gateway> gateways = new ArrayList<>();
      for (Gateway g : objects.gateways()) {
        if (GatewayApiManifests.key(g).equals(key)) {
          Gateway copy = KUBE.unmarshal(KUBE.asYaml(g), Gateway.class);
          change.accept(copy);
          copy.getMetadata().setGeneration(g.getMetadata().getGeneration() + 1);
          gateways.add(copy);
        } else {
          gateways.add(g);
        }
      }
      return new Applied(
          new GatewayApiObjects(
              objects.gatewayClasses(),
              gateways,
              objects.httpRoutes(),
              objects.grpcRoutes(),
              objects.referenceGrants(),
              objects.namespaceLabels(),
              objects.tlsRoutes()),
          secrets);
    }
  }

  /**
   * Our GatewayClass, the base Gateways named (in that order), then each YAML text of one or more
   * documents, applied in order.
   */
  public static Applied apply(List<String> baseGateways, String... yamls) {
    List<String> all = new ArrayList<>();
    all.add(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: gantry
        spec:
          controllerName: gantry.dev/gateway-controller
        """);
    for (String name : baseGateways) {
      all.add(BASE_GATEWAYS.get(name));
    }
    all.addAll(List.of(yamls));
    List<GatewayClass> classes = new ArrayList<>();
    List<Gateway> gateways = new ArrayList<>();
    List<HTTPRoute> routes = new ArrayList<>();
    List<GRPCRoute> grpcRoutes = new ArrayList<>();
    List<ReferenceGrant> grants = new ArrayList<>();
    Map<String, Secret> secrets = new TreeMap<>();
    int applied = 0;
    for (String yaml : all) {
      for (String doc : yaml.replace("{GATEWAY_CLASS_NAME}", "gantry").split("(?m)^---\\s*$")) {
        if (doc.isBlank()) {
          continue;
        }
        String kind = kind(doc);
        HasMetadata o =
            switch (kind) {
              case "GatewayClass" -> add(classes, KUBE.unmarshal(doc, GatewayClass.class));
              case "Gateway" -> add(gateways, KUBE.unmarshal(doc, Gateway.class));
              case "HTTPRoute" -> add(routes, KUBE.unmarshal(doc, HTTPRoute.class));
              case "GRPCRoute" -> add(grpcRoutes, KUBE.unmarshal(doc, GRPCRoute.class));
              case "ReferenceGrant" -> add(grants, KUBE.unmarshal(doc, ReferenceGrant.class));
              case "Secret" -> {
                Secret s = KUBE.unmarshal(doc, Secret.class);
                secrets.put(key(s), s);
                yield s;
              }
              default -> throw new IllegalArgumentException("not a kind of the suite: " + kind);
            };
        o.getMetadata().setGeneration(1L);
        o.getMetadata().setCreationTimestamp(EPOCH.plusSeconds(applied++).toString());
      }
    }
    return new Applied(
        new GatewayApiObjects(classes, gateways, routes, grpcRoutes, grants, NAMESPACE_LABELS),
        secrets);
  }

  private static <T> T add(List<T> list, T o) {
    list.add(o);
    return o;
  }

  private static String kind(String doc) {
    for (String line : doc.split("\n")) {
      if (line.startsWith("kind:")) {
        return line.substring(5).trim();
      }
    }
    throw new IllegalArgumentException("no kind in " + doc);
  }

  public static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() == null
        ? o.getMetadata().getName()
        : o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  /**
   * The suite's Services as federated services of cluster {@code east}, port 8080, each endpoint as
   * {@code endpoint} gives it for the service's {@code namespace/name} ({@code address:port}).
   */
  public static FederationSnapshot snapshot(Function<String, String> endpoint) {
    Map<ServiceName, FederatedService> federated = new LinkedHashMap<>();
    for (String key : SERVICES) {
      FederatedService s =
          Fixtures.service(key)
              .port("http", 8080)
              .cluster("east", 0, 1, "http", endpoint.apply(key))
              .build();
      federated.put(s.name(), s);
    }
    return new FederationSnapshot(federated, Map.of());
  }
}
