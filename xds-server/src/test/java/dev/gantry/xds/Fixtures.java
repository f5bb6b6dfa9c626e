package dev.gantry.xds;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.ClusterEndpoints;
import dev.gantry.api.federation.FederatedEndpoint;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.api.federation.ServicePortSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Fluent inputs for translation tests, like Contour's internal/fixture. Public so that the tests of
 * the model and translate packages share them.
 */
public final class Fixtures {
  private Fixtures() {}

  /**
   * An ExtensionService {@code namespace/name} served by Service {@code service} (of its namespace)
   * on {@code port}, speaking {@code protocol} (null: Contour's default, h2).
   */
  public static dev.gantry.api.crd.contour.ExtensionService extension(
      String namespaceAndName, String service, int port, String protocol) {
    String[] parts = namespaceAndName.split("/");
    dev.gantry.api.crd.contour.ExtensionService e =
        new dev.gantry.api.crd.contour.ExtensionService();
    e.getMetadata().setNamespace(parts[0]);
    e.getMetadata().setName(parts[1]);
    e.getMetadata().setGeneration(1L);
    dev.gantry.api.crd.contour.ExtensionServiceSpec spec =
        new dev.gantry.api.crd.contour.ExtensionServiceSpec();
    spec.setServices(
        new java.util.ArrayList<>(
            List.of(new dev.gantry.api.crd.contour.ExtensionServiceSpec.Target(service, port))));
    spec.setProtocol(protocol);
    e.setSpec(spec);
    return e;
  }

  public static ProxyBuilder proxy(String namespaceAndName) {
    return new ProxyBuilder(namespaceAndName);
  }

  /** An HTTPProxy of class {@code gantry}, generation 1, without a virtual host until given. */
  public static final class ProxyBuilder {
    private final HTTPProxy proxy = new HTTPProxy();

    ProxyBuilder(String key) {
      String[] parts = key.split("/");
      proxy.getMetadata().setNamespace(parts[0]);
      proxy.getMetadata().setName(parts[1]);
      proxy.getMetadata().setGeneration(1L);
      proxy.setSpec(new HTTPProxySpec());
      proxy.getSpec().setIngressClassName("gantry");
    }

    /** {@code spec.ingressClassName}; null leaves the class to the annotations. */
    public ProxyBuilder ingressClass(String value) {
      proxy.getSpec().setIngressClassName(value);
      return this;
    }

    public ProxyBuilder annotation(String key, String value) {
      if (proxy.getMetadata().getAnnotations() == null) {
        proxy.getMetadata().setAnnotations(new HashMap<>());
      }
      proxy.getMetadata().getAnnotations().put(key, value);
      return this;
    }

    public ProxyBuilder generation(long generation) {
      proxy.getMetadata().setGeneration(generation);
      return this;
    }

    /** No spec at all, as a half-written object from the API server may look. */
    public ProxyBuilder withoutSpec() {
      proxy.setSpec(null);
      return this;
    }

    public ProxyBuilder fqdn(String fqdn) {
      HTTPProxySpec.VirtualHost vhost = new HTTPProxySpec.VirtualHost();
      vhost.setFqdn(fqdn);
      proxy.getSpec().setVirtualhost(vhost);
      return this;
    }

    /** A route: prefix (null for no condition), then (service, port, weight) triples. */
    public ProxyBuilder route(String prefix, Object... services) {
      return routeMatching(prefix == null ? List.of() : List.of(prefix), services);
    }

    /** A route with one prefix condition per entry, then (service, port, weight) triples. */
    public ProxyBuilder routeMatching(List<String> prefixes, Object... services) {
      HTTPProxySpec.Route route = new HTTPProxySpec.Route();
      for (String prefix : prefixes) {
        HTTPProxySpec.MatchCondition c = new HTTPProxySpec.MatchCondition();
        c.setPrefix(prefix);
        route.getConditions().add(c);
      }
      for (int i = 0; i < services.length; i += 3) {
        route
            .getServices()
            .add(routeService((String) services[i], services[i + 1], services[i + 2]));
      }
      proxy.getSpec().getRoutes().add(route);
      return this;
    }

