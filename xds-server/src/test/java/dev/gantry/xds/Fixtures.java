package dev.gantry.xds;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedEndpoint;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fluent inputs for translation tests, like Contour's internal/fixture. */
final class Fixtures {
  private Fixtures() {}

  static ProxyBuilder proxy(String namespaceAndName) {
    return new ProxyBuilder(namespaceAndName);
  }

  static final class ProxyBuilder {
    private final HTTPProxy proxy = new HTTPProxy();

    ProxyBuilder(String key) {
      String[] parts = key.split("/");
      proxy.getMetadata().setNamespace(parts[0]);
      proxy.getMetadata().setName(parts[1]);
      proxy.getMetadata().setGeneration(1L);
      proxy.setSpec(new HTTPProxySpec());
      proxy.getSpec().setIngressClassName("gantry");
    }

    ProxyBuilder ingressClass(String value) {
      proxy.getSpec().setIngressClassName(value);
      return this;
    }

    ProxyBuilder fqdn(String fqdn) {
      HTTPProxySpec.VirtualHost vhost = new HTTPProxySpec.VirtualHost();
      vhost.setFqdn(fqdn);
      proxy.getSpec().setVirtualhost(vhost);
      return this;
    }

    /** A route: prefix, then (service, port, weight) triples. */
    ProxyBuilder route(String prefix, Object... services) {
      HTTPProxySpec.Route route = new HTTPProxySpec.Route();
      if (prefix != null) {
        HTTPProxySpec.MatchCondition c = new HTTPProxySpec.MatchCondition();
        c.setPrefix(prefix);
        route.getConditions().add(c);
      }
      for (int i = 0; i < services.length; i += 3) {
        HTTPProxySpec.RouteService s = new HTTPProxySpec.RouteService();
        s.setName((String) services[i]);
        s.setPort((Integer) services[i + 1]);
        s.setWeight(services[i + 2] == null ? null : ((Number) services[i + 2]).longValue());
        route.getServices().add(s);
      }
      proxy.getSpec().getRoutes().add(route);
      return this;
    }

    HTTPProxy build() {
      return proxy;
    }
  }

  static ServiceBuilder service(String key) {
    return new ServiceBuilder(key);
  }

  static final class ServiceBuilder {
    private final ServiceName name;
    private final List<ServicePortSpec> ports = new ArrayList<>();
    private final Map<String, ClusterEndpoints> clusters = new LinkedHashMap<>();

    ServiceBuilder(String key) {
      String[] parts = key.split("/");
      name = ServiceName.of(parts[0], parts[1]);
    }

    ServiceBuilder port(String portName, int port) {
      ports.add(new ServicePortSpec(portName, port, "TCP", null));
      return this;
    }

    /** Endpoints of one cluster: address:targetPort strings, all ready. */
    ServiceBuilder cluster(
        String cluster, int priority, int weight, String portName, String... endpoints) {
      List<FederatedEndpoint> list = new ArrayList<>();
      for (String e : endpoints) {
        int colon = e.lastIndexOf(':');
        list.add(
            new FederatedEndpoint(
                e.substring(0, colon),
                Map.of(portName, Integer.parseInt(e.substring(colon + 1))),
                true,
                null));
      }
      clusters.put(cluster, new ClusterEndpoints(cluster, priority, weight, false, list));
      return this;
    }

    FederatedService build() {
      return new FederatedService(name, ports, clusters, List.of());
    }
  }
}
