package dev.gantry.xds;

import static dev.gantry.xds.GatewayApiFixtures.from;
import static dev.gantry.xds.GatewayApiFixtures.gantryClass;
import static dev.gantry.xds.GatewayApiFixtures.gateway;
import static dev.gantry.xds.GatewayApiFixtures.grant;
import static dev.gantry.xds.GatewayApiFixtures.h;
import static dev.gantry.xds.GatewayApiFixtures.header;
import static dev.gantry.xds.GatewayApiFixtures.headers;
import static dev.gantry.xds.GatewayApiFixtures.http;
import static dev.gantry.xds.GatewayApiFixtures.https;
import static dev.gantry.xds.GatewayApiFixtures.inNamespace;
import static dev.gantry.xds.GatewayApiFixtures.parent;
import static dev.gantry.xds.GatewayApiFixtures.path;
import static dev.gantry.xds.GatewayApiFixtures.query;
import static dev.gantry.xds.GatewayApiFixtures.route;
import static dev.gantry.xds.GatewayApiFixtures.rule;
import static dev.gantry.xds.GatewayApiFixtures.service;
import static dev.gantry.xds.GatewayApiFixtures.serviceImport;
import static dev.gantry.xds.TlsRouteFixtures.backend;
import static dev.gantry.xds.TlsRouteFixtures.kinds;
import static dev.gantry.xds.TlsRouteFixtures.passthrough;
import static dev.gantry.xds.TlsRouteFixtures.serviceImportBackend;
import static dev.gantry.xds.TlsRouteFixtures.tlsRoute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.ServiceName;
import dev.gantry.testbed.GrpcWho;
import dev.gantry.testbed.NetworkNamespace;
import dev.gantry.testbed.Pki;
import dev.gantry.xds.compile.gateway.GatewayApiObjects;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestRedirectFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPURLRewriteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Gateway API through a real Envoy: a Gateway of our class with HTTP and HTTPS listeners,
 * HTTPRoutes to a ServiceImport (the federated service of two clusters), to two clusters' mirrors
 * by weight, with matches and every filter, across namespaces with and without a ReferenceGrant.
 * Each backend echoes its name and what it received, so a response shows the route taken and what
 * the filters did. No apiserver is involved, so the HTTP backends are on loopback. A second Gateway
 * has TLS passthrough listeners beside an HTTPS one on the same port: TLSRoutes pass clients' TLS
 * streams by SNI to TLS backends in two network namespaces (one per cluster), which answer with the
 * SNI they were asked for. Tests named after an upstream conformance test follow its objects and
 * requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayApiIT {
  private final List<HttpServer> backends = new ArrayList<>();
  private final AtomicInteger mirrored = new AtomicInteger();
  private final HttpClient http = HttpClient.newHttpClient();
  private final TestCertificates.Issued serving =
      TestCertificates.rsa("gateway", "secure.example.com");
  private io.grpc.Server grpc;
  private GatewayApiBed bed;
  private int httpPort;
  private int httpsPort;
  private final List<NetworkNamespace> namespaces = new ArrayList<>();
  private final Pki tlsBackendAuthority = Pki.newAuthority("gateway-tls-backends");

  /** A backend answering "name path host x-set x-add x-gone" with response header x-backend. */
  private int echo(String name) {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      s.createContext(
          "/",
          exchange -> {
            if (name.equals("mirror")) {
              mirrored.incrementAndGet();
            }
            var in = exchange.getRequestHeaders();
            String body =
                name
                    + " path="
                    + exchange.getRequestURI()
                    + " host="
                    + in.getFirst("Host")
                    + " x-set="
                    + in.get("X-set")
                    + " x-add="
                    + in.get("X-add")
                    + " x-gone="
                    + in.get("X-gone");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-backend", name);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
          });
      s.setExecutor(Executors.newFixedThreadPool(4));
      s.start();
      backends.add(s);
      return s.getAddress().getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A TLS backend on {@code address} with its own certificate (CN tls-backend), answering "{@code
   * name} sni=<the server name the client asked for>": what a passed-through stream reaches.
   */
  private int tlsEcho(String name, String address) {
    try {
      HttpsServer s = HttpsServer.create(new InetSocketAddress(address, 0), 0);
      s.setHttpsConfigurator(
          new HttpsConfigurator(
              tlsBackendAuthority.servingCertificate("tls-backend").sslContext()));
      s.createContext(
          "/",
          exchange -> {
            ExtendedSSLSession session =
                (ExtendedSSLSession) ((HttpsExchange) exchange).getSSLSession();
            String sni =
                session.getRequestedServerNames().stream()
                    .map(n -> ((SNIHostName) n).getAsciiName())
                    .collect(Collectors.joining(","));
            byte[] body =
                (name + " sni=" + (sni.isEmpty() ? "none" : sni)).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      s.setExecutor(Executors.newFixedThreadPool(4));
      s.start();
      backends.add(s);
      return s.getAddress().getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A service whose port 443 speaks TLS, its endpoints in the clusters given. */
  private static FederatedService tlsService(String key, String... clusterAndEndpoint) {
    var b = Fixtures.service(key).port("tls", 443);
    for (int i = 0; i < clusterAndEndpoint.length; i += 2) {
      b.cluster(clusterAndEndpoint[i], 0, 1, "tls", clusterAndEndpoint[i + 1]);
    }
    return b.build();
  }

  /** A gRPC backend answering {@link GrpcWho#WHO} with "grpc"; its port. */
  private int grpcBackend() {
    grpc = GrpcWho.serve("127.0.0.1", 0, "grpc");
    return grpc.getPort();
  }

  private static FederatedService federated(String key, String... clusterAndEndpoint) {
    var b = Fixtures.service(key).port("http", 80);
    for (int i = 0; i < clusterAndEndpoint.length; i += 2) {
      b.cluster(clusterAndEndpoint[i], 0, 1, "http", clusterAndEndpoint[i + 1]);
    }
    return b.build();
  }

  @BeforeAll
  void start() {
    String east = "127.0.0.1:" + echo("east");
    String west = "127.0.0.1:" + echo("west");
    // The TLS backends of two clusters, each in its own network namespace (the host side of its
    // veth pair): Envoy reaches them as it would remote endpoints.
    NetworkNamespace eastNs = NetworkNamespace.create();
    namespaces.add(eastNs);
    NetworkNamespace westNs = NetworkNamespace.create();
    namespaces.add(westNs);
    String tlsEast = eastNs.hostAddress() + ":" + tlsEcho("tls-east", eastNs.hostAddress());
    String tlsWest = westNs.hostAddress() + ":" + tlsEcho("tls-west", westNs.hostAddress());
    Map<ServiceName, FederatedService> federated = new HashMap<>();
    Map<ServiceName, FederatedService> hub = new HashMap<>();
    for (FederatedService s :
        List.of(
            federated("demo/web", "east", east, "west", west),
            federated("demo/canary", "east", "127.0.0.1:" + echo("canary")),
            federated("demo/v2", "east", "127.0.0.1:" + echo("v2")),
            federated("demo/mirror", "east", "127.0.0.1:" + echo("mirror")),
            federated("other/app", "east", "127.0.0.1:" + echo("other")),
            federated("demo/grpc", "east", "127.0.0.1:" + grpcBackend()),
            tlsService("demo/tls", "east", tlsEast, "west", tlsWest))) {
      federated.put(s.name(), s);
    }
    for (FederatedService s :
        List.of(
            federated("demo/east-web", "east", east),
            federated("demo/west-web", "west", west),
            tlsService("demo/east-tls", "east", tlsEast),
            tlsService("demo/west-tls", "west", tlsWest))) {
      hub.put(s.name(), s);
    }
    bed =
        GatewayApiBed.start(
            "envoy-gateway-api",
            new FederationSnapshot(federated, hub),
            Map.of("demo/cert", TestCertificates.tlsSecret("demo/cert", serving)),
            objects(List.of()));
    httpPort = bed.httpPort();
    httpsPort = bed.httpsPort();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("import.example.com", "/").status == 200);
  }

  @AfterAll
  void stop() {
    bed.close();
    backends.forEach(s -> s.stop(0));
    grpc.shutdownNow();
    namespaces.forEach(NetworkNamespace::close);
  }

  private GatewayApiObjects objects(List<ReferenceGrant> grants) {
    return new GatewayApiObjects(
            List.of(gantryClass()),
            List.of(
                gateway(
                    "demo/gw",
                    from(http("http", 80, null), "All"),
                    https("https", 443, "secure.example.com", "cert"),
                    http("same", 8080, "same.example.com")),
                tlsGateway()),
            Stream.concat(routes().stream(), Stream.of(terminatedBesidePassthrough())).toList(),
            List.of(
                GatewayApiFixtures.grpcRoute(
                    "demo/grpc",
                    List.of("grpc.example.com"),
                    List.of(parent("demo/gw", "http")),
                    GatewayApiFixtures.grpcRule("gantry.test.Backend", "Who", null, "grpc", 80))),
            grants)
        .withTlsRoutes(tlsRoutes());
  }

  /**
   * demo/tls-gw: TLS passthrough for *.pass.example.com, and (as upstream's
   * GatewayHTTPSAndTLSPassthroughSamePort) an HTTPS listener for *.wild.example.com beside a TLS
   * passthrough one for abc.wild.example.com, all on the port of demo/gw's HTTPS listener.
   */
  private static io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway tlsGateway() {
    return gateway(
        "demo/tls-gw",
        kinds(passthrough("tls", 443, "*.pass.example.com"), "TLSRoute"),
        kinds(https("https-terminate", 443, "*.wild.example.com", "cert"), "HTTPRoute"),
        kinds(passthrough("tls-passthrough", 443, "abc.wild.example.com"), "TLSRoute"));
  }

  private static HTTPRoute terminatedBesidePassthrough() {
    return route(
        "demo/gateway-conformance-https-terminate",
        List.of(),
        List.of(parent("demo/tls-gw", "https-terminate")),
        rule(serviceImport("web", 80)));
  }

  private static List<TLSRoute> tlsRoutes() {
    var tls = List.of(parent("demo/tls-gw", "tls"));
    return List.of(
        tlsRoute(
            "demo/gateway-conformance-infra-test",
            List.of("abc.pass.example.com"),
            tls,
            serviceImportBackend("tls", 443)),
        tlsRoute(
            "demo/weights",
            List.of("weights.pass.example.com"),
            tls,
            backend("east-tls", 443, 1),
            backend("west-tls", 443, 0)),
        tlsRoute(
            "demo/invalid-backend-ref-nonexistent",
            List.of("missing.pass.example.com"),
            tls,
            backend("nonexistent", 443, null)),
        tlsRoute(
            "demo/gateway-conformance-tls-passthrough",
            List.of("abc.wild.example.com"),
            List.of(parent("demo/tls-gw", "tls-passthrough")),
            backend("east-tls", 443, null)));
  }

  private static HTTPRouteFilter filter(String type) {
    HTTPRouteFilter f = new HTTPRouteFilter();
    f.setType(type);
    return f;
  }

  private static HTTPPathModifier modifier(String type, String value) {
    HTTPPathModifier m = new HTTPPathModifier();
    m.setType(type);
    if (type.equals("ReplaceFullPath")) {
      m.setReplaceFullPath(value);
    } else {
      m.setReplacePrefixMatch(value);
    }
    return m;
  }

  private List<HTTPRoute> routes() {
    var any = List.of(parent("demo/gw", "http"));
    HTTPRouteFilter redirect = filter("RequestRedirect");
    redirect.setRequestRedirect(new HTTPRequestRedirectFilter());
    redirect.getRequestRedirect().setHostname("example.org");
    redirect.getRequestRedirect().setStatusCode(301);
    HTTPRouteFilter rewrite = filter("URLRewrite");
    rewrite.setUrlRewrite(new HTTPURLRewriteFilter());
    rewrite.getUrlRewrite().setHostname("rewritten.example.com");
    rewrite.getUrlRewrite().setPath(modifier("ReplacePrefixMatch", "/new"));
    HTTPRouteFilter full = filter("URLRewrite");
    full.setUrlRewrite(new HTTPURLRewriteFilter());
    full.getUrlRewrite().setPath(modifier("ReplaceFullPath", "/whole"));
    HTTPRouteFilter mirror = filter("RequestMirror");
    mirror.setRequestMirror(new HTTPRequestMirrorFilter());
    BackendObjectReference mirrorRef = new BackendObjectReference();
    mirrorRef.setName("mirror");
    mirrorRef.setPort(80);
    mirror.getRequestMirror().setBackendRef(mirrorRef);
    return List.of(
        route("demo/import", List.of("import.example.com"), any, rule(serviceImport("web", 80))),
        route(
            "demo/weights",
            List.of("weights.example.com"),
            any,
            rule(service("east-web", 80, 80), service("west-web", 80, 20))),
        route(
            "demo/matching",
            List.of("match.example.com"),
            any,
            rule(service("east-web", 80, null)),
            rule(
                List.of(header(path("PathPrefix", "/"), "version", "two")),
                List.of(),
                service("v2", 80, null)),
            rule(
                List.of(query(path("PathPrefix", "/"), "canary", "yes")),
                List.of(),
                service("canary", 80, null))),
        route(
            "demo/filters",
            List.of("filters.example.com"),
            any,
            rule(
                List.of(path("PathPrefix", "/headers")),
                List.of(
                    headers(
                        "RequestHeaderModifier",
                        List.of(h("X-Set", "s")),
                        List.of(h("X-Add", "a")),
                        List.of("X-Gone")),
                    headers(
                        "ResponseHeaderModifier",
                        List.of(h("X-Resp", "r")),
                        List.of(),
                        List.of("x-backend"))),
                service("east-web", 80, null)),
            rule(List.of(path("PathPrefix", "/redirect")), List.of(redirect)),
            rule(
                List.of(path("PathPrefix", "/rewrite")),
                List.of(rewrite),
                service("east-web", 80, null)),
            rule(
                List.of(path("PathPrefix", "/full")), List.of(full), service("east-web", 80, null)),
            rule(
                List.of(path("PathPrefix", "/mirror")),
                List.of(mirror),
                service("east-web", 80, null))),
        route(
            "demo/partly",
            List.of("partly.example.com"),
            any,
            rule(service("east-web", 80, 1), service("absent", 80, 1))),
        route(
            "demo/cross",
            List.of("cross.example.com"),
            any,
            rule(inNamespace(service("app", 80, null), "other"))),
        route(
            "demo/secure",
            List.of(),
            List.of(parent("demo/gw", "https")),
            rule(service("east-web", 80, null))),
        route(
            "demo/plain-only",
            List.of("secure.example.com"),
            any,
            rule(List.of(path("PathPrefix", "/plain")), List.of(), service("canary", 80, null))),
        route(
            "other/refused",
            List.of(),
            List.of(parent("demo/gw", "same")),
            rule(service("app", 80, null))));
  }

  private record Answer(int status, String body, HttpResponse<String> response) {}

  private Answer get(String host, String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + pathAndQuery))
            .header("Host", host)
            .timeout(Duration.ofSeconds(5));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body(), r);
  }

  private String condition(String route, String type) {
    return bed.statuses().httpRoutes().get(route).getParents().get(0).getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(c -> c.getStatus() + "/" + c.getReason())
        .findFirst()
        .orElse("absent");
  }

  @Test
  void httpRouteToAServiceImportAnswersFromBothClusters() throws Exception {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      seen.merge(get("import.example.com", "/").body.split(" ")[0], 1, Integer::sum);
    }
    assertThat(seen).containsOnlyKeys("east", "west");
    assertThat(condition("demo/import", "Accepted")).isEqualTo("True/Accepted");
    assertThat(condition("demo/import", "ResolvedRefs")).isEqualTo("True/ResolvedRefs");
  }

  @Test
  void httpRouteWeight() throws Exception {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      seen.merge(get("weights.example.com", "/").body.split(" ")[0], 1, Integer::sum);
    }
    // 80/20 of 200: far outside chance for a 50/50 split, and both clusters reached.
    assertThat(seen.get("east")).isBetween(130, 190);
    assertThat(seen.get("west")).isBetween(10, 70);
  }

  @Test
  void httpRouteInvalidBackendsShareOfTheWeightAnswers500() throws Exception {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      Answer a = get("partly.example.com", "/");
      seen.merge(a.status == 200 ? a.body.split(" ")[0] : "status-" + a.status, 1, Integer::sum);
    }
    // Half to the valid backend, half answered 500 (never 503, never all to east).
    assertThat(seen).containsOnlyKeys("east", "status-500");
    assertThat(seen.get("east")).isBetween(60, 140);
    assertThat(condition("demo/partly", "ResolvedRefs")).isEqualTo("False/BackendNotFound");
  }

  @Test
  void httpRouteHeaderMatching() throws Exception {
    assertThat(get("match.example.com", "/", "version", "two").body).startsWith("v2 ");
    assertThat(get("match.example.com", "/", "version", "one").body).startsWith("east ");
  }

  @Test
  void httpRouteQueryParamMatching() throws Exception {
    assertThat(get("match.example.com", "/?canary=yes").body).startsWith("canary ");
    assertThat(get("match.example.com", "/?canary=no").body).startsWith("east ");
  }

  @Test
  void httpRouteRequestAndResponseHeaderModifier() throws Exception {
    Answer a =
        get("filters.example.com", "/headers", "X-Set", "old", "X-Add", "orig", "X-Gone", "x");
    assertThat(a.body).contains("x-set=[s]", "x-add=[orig, a]", "x-gone=null");
    assertThat(a.response.headers().firstValue("x-resp")).contains("r");
    assertThat(a.response.headers().firstValue("x-backend")).isEmpty();
  }

  @Test
  void httpRouteRedirectHostAndStatus() throws Exception {
    Answer a = get("filters.example.com", "/redirect/x");
    assertThat(a.status).isEqualTo(301);
    assertThat(a.response.headers().firstValue("location"))
        .contains("http://example.org/redirect/x");
  }

  @Test
  void httpRouteRewritePathAndHost() throws Exception {
    assertThat(get("filters.example.com", "/rewrite/x?q=1").body)
        .contains("path=/new/x?q=1", "host=rewritten.example.com");
    assertThat(get("filters.example.com", "/rewrite").body).contains("path=/new ");
    assertThat(get("filters.example.com", "/full/a/b").body).contains("path=/whole ");
  }

  @Test
  void httpRouteRequestMirror() throws Exception {
    int before = mirrored.get();
    assertThat(get("filters.example.com", "/mirror").body).startsWith("east ");
    await().atMost(Duration.ofSeconds(10)).until(() -> mirrored.get() > before);
  }

  @Test
  void httpRouteReferenceGrantPermitsACrossNamespaceBackend() throws Exception {
    assertThat(get("cross.example.com", "/").status).isEqualTo(500);
    assertThat(condition("demo/cross", "ResolvedRefs")).isEqualTo("False/RefNotPermitted");

    bed.publisher()
        .gatewayApiChanged(
            objects(List.of(grant("other/to-demo", "HTTPRoute", "demo", "", "Service"))));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("cross.example.com", "/").body.startsWith("other "));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> condition("demo/cross", "ResolvedRefs").equals("True/ResolvedRefs"));
    bed.publisher().gatewayApiChanged(objects(List.of()));
    await().atMost(Duration.ofSeconds(30)).until(() -> get("cross.example.com", "/").status == 500);
  }

  @Test
  void httpsListenerTerminatesWithItsCertificate() throws Exception {
    TlsClient client = TlsClient.to(httpsPort, "secure.example.com");
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.get("secure.example.com", "/").startsWith("HTTP/1.1 200"));
    assertThat(client.get("secure.example.com", "/")).contains("east ");
    assertThat(client.presented().getSubjectX500Principal().getName()).contains("gateway");
    // Attached through the HTTPS listener only: no HTTP listener routes the host, so plain HTTP
    // answers 404 (HTTPS listener, invalid on HTTP: neither served nor redirected).
    assertThat(get("secure.example.com", "/").status).isEqualTo(404);
    // Listener isolation the other way: attached through the HTTP listener only, /plain is
    // canary's on plain HTTP and not on HTTPS, where the HTTPS route's "/" takes it.
    assertThat(get("secure.example.com", "/plain").body).startsWith("canary ");
    assertThat(client.get("secure.example.com", "/plain"))
        .contains("east ")
        .doesNotContain("canary ");
  }

  @Test
  void httpRouteNotAllowedByListenersIsNotServed() throws Exception {
    assertThat(condition("other/refused", "Accepted")).isEqualTo("False/NotAllowedByListeners");
    assertThat(get("same.example.com", "/").status).isEqualTo(404);
    var listeners = bed.statuses().gateways().get("demo/gw").getListeners();
    assertThat(listeners)
        .extracting(l -> l.getName() + "=" + l.getAttachedRoutes())
        .containsExactly("http=8", "https=1", "same=0");
  }

  private String tlsCondition(String route, String type) {
    return bed.statuses().tlsRoutes().get(route).getParents().get(0).getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(c -> c.getStatus() + "/" + c.getReason())
        .findFirst()
        .orElse("absent");
  }

  /**
   * The body of a GET over TLS with {@code sni} as server name and Host, once Envoy has it: one
   * connection that succeeds (a connection each, so that balancing is seen).
   */
  private String overTls(String sni) {
    TlsClient client = TlsClient.to(httpsPort, sni);
    AtomicReference<String> response = new AtomicReference<>("");
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              response.set(client.get(sni, "/"));
              return response.get().startsWith("HTTP/1.1 200");
            });
    return response.get().substring(response.get().indexOf("\r\n\r\n") + 4);
  }

  @Test
  void tlsRouteSimpleSameNamespaceToAServiceImportAnswersFromBothClusters() throws Exception {
    String sni = "abc.pass.example.com";
    overTls(sni);
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      seen.merge(overTls(sni), 1, Integer::sum);
    }
    // Each cluster's backend got the client's own handshake, SNI included: passed through.
    assertThat(seen).containsOnlyKeys("tls-east sni=" + sni, "tls-west sni=" + sni);
    assertThat(TlsClient.to(httpsPort, sni).presented().getSubjectX500Principal().getName())
        .contains("tls-backend");
    assertThat(tlsCondition("demo/gateway-conformance-infra-test", "Accepted"))
        .isEqualTo("True/Accepted");
    assertThat(tlsCondition("demo/gateway-conformance-infra-test", "ResolvedRefs"))
        .isEqualTo("True/ResolvedRefs");
    var listener = bed.statuses().gateways().get("demo/tls-gw").getListeners().get(0);
    assertThat(listener.getAttachedRoutes()).isEqualTo(3);
    assertThat(listener.getSupportedKinds())
        .extracting(k -> k.getKind())
        .containsExactly("TLSRoute");
  }

  @Test
  void tlsRouteWeightsBetweenTwoClustersMirrors() throws Exception {
    // west-tls weighs 0: every connection goes to east's mirror.
    for (int i = 0; i < 20; i++) {
      assertThat(overTls("weights.pass.example.com"))
          .isEqualTo("tls-east sni=weights.pass.example.com");
    }
  }

  @Test
  void anSniWithoutATlsRouteGetsNoConnection() throws Exception {
    overTls("abc.pass.example.com"); // Envoy has the passthrough listener
    TlsClient unknown = TlsClient.to(httpsPort, "unrouted.pass.example.com");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> unknown.get("x", "/")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void tlsRouteInvalidBackendRefNonexistent() throws Exception {
    overTls("abc.pass.example.com");
    assertThat(tlsCondition("demo/invalid-backend-ref-nonexistent", "Accepted"))
        .isEqualTo("True/Accepted");
    assertThat(tlsCondition("demo/invalid-backend-ref-nonexistent", "ResolvedRefs"))
        .isEqualTo("False/BackendNotFound");
    // Its connections are refused: Envoy has no cluster to pass them to.
    TlsClient missing = TlsClient.to(httpsPort, "missing.pass.example.com");
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> missing.get("missing.pass.example.com", "/")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void gatewayHttpsAndTlsPassthroughSamePort() throws Exception {
    // The wildcard's SNI is terminated by Envoy and routed by the HTTPRoute to the HTTP echoes.
    assertThat(overTls("other.wild.example.com")).matches("(east|west) path=/ .*");
    // The exact SNI under it is passed through to the TLS backend.
    assertThat(overTls("abc.wild.example.com")).isEqualTo("tls-east sni=abc.wild.example.com");
    var listeners = bed.statuses().gateways().get("demo/tls-gw").getListeners();
    assertThat(listeners)
        .extracting(
            l ->
                l.getName()
                    + "="
                    + l.getAttachedRoutes()
                    + " "
                    + l.getConditions().stream()
                        .filter(c -> c.getType().equals("Accepted"))
                        .findFirst()
                        .orElseThrow()
                        .getStatus())
        .containsExactly("tls=3 True", "https-terminate=1 True", "tls-passthrough=1 True");
  }

  @Test
  void grpcRouteIsReachedByAGrpcClientThroughEnvoy() throws Exception {
    io.grpc.ManagedChannel channel =
        io.grpc.Grpc.newChannelBuilderForAddress(
                "127.0.0.1", httpPort, io.grpc.InsecureChannelCredentials.create())
            .overrideAuthority("grpc.example.com")
            .build();
    try {
      String who =
          io.grpc.stub.ClientCalls.blockingUnaryCall(
              channel,
              GrpcWho.WHO,
              io.grpc.CallOptions.DEFAULT.withDeadlineAfter(
                  5, java.util.concurrent.TimeUnit.SECONDS),
              "who");
      assertThat(who).isEqualTo("grpc");
      assertThat(bed.statuses().grpcRoutes().get("demo/grpc").getParents().get(0).getConditions())
          .extracting(c -> c.getType() + "=" + c.getStatus())
          .containsExactly("Accepted=True", "ResolvedRefs=True");
    } finally {
      channel.shutdownNow();
    }
  }
}