    /** A route with the given conditions, then (service, port, weight) triples. */
    public ProxyBuilder routeWhen(
        List<HTTPProxySpec.MatchCondition> conditions, Object... services) {
      HTTPProxySpec.Route route = new HTTPProxySpec.Route();
      route.getConditions().addAll(conditions);
      for (int i = 0; i < services.length; i += 3) {
        route
            .getServices()
            .add(routeService((String) services[i], services[i + 1], services[i + 2]));
      }
      proxy.getSpec().getRoutes().add(route);
      return this;
    }

    /** {@code spec.virtualhost.tls} (after {@link #fqdn}); any argument may be null. */
    public ProxyBuilder tls(String secretName, String minimumProtocolVersion, Boolean passthrough) {
      dev.gantry.api.crd.contour.TLS tls = new dev.gantry.api.crd.contour.TLS();
      tls.setSecretName(secretName);
      tls.setMinimumProtocolVersion(minimumProtocolVersion);
      tls.setPassthrough(passthrough);
      proxy.getSpec().getVirtualhost().setTls(tls);
      return this;
    }

    /** {@code spec.virtualhost.tls.maximumProtocolVersion} (after {@link #tls}). */
    public ProxyBuilder maximumProtocolVersion(String version) {
      proxy.getSpec().getVirtualhost().getTls().setMaximumProtocolVersion(version);
      return this;
    }

    /** {@code spec.virtualhost.tls.enableFallbackCertificate: true} (after {@link #tls}). */
    public ProxyBuilder fallbackCertificate() {
      proxy.getSpec().getVirtualhost().getTls().setEnableFallbackCertificate(true);
      return this;
    }

    /**
     * {@code spec.virtualhost.tls.clientValidation} (after {@link #tls}), as {@code how} sets it.
     */
    public ProxyBuilder clientValidation(
        Consumer<dev.gantry.api.crd.contour.DownstreamValidation> how) {
      dev.gantry.api.crd.contour.DownstreamValidation validation =
          new dev.gantry.api.crd.contour.DownstreamValidation();
      how.accept(validation);
      proxy.getSpec().getVirtualhost().getTls().setClientValidation(validation);
      return this;
    }

    /** {@code spec.tcpproxy}: (service, port, weight) triples; none gives an empty tcpproxy. */
    public ProxyBuilder tcpProxy(Object... services) {
      dev.gantry.api.crd.contour.TCPProxy tcp = new dev.gantry.api.crd.contour.TCPProxy();
      for (int i = 0; i < services.length; i += 3) {
        tcp.getServices().add(routeService((String) services[i], services[i + 1], services[i + 2]));
      }
      proxy.getSpec().setTcpproxy(tcp);
      return this;
    }

    /** A route on a prefix to one service that is also served over plain HTTP. */
    public ProxyBuilder insecureRoute(String prefix, String service, int port) {
      route(prefix, service, port, null);
      List<HTTPProxySpec.Route> routes = proxy.getSpec().getRoutes();
      routes.get(routes.size() - 1).setPermitInsecure(true);
      return this;
    }

    /** A route exactly as given, null included: for input no well-behaved client writes. */
    public ProxyBuilder rawRoute(HTTPProxySpec.Route route) {
      proxy.getSpec().getRoutes().add(route);
      return this;
    }

    /** Changes the route added last, for the fields the route builders do not cover. */
    public ProxyBuilder lastRoute(Consumer<HTTPProxySpec.Route> change) {
      List<HTTPProxySpec.Route> routes = proxy.getSpec().getRoutes();
      change.accept(routes.get(routes.size() - 1));
      return this;
    }

    /** Changes the spec, for the fields the builders do not cover. */
    /**
     * {@code spec.virtualhost.authorization} naming ExtensionService {@code namespace/name}, with
     * the host's context (empty: none); {@code change} sets the rest.
     */
    public ProxyBuilder authorization(
        String extension,
        Map<String, String> context,
        Consumer<dev.gantry.api.crd.contour.AuthorizationServer> change) {
      String[] parts = extension.split("/");
      dev.gantry.api.crd.contour.AuthorizationServer auth =
          new dev.gantry.api.crd.contour.AuthorizationServer();
      auth.setExtensionRef(
          new dev.gantry.api.crd.contour.AuthorizationServer.ExtensionServiceReference(
              parts[0], parts[1]));
      if (!context.isEmpty()) {
        auth.setAuthPolicy(new dev.gantry.api.crd.contour.AuthorizationPolicy(null, context));
      }
      change.accept(auth);
      proxy.getSpec().getVirtualhost().setAuthorization(auth);
      return this;
    }

    /** The last route's {@code authPolicy}. */
    public ProxyBuilder authPolicy(Boolean disabled, Map<String, String> context) {
      return lastRoute(
          r ->
              r.setAuthPolicy(
                  new dev.gantry.api.crd.contour.AuthorizationPolicy(
                      disabled, context.isEmpty() ? null : context)));
    }

    /**
     * A {@code spec.virtualhost.jwtProviders} entry named {@code name} fetching its key set from
     * {@code uri}; {@code change} sets the rest.
     */
    public ProxyBuilder jwtProvider(
        String name, String uri, Consumer<dev.gantry.api.crd.contour.JWTProvider> change) {
      dev.gantry.api.crd.contour.JWTProvider p = new dev.gantry.api.crd.contour.JWTProvider();
      p.setName(name);
      dev.gantry.api.crd.contour.RemoteJWKS jwks = new dev.gantry.api.crd.contour.RemoteJWKS();
      jwks.setUri(uri);
      p.setRemoteJWKS(jwks);
      change.accept(p);
      HTTPProxySpec.VirtualHost vhost = proxy.getSpec().getVirtualhost();
      if (vhost.getJwtProviders() == null) {
        vhost.setJwtProviders(new java.util.ArrayList<>());
      }
      vhost.getJwtProviders().add(p);
      return this;
    }

    /** The last route's {@code jwtVerificationPolicy}. */
    public ProxyBuilder jwtPolicy(String require, Boolean disabled) {
      return lastRoute(
          r ->
              r.setJwtVerificationPolicy(
                  new dev.gantry.api.crd.contour.JWTVerificationPolicy(require, disabled)));
    }

    public ProxyBuilder spec(Consumer<HTTPProxySpec> change) {
      change.accept(proxy.getSpec());
      return this;
    }

    public HTTPProxy build() {
      return proxy;
    }
  }

  /** One entry of a route's {@code services}; port and weight may be null. */
  public static HTTPProxySpec.RouteService routeService(String name, Object port, Object weight) {
    HTTPProxySpec.RouteService s = new HTTPProxySpec.RouteService();
    s.setName(name);
    s.setPort((Integer) port);
    s.setWeight(weight == null ? null : ((Number) weight).longValue());
    return s;
  }

  // Route conditions, one field each.

  public static HTTPProxySpec.MatchCondition prefix(String v) {
    HTTPProxySpec.MatchCondition c = new HTTPProxySpec.MatchCondition();
    c.setPrefix(v);
    return c;
  }

  public static HTTPProxySpec.MatchCondition exact(String v) {
    HTTPProxySpec.MatchCondition c = new HTTPProxySpec.MatchCondition();
    c.setExact(v);
    return c;
  }

  public static HTTPProxySpec.MatchCondition regex(String v) {
    HTTPProxySpec.MatchCondition c = new HTTPProxySpec.MatchCondition();
    c.setRegex(v);
    return c;
  }

  public static HTTPProxySpec.MatchCondition header(
      String name, Consumer<HTTPProxySpec.HeaderMatchCondition> how) {
    HTTPProxySpec.HeaderMatchCondition h = new HTTPProxySpec.HeaderMatchCondition();
    h.setName(name);
    how.accept(h);
    HTTPProxySpec.MatchCondition c = new HTTPProxySpec.MatchCondition();
    c.setHeader(h);
    return c;
  }

  public static HTTPProxySpec.MatchCondition query(
      String name, Consumer<HTTPProxySpec.QueryParameterMatchCondition> how) {
    HTTPProxySpec.QueryParameterMatchCondition q = new HTTPProxySpec.QueryParameterMatchCondition();
    q.setName(name);
    how.accept(q);
    HTTPProxySpec.MatchCondition c = new HTTPProxySpec.MatchCondition();
    c.setQueryParameter(q);
    return c;
  }

  /**
   * A publisher for an xDS server whose Envoy listener is on {@code 127.0.0.1:listenerPort},
   * holding off 10 ms, that has published {@code proxies} over {@code federation} when it returns.
   */
  public static dev.gantry.xds.publish.XdsPublisher publishing(
      java.util.concurrent.ScheduledExecutorService executor,
      dev.gantry.xds.server.XdsServer server,
      dev.gantry.xds.publish.XdsMetrics metrics,
      int listenerPort,
      java.util.function.Consumer<List<dev.gantry.xds.ir.ProxyVerdict>> verdicts,
      List<HTTPProxy> proxies,
      dev.gantry.api.federation.FederationSnapshot federation) {
    return publishing(
        executor, server, metrics, listenerPort, 8443, verdicts, proxies, federation, Map.of());
  }

  /**
   * As above, with Envoy's HTTPS listener on {@code 127.0.0.1:httpsPort} and {@code secrets} (by
   * {@code namespace/name}) fed before the proxies.
   */
  public static dev.gantry.xds.publish.XdsPublisher publishing(
      java.util.concurrent.ScheduledExecutorService executor,
      dev.gantry.xds.server.XdsServer server,
      dev.gantry.xds.publish.XdsMetrics metrics,
      int listenerPort,
      int httpsPort,
      java.util.function.Consumer<List<dev.gantry.xds.ir.ProxyVerdict>> verdicts,
      List<HTTPProxy> proxies,
      dev.gantry.api.federation.FederationSnapshot federation,
      Map<String, io.fabric8.kubernetes.api.model.Secret> secrets) {
    return publishing(
        executor,
        server,
        metrics,
        listenerPort,
        httpsPort,
        verdicts,
        proxies,
        federation,
        secrets,
        dev.gantry.xds.translate.ListenerSettings.contour());
  }

  /** As above, with Envoy's listeners treating clients as {@code settings} say. */
  public static dev.gantry.xds.publish.XdsPublisher publishing(
      java.util.concurrent.ScheduledExecutorService executor,
      dev.gantry.xds.server.XdsServer server,
      dev.gantry.xds.publish.XdsMetrics metrics,
      int listenerPort,
      int httpsPort,
      java.util.function.Consumer<List<dev.gantry.xds.ir.ProxyVerdict>> verdicts,
      List<HTTPProxy> proxies,
      dev.gantry.api.federation.FederationSnapshot federation,
      Map<String, io.fabric8.kubernetes.api.model.Secret> secrets,
      dev.gantry.xds.translate.ListenerSettings settings) {
    return publishing(
        executor,
        server,
        metrics,
        listenerPort,
        httpsPort,
        verdicts,
        proxies,
        federation,
        secrets,
        settings,
        new dev.gantry.xds.compile.httpproxy.ProxyCompiler("gantry"));
  }

  /** As above, compiling with {@code compiler} (e.g. one with a fallback certificate). */
  public static dev.gantry.xds.publish.XdsPublisher publishing(
      java.util.concurrent.ScheduledExecutorService executor,
      dev.gantry.xds.server.XdsServer server,
      dev.gantry.xds.publish.XdsMetrics metrics,
      int listenerPort,
      int httpsPort,
      java.util.function.Consumer<List<dev.gantry.xds.ir.ProxyVerdict>> verdicts,
      List<HTTPProxy> proxies,
      dev.gantry.api.federation.FederationSnapshot federation,
      Map<String, io.fabric8.kubernetes.api.model.Secret> secrets,
      dev.gantry.xds.translate.ListenerSettings settings,
      dev.gantry.xds.compile.httpproxy.ProxyCompiler compiler) {
    return publishing(
        executor,
        server,
        metrics,
        listenerPort,
        httpsPort,
        verdicts,
        proxies,
        federation,
        secrets,
        settings,
        compiler,
        List.of());
  }

  /** As above, with {@code extensions} fed before the proxies. */
  public static dev.gantry.xds.publish.XdsPublisher publishing(
      java.util.concurrent.ScheduledExecutorService executor,
      dev.gantry.xds.server.XdsServer server,
      dev.gantry.xds.publish.XdsMetrics metrics,
      int listenerPort,
      int httpsPort,
      java.util.function.Consumer<List<dev.gantry.xds.ir.ProxyVerdict>> verdicts,
      List<HTTPProxy> proxies,
      dev.gantry.api.federation.FederationSnapshot federation,
      Map<String, io.fabric8.kubernetes.api.model.Secret> secrets,
      dev.gantry.xds.translate.ListenerSettings settings,
      dev.gantry.xds.compile.httpproxy.ProxyCompiler compiler,
      List<dev.gantry.api.crd.contour.ExtensionService> extensions) {
    return publishing(
        executor,
        server,
        metrics,
        listenerPort,
        httpsPort,
        verdicts,
        proxies,
        federation,
        secrets,
        settings,
        compiler,
        extensions,
        dev.gantry.xds.ir.DnsLookupFamily.AUTO);
  }

  /** As above, DNS clusters asking for the addresses {@code family} says. */
  public static dev.gantry.xds.publish.XdsPublisher publishing(
      java.util.concurrent.ScheduledExecutorService executor,
      dev.gantry.xds.server.XdsServer server,
      dev.gantry.xds.publish.XdsMetrics metrics,
      int listenerPort,
      int httpsPort,
      java.util.function.Consumer<List<dev.gantry.xds.ir.ProxyVerdict>> verdicts,
      List<HTTPProxy> proxies,
      dev.gantry.api.federation.FederationSnapshot federation,
      Map<String, io.fabric8.kubernetes.api.model.Secret> secrets,
      dev.gantry.xds.translate.ListenerSettings settings,
      dev.gantry.xds.compile.httpproxy.ProxyCompiler compiler,
      List<dev.gantry.api.crd.contour.ExtensionService> extensions,
      dev.gantry.xds.ir.DnsLookupFamily family) {
    dev.gantry.xds.publish.XdsPublisher publisher =
        new dev.gantry.xds.publish.XdsPublisher(
            executor,
            java.time.Duration.ofMillis(10),
            compiler,
            new dev.gantry.xds.translate.XdsAssembler(
                "127.0.0.1", listenerPort, httpsPort, settings, family),
            server,
            metrics,
            verdicts);
    if (!secrets.isEmpty()) {
      publisher.secretsChanged(secrets);
    }
    if (!extensions.isEmpty()) {
      publisher.extensionServicesChanged(extensions);
    }
    Feeds.proxies(publisher, proxies);
    Feeds.federation(publisher, federation);
    // The first build loads and compiles much of the server: slow on a busy machine.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> publisher.builds() > 0);
    return publisher;
  }

  /** A ClusterLoadAssignment of one endpoint, {@code address}:8080. */
  public static io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment assignment(
      String cluster, String address) {
    return io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.newBuilder()
        .setClusterName(cluster)
        .addEndpoints(
            io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints.newBuilder()
                .addLbEndpoints(
                    io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint.newBuilder()
                        .setEndpoint(
                            io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                                .setAddress(
                                    io.envoyproxy.envoy.config.core.v3.Address.newBuilder()
                                        .setSocketAddress(
                                            io.envoyproxy.envoy.config.core.v3.SocketAddress
                                                .newBuilder()
                                                .setAddress(address)
                                                .setPortValue(8080))))))
        .build();
  }

  public static ServiceBuilder service(String key) {
    return new ServiceBuilder(key);
  }

  /** An endpoint with its target port per service port name ("" for an unnamed port). */
  public static FederatedEndpoint endpoint(
      String address, FederatedEndpoint.State state, Map<String, Integer> portsByName) {
    return new FederatedEndpoint(address, portsByName, state, null);
  }

  /** A federated service or one hub Service, with its ports and per-cluster endpoints. */
  public static final class ServiceBuilder {
    private final ServiceName name;
    private final List<ServicePortSpec> ports = new ArrayList<>();
    private final Map<String, ClusterEndpoints> clusters = new LinkedHashMap<>();

    ServiceBuilder(String key) {
      String[] parts = key.split("/");
      name = ServiceName.of(parts[0], parts[1]);
    }

    public ServiceBuilder port(String portName, int port) {
      ports.add(new ServicePortSpec(portName, port, "TCP", null));
      return this;
    }

    /** A port with its appProtocol and the protocol the Service's annotations give it. */
    public ServiceBuilder port(
        String portName, int port, String appProtocol, String annotatedProtocol) {
      ports.add(new ServicePortSpec(portName, port, "TCP", appProtocol, annotatedProtocol));
      return this;
    }

    /** Endpoints of one cluster: address:targetPort strings, all ready. */
    public ServiceBuilder cluster(
        String cluster, int priority, int weight, String portName, String... endpoints) {
      List<FederatedEndpoint> list = new ArrayList<>();
      for (String e : endpoints) {
        int colon = e.lastIndexOf(':');
        list.add(
            new FederatedEndpoint(
                e.substring(0, colon),
                Map.of(portName, Integer.parseInt(e.substring(colon + 1))),
                FederatedEndpoint.State.READY,
                null));
      }
      clusters.put(cluster, new ClusterEndpoints(cluster, priority, weight, false, list));
      return this;
    }

    /**
     * As {@link #cluster}, the cluster's headless Service asking to be resolved by the hub's DNS as
     * {@code dnsName}.
     */
    public ServiceBuilder hubDns(
        String cluster,
        int priority,
        int weight,
        String dnsName,
        String portName,
        String... endpoints) {
      cluster(cluster, priority, weight, portName, endpoints);
      ClusterEndpoints c = clusters.get(cluster);
      clusters.put(
          cluster,
          new ClusterEndpoints(cluster, priority, weight, false, c.endpoints(), null, dnsName));
      return this;
    }

    /** Endpoints of one cluster exactly as given (readiness, several or odd ports). */
    public ServiceBuilder clusterEndpoints(
        String cluster, int priority, int weight, FederatedEndpoint... endpoints) {
      clusters.put(
          cluster, new ClusterEndpoints(cluster, priority, weight, false, List.of(endpoints)));
      return this;
    }

    /** A cluster whose Service is of type ExternalName, naming {@code externalName}. */
    public ServiceBuilder externalName(
        String cluster, int priority, int weight, String externalName) {
      clusters.put(
          cluster, new ClusterEndpoints(cluster, priority, weight, false, List.of(), externalName));
      return this;
    }

    public FederatedService build() {
      return new FederatedService(name, ports, clusters, List.of());
    }
  }
}
