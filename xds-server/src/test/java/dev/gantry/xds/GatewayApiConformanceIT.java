package dev.gantry.xds;

import static dev.gantry.xds.GatewayApiManifests.APP;
import static dev.gantry.xds.GatewayApiManifests.INFRA;
import static dev.gantry.xds.GatewayApiManifests.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.xds.compile.gateway.GatewayApiObjects;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The request tests of the upstream Gateway API conformance suite ({@code
 * sigs.k8s.io/gateway-api/conformance} v1.7.0), ported through one real Envoy: each test applies
 * its YAML (and the base Gateway it names) to the bed, waits until Envoy routes with it, then makes
 * the suite's requests and checks the answers as its {@code CompareRoundTrip} does (status, the
 * backend's pod and namespace, the request as the backend got it, response headers, redirect
 * targets), each until it holds three times in a row (the suite's eventual consistency). The
 * suite's echo pods are echo servers on loopback, one per Service, answering with what they
 * received as JSON and setting the headers {@code X-Echo-Set-Header} asks for. Each method is named
 * after the upstream test it follows. Gateways a test applies together whose HTTP listeners share a
 * hostname (or have none) are applied one after the other: Gantry serves every HTTP listener on one
 * Envoy listener, where the later would conflict.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayApiConformanceIT {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final List<HttpServer> backends = new ArrayList<>();
  private final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
  private GatewayApiBed bed;

  /** An echo pod of Service {@code namespace/name}: answers what it received, as the suite's. */
  private String echo(String key) {
    String namespace = key.split("/")[0];
    String pod = key.split("/")[1] + "-7d9f8b6c5-x2x4q";
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      s.createContext(
          "/",
          exchange -> {
            Map<String, List<String>> headers = new TreeMap<>();
            exchange
                .getRequestHeaders()
                .forEach((name, values) -> headers.put(name.toLowerCase(), values));
            String path = exchange.getRequestURI().toString();
            received.add(pod + " " + path);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("path", path);
            body.put("host", exchange.getRequestHeaders().getFirst("Host"));
            body.put("method", exchange.getRequestMethod());
            body.put("headers", headers);
            body.put("namespace", namespace);
            body.put("pod", pod);
            String set = exchange.getRequestHeaders().getFirst("X-Echo-Set-Header");
            if (set != null && !set.isEmpty()) {
              for (String nameValue : set.split(",")) {
                int colon = nameValue.indexOf(':');
                exchange
                    .getResponseHeaders()
                    .add(nameValue.substring(0, colon), nameValue.substring(colon + 1));
              }
            }
            byte[] bytes = JSON.asJson(body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (exchange.getRequestMethod().equals("HEAD")) {
              exchange.sendResponseHeaders(200, -1);
            } else {
              exchange.sendResponseHeaders(200, bytes.length);
              exchange.getResponseBody().write(bytes);
            }
            exchange.close();
          });
      s.setExecutor(Executors.newFixedThreadPool(4));
      s.start();
      backends.add(s);
      return "127.0.0.1:" + s.getAddress().getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @BeforeAll
  void start() {
    Map<String, String> endpoints = new HashMap<>();
    for (String key : GatewayApiManifests.SERVICES) {
      endpoints.put(key, echo(key));
    }
    bed =
        GatewayApiBed.start(
            "envoy-gateway-conformance",
            GatewayApiManifests.snapshot(endpoints::get),
            Map.of(),
            GatewayApiObjects.NONE);
  }

  @AfterAll
  void stop() {
    bed.close();
    backends.forEach(s -> s.stop(0));
  }

  private void apply(List<String> baseGateways, String... yamls) {
    bed.applyAndWait(GatewayApiManifests.apply(baseGateways, yamls).objects());
  }

  /** What a request of the suite expects ({@code http.ExpectedResponse}), built fluently. */
  static final class Expect {
    String host = "";
    String method = "GET";
    String path = "/";
    final Map<String, String> headers = new LinkedHashMap<>();
    final Map<String, String> backendSets = new LinkedHashMap<>();
    int status = 200;
    String backend = "";
    String namespace = "";
    String expectedPath;
    String expectedHost;
    final Map<String, String> expectedHeaders = new LinkedHashMap<>();
    final List<String> absentRequestHeaders = new ArrayList<>();
    final Map<String, String> responseHeaders = new LinkedHashMap<>();
    final List<String> absentResponseHeaders = new ArrayList<>();
    String redirectHost;
    String redirectScheme;
    String redirectPort;
    String redirectPath;
    boolean redirect;

    Expect host(String h) {
      host = h;
      return this;
    }

    Expect method(String m) {
      method = m;
      return this;
    }

    Expect path(String p) {
      path = p;
      return this;
    }

    Expect header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Expect backendSets(String name, String value) {
      backendSets.put(name, value);
      return this;
    }

    Expect status(int s) {
      status = s;
      return this;
    }

    Expect backend(String b, String ns) {
      backend = b;
      namespace = ns;
      return this;
    }

    Expect namespace(String ns) {
      namespace = ns;
      return this;
    }

    Expect expectedRequest(String p, String h) {
      expectedPath = p;
      expectedHost = h;
      return this;
    }

    Expect expectedHeader(String name, String value) {
      expectedHeaders.put(name, value);
      return this;
    }

    Expect absentRequestHeader(String name) {
      absentRequestHeaders.add(name);
      return this;
    }

    Expect responseHeader(String name, String value) {
      responseHeaders.put(name, value);
      return this;
    }

    Expect absentResponseHeader(String name) {
      absentResponseHeaders.add(name);
      return this;
    }

    Expect redirect(String scheme, String host, String port, String path) {
      redirectScheme = scheme;
      redirectHost = host;
      redirectPort = port;
      redirectPath = path;
      redirect = true;
      return this;
    }

    @Override
    public String toString() {
      return method + " " + host + path + " " + headers;
    }
  }

  static Expect request() {
    return new Expect();
  }

  static Expect request(String path) {
    return new Expect().path(path);
  }

  /**
   * Why the round trip differs from {@code e}, as the suite's CompareRoundTrip; null: it matches.
   */
  @SuppressWarnings("unchecked")
  private String compare(Expect e) throws Exception {
    Map<String, String> headers = new LinkedHashMap<>(e.headers);
    if (!e.backendSets.isEmpty()) {
      List<String> sets = new ArrayList<>();
      e.backendSets.forEach((n, v) -> sets.add(n + ":" + v));
      headers.put("X-Echo-Set-Header", String.join(",", sets));
    }
    HttpResponse<String> r =
        bed.send(e.host.isEmpty() ? "gateway.test" : e.host, e.method, e.path, headers);
    if (r.statusCode() != e.status) {
      return "status " + r.statusCode() + ", expected " + e.status + ": " + r.body();
    }
    if (r.statusCode() == 200) {
      Map<String, Object> got = JSON.unmarshal(r.body(), Map.class);
      Map<String, List<String>> gotHeaders = (Map<String, List<String>>) got.get("headers");
      String expectedPath = e.expectedPath == null ? e.path : e.expectedPath;
      if (e.expectedHost != null && !e.expectedHost.equals(got.get("host"))) {
        return "host " + got.get("host") + ", expected " + e.expectedHost;
      }
      if (!expectedPath.equals(got.get("path"))) {
        return "path " + got.get("path") + ", expected " + expectedPath;
      }
      if (!e.method.equals(got.get("method"))) {
        return "method " + got.get("method") + ", expected " + e.method;
      }
      if (!e.namespace.equals(got.get("namespace"))) {
        return "namespace " + got.get("namespace") + ", expected " + e.namespace;
      }
      for (Map.Entry<String, String> h : e.expectedHeaders.entrySet()) {
        List<String> v = gotHeaders.get(h.getKey().toLowerCase());
        if (v == null || !String.join(",", v).equals(h.getValue())) {
          return "request header " + h.getKey() + "=" + v + ", expected " + h.getValue();
        }
      }
      for (Map.Entry<String, String> h : e.responseHeaders.entrySet()) {
        List<String> v = r.headers().allValues(h.getKey());
        if (v.isEmpty() || !String.join(",", v).equals(h.getValue())) {
          return "response header " + h.getKey() + "=" + v + ", expected " + h.getValue();
        }
      }
      for (String h : e.absentResponseHeaders) {
        if (r.headers().firstValue(h).isPresent()) {
          return "response header " + h + " is set";
        }
      }
      for (String h : e.absentRequestHeaders) {
        if (gotHeaders.containsKey(h.toLowerCase())) {
          return "request header " + h + " is set";
        }
      }
      if (!((String) got.get("pod")).startsWith(e.backend)) {
        return "pod " + got.get("pod") + ", expected " + e.backend;
      }
    } else if (r.statusCode() >= 300 && r.statusCode() < 400 && e.redirect) {
      URI location = URI.create(r.headers().firstValue("location").orElse(""));
      String scheme = e.redirectScheme == null ? "http" : e.redirectScheme;
      String host = e.redirectHost == null ? location.getHost() : e.redirectHost;
      String path = e.redirectPath == null ? URI.create(e.path).getPath() : e.redirectPath;
      String port = location.getPort() == -1 ? "" : String.valueOf(location.getPort());
      if (!host.equals(location.getHost())) {
        return "redirect host " + location.getHost() + ", expected " + host;
      }
      if (e.redirectPort == null) {
        String known = scheme.equals("https") ? "443" : "80";
        if (!port.isEmpty() && !port.equals(known)) {
          return "redirect port " + port + " for " + scheme;
        }
      } else if (!e.redirectPort.equals(port)) {
        return "redirect port " + port + ", expected " + e.redirectPort;
      }
      if (!scheme.equals(location.getScheme())) {
        return "redirect scheme " + location.getScheme() + ", expected " + scheme;
      }
      if (!path.equals(location.getPath())) {
        return "redirect path " + location.getPath() + ", expected " + path;
      }
    }
    return null;
  }

  /**
   * As the suite's {@code MakeRequestAndExpectEventuallyConsistentResponse}: the expectation holds
   * three times in a row within 30 s.
   */
  private void expect(Expect... expectations) {
    for (Expect e : expectations) {
      int[] inARow = {0};
      String[] last = {null};
      try {
        await()
            .pollInterval(Duration.ofMillis(100))
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  last[0] = compare(e);
                  inARow[0] = last[0] == null ? inARow[0] + 1 : 0;
                  return inARow[0] >= 3;
                });
      } catch (org.awaitility.core.ConditionTimeoutException t) {
        throw new AssertionError(e + ": " + last[0], t);
      }
    }
  }

  /** The route's condition for its parent Gateway, "status/reason". */
  private String condition(String route, String gateway, String type) {
    RouteParentStatus parent =
        bed.statuses().httpRoutes().get(route).getParents().stream()
            .filter(
                p ->
                    ((p.getParentRef().getNamespace() == null
                                ? route.split("/")[0]
                                : p.getParentRef().getNamespace())
                            + "/"
                            + p.getParentRef().getName())
                        .equals(gateway))
            .findFirst()
            .orElseThrow();
    return parent.getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(c -> c.getStatus() + "/" + c.getReason())
        .findFirst()
        .orElse("absent");
  }

  /** As the suite's {@code GatewayAndHTTPRoutesMustBeAccepted} and ResolvedRefs true. */
  private void accepted(String gateway, String... routes) {
    assertThat(bed.statuses().gateways().get(gateway).getConditions())
        .extracting(Condition::getType, Condition::getStatus)
        .contains(
            org.assertj.core.groups.Tuple.tuple("Accepted", "True"),
            org.assertj.core.groups.Tuple.tuple("Programmed", "True"));
    for (String route : routes) {
      assertThat(condition(route, gateway, "Accepted")).startsWith("True/");
      assertThat(condition(route, gateway, "ResolvedRefs")).isEqualTo("True/ResolvedRefs");
    }
  }

  private static final String SAME = INFRA + "/same-namespace";

  /** The documents of {@code yaml} whose metadata name is one of {@code names}. */
  private static String select(String yaml, String... names) {
    List<String> out = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      for (String name : names) {
        if (doc.matches(
            "(?s).*\\n  name: \"?" + java.util.regex.Pattern.quote(name) + "\"?\\n.*")) {
          out.add(doc);
        }
      }
    }
    assertThat(out).hasSize(names.length);
    return String.join("---\n", out);
  }

  @Test
  void httpRouteExactPathMatching() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: exact-matching
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: Exact
                value: /one
            backendRefs:
            - name: infra-backend-v1
              port: 8080
          - matches:
            - path:
                type: Exact
                value: /two
            backendRefs:
            - name: infra-backend-v2
              port: 8080
        """);
    accepted(SAME, INFRA + "/exact-matching");
    expect(
        request("/one").backend("infra-backend-v1", INFRA),
        request("/two").backend("infra-backend-v2", INFRA),
        request("/").status(404),
        request("/one/example").status(404),
        request("/two/").status(404),
        request("/Two").status(404));
  }

  @Test
  void httpRouteMethodMatching() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: method-matching
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - method: POST
            backendRefs:
            - name: infra-backend-v1
              port: 8080
          - matches:
            - method: GET
            backendRefs:
            - name: infra-backend-v2
              port: 8080

          - matches:
            - path:
                type: PathPrefix
                value: /path1
              method: GET
            backendRefs:
            - name: infra-backend-v1
              port: 8080
          - matches:
            - headers:
              - name: version
                value: one
              method: PUT
            backendRefs:
            - name: infra-backend-v2
              port: 8080
          - matches:
            - path:
                type: PathPrefix
                value: /path2
              headers:
              - name: version
                value: two
              method: POST
            backendRefs:
            - name: infra-backend-v3
              port: 8080

          - matches:
            - path:
                type: PathPrefix
                value: /path3
              method: PATCH
            - path:
                type: PathPrefix
                value: /path4
              headers:
              - name: version
                value: three
              method: DELETE
            backendRefs:
            - name: infra-backend-v1
              port: 8080

          - matches:
            - path:
                type: PathPrefix
                value: /path5
            backendRefs:
            - name: infra-backend-v1
              port: 8080
          - matches:
            - method: PATCH
            backendRefs:
            - name: infra-backend-v2
              port: 8080
          - matches:
            - headers:
              - name: version
                value: four
            backendRefs:
            - name: infra-backend-v3
              port: 8080
        """);
    accepted(SAME, INFRA + "/method-matching");
    expect(
        request("/").method("POST").backend("infra-backend-v1", INFRA),
        request("/").method("GET").backend("infra-backend-v2", INFRA),
        request("/").method("HEAD").status(404),
        request("/path1").method("GET").backend("infra-backend-v1", INFRA),
        request("/").header("version", "one").method("PUT").backend("infra-backend-v2", INFRA),
        request("/path2")
            .header("version", "two")
            .method("POST")
            .backend("infra-backend-v3", INFRA),
        request("/path3").method("PATCH").backend("infra-backend-v1", INFRA),
        request("/path4")
            .header("version", "three")
            .method("DELETE")
            .backend("infra-backend-v1", INFRA),
        request("/").method("PUT").status(404),
        request("/path4").method("DELETE").status(404),
        request("/path5").method("PATCH").backend("infra-backend-v1", INFRA),
        request("/").header("version", "four").method("PATCH").backend("infra-backend-v2", INFRA));
  }

  @Test
  void httpRoutePathMatchOrder() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: path-matching-order
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: Exact
                value: /match
            backendRefs:
            - name: infra-backend-v1
              port: 8080
          - matches:
            - path:
                type: Exact
                value: /match/exact
            backendRefs:
            - name: infra-backend-v2
              port: 8080
          - matches:
            - path:
                type: Exact
                value: /match/exact/one
            backendRefs:
            - name: infra-backend-v3
              port: 8080
          - matches:
            - path:
                type: PathPrefix
                value: /match/
            backendRefs:
            - name: infra-backend-v3
              port: 8080
          - matches:
            - path:
                type: PathPrefix
                value: /match/prefix/
            backendRefs:
            - name: infra-backend-v1
              port: 8080
          - matches:
            - path:
                type: PathPrefix
                value: /match/prefix/one
            backendRefs:
            - name: infra-backend-v2
              port: 8080
        """);
    accepted(SAME, INFRA + "/path-matching-order");
    expect(
        request("/match/exact/one").backend("infra-backend-v3", INFRA),
        request("/match/exact").backend("infra-backend-v2", INFRA),
        request("/match").backend("infra-backend-v1", INFRA),
        request("/match/prefix/one/any").backend("infra-backend-v2", INFRA),
        request("/match/prefix/any").backend("infra-backend-v1", INFRA),
        request("/match/any").backend("infra-backend-v3", INFRA));
  }

  @Test
  void httpRouteRuleOrder() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: rule-order
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: Exact
                value: /rule-order
              headers:
              - name: x-version
                value: one
              - name: x-color
                value: blue
            backendRefs:
            - name: infra-backend-v1
              port: 8080
          - matches:
            - path:
                type: Exact
                value: /rule-order
              headers:
              - name: x-color
                value: blue
              - name: x-version
                value: one
            backendRefs:
            - name: infra-backend-v2
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: rule-order-invalid-backend
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: Exact
                value: /rule-order-invalid-backend
            backendRefs:
            - name: nonexistent
              port: 8080
          - matches:
            - path:
                type: Exact
                value: /rule-order-invalid-backend
            backendRefs:
            - name: infra-backend-v2
              port: 8080
        """);
    assertThat(condition(INFRA + "/rule-order", SAME, "Accepted")).isEqualTo("True/Accepted");
    expect(
        request("/rule-order")
            .header("x-color", "blue")
            .header("x-version", "one")
            .backend("infra-backend-v1", INFRA),
        request("/rule-order-invalid-backend").status(500));
  }

  @Test
  void httpRouteMatchingAcrossRoutes() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: matching-part1
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          hostnames:
          - example.com
          - example.net
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /
            - headers:
              - name: version
                value: one
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: matching-part2
          namespace: gateway-conformance-infra
        spec:
          hostnames:
          - example.com
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /v2
            - headers:
              - name: version
                value: two
            backendRefs:
            - name: infra-backend-v2
              port: 8080
        """);
    accepted(SAME, INFRA + "/matching-part1", INFRA + "/matching-part2");
    expect(
        request("/").host("example.com").backend("infra-backend-v1", INFRA),
        request("/example").host("example.com").backend("infra-backend-v1", INFRA),
        request("/example").host("example.net").backend("infra-backend-v1", INFRA),
        request("/example")
            .host("example.com")
            .header("Version", "one")
            .backend("infra-backend-v1", INFRA),
        request("/v2").host("example.com").backend("infra-backend-v2", INFRA),
        request("/v2").host("example.net").backend("infra-backend-v1", INFRA),
        request("/v2/example").host("example.com").backend("infra-backend-v2", INFRA),
        request("/")
            .host("example.com")
            .header("Version", "two")
            .backend("infra-backend-v2", INFRA));
  }

  @Test
  void httpRouteListenerHostnameMatching() {
    apply(
        List.of(),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: httproute-listener-hostname-matching
          namespace: gateway-conformance-infra
        spec:
          gatewayClassName: "{GATEWAY_CLASS_NAME}"
          listeners:
          - name: listener-1
            port: 80
            protocol: HTTP
            allowedRoutes:
              namespaces:
                from: Same
            hostname: bar.com
          - name: listener-2
            port: 80
            protocol: HTTP
            allowedRoutes:
              namespaces:
                from: Same
            hostname: foo.bar.com
          - name: listener-3
            port: 80
            protocol: HTTP
            allowedRoutes:
              namespaces:
                from: Same
            hostname: "*.bar.com"
          - name: listener-4
            port: 80
            protocol: HTTP
            allowedRoutes:
              namespaces:
                from: Same
            hostname: "*.foo.com"
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: backend-v1
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: httproute-listener-hostname-matching
            namespace: gateway-conformance-infra
            sectionName: listener-1
          rules:
          - backendRefs:
            - name: infra-backend-v1
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: backend-v2
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: httproute-listener-hostname-matching
            namespace: gateway-conformance-infra
            sectionName: listener-2
          rules:
          - backendRefs:
            - name: infra-backend-v2
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: backend-v3
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: httproute-listener-hostname-matching
            namespace: gateway-conformance-infra
            sectionName: listener-3
          - name: httproute-listener-hostname-matching
            namespace: gateway-conformance-infra
            sectionName: listener-4
          rules:
          - backendRefs:
            - name: infra-backend-v3
              port: 8080
        """);
    String gw = INFRA + "/httproute-listener-hostname-matching";
    accepted(gw, INFRA + "/backend-v1", INFRA + "/backend-v2", INFRA + "/backend-v3");
    expect(
        request("/").host("bar.com").backend("infra-backend-v1", INFRA),
        request("/").host("foo.bar.com").backend("infra-backend-v2", INFRA),
        request("/").host("baz.bar.com").backend("infra-backend-v3", INFRA),
        request("/").host("boo.bar.com").backend("infra-backend-v3", INFRA),
        request("/").host("multiple.prefixes.bar.com").backend("infra-backend-v3", INFRA),
        request("/").host("multiple.prefixes.foo.com").backend("infra-backend-v3", INFRA),
        request("/").host("foo.com").status(404),
        request("/").host("no.matching.host").status(404));
  }

  private static final String ISOLATION =
      """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: http-listener-isolation
          namespace: gateway-conformance-infra
        spec:
          gatewayClassName: "{GATEWAY_CLASS_NAME}"
          listeners:
          - name: empty-hostname
            port: 80
            protocol: HTTP
            allowedRoutes:
              namespaces:
                from: All
          - name: wildcard-example-com
            port: 80
            protocol: HTTP
            hostname: "*.example.com"
            allowedRoutes:
              namespaces:
                from: All
          - name: wildcard-foo-example-com
            port: 80
            protocol: HTTP
            hostname: "*.foo.example.com"
            allowedRoutes:
              namespaces:
                from: All
          - name: abc-foo-example-com
            port: 80
            protocol: HTTP
            hostname: "abc.foo.example.com"
            allowedRoutes:
              namespaces:
                from: All
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: attaches-to-empty-hostname
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: http-listener-isolation
            namespace: gateway-conformance-infra
            sectionName: empty-hostname
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /empty-hostname
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: attaches-to-wildcard-example-com
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: http-listener-isolation
            namespace: gateway-conformance-infra
            sectionName: wildcard-example-com
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /wildcard-example-com
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: attaches-to-wildcard-foo-example-com
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: http-listener-isolation
            namespace: gateway-conformance-infra
            sectionName: wildcard-foo-example-com
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /wildcard-foo-example-com
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: attaches-to-abc-foo-example-com
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: http-listener-isolation
            namespace: gateway-conformance-infra
            sectionName: abc-foo-example-com
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /abc-foo-example-com
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        """;
  private static final String ISOLATION_INTERSECTION =
      """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: http-listener-isolation-with-hostname-intersection
          namespace: gateway-conformance-infra
        spec:
          gatewayClassName: "{GATEWAY_CLASS_NAME}"
          listeners:
          - name: empty-hostname
            port: 80
            protocol: HTTP
            allowedRoutes:
              namespaces:
                from: All
          - name: wildcard-example-com
            port: 80
            protocol: HTTP
            hostname: "*.example.com"
            allowedRoutes:
              namespaces:
                from: All
          - name: wildcard-foo-example-com
            port: 80
            protocol: HTTP
            hostname: "*.foo.example.com"
            allowedRoutes:
              namespaces:
                from: All
          - name: abc-foo-example-com
            port: 80
            protocol: HTTP
            hostname: "abc.foo.example.com"
            allowedRoutes:
              namespaces:
                from: All
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: attaches-to-empty-hostname-with-hostname-intersection
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: http-listener-isolation-with-hostname-intersection
            namespace: gateway-conformance-infra
            sectionName: empty-hostname
          hostnames:
          - "bar.com"
          - "*.example.com" # request matching is prevented by the isolation wildcard-example-com listener
          - "*.foo.example.com" # request matching is prevented by the isolation wildcard-foo-example-com listener
          - "abc.foo.example.com" # request matching is prevented by the isolation of abc-foo-example-com listener
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /empty-hostname
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: attaches-to-wildcard-example-com-with-hostname-intersection
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: http-listener-isolation-with-hostname-intersection
            namespace: gateway-conformance-infra
            sectionName: wildcard-example-com
          hostnames:
          - "bar.com" # doesn't match wildcard-example-com listener
          - "*.example.com"
          - "*.foo.example.com" # request matching is prevented by the isolation of wildcard-foo-example-com listener
          - "abc.foo.example.com" # request matching is prevented by the isolation of abc-foo-example-com listener
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /wildcard-example-com
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: attaches-to-wildcard-foo-example-com-with-hostname-intersection
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: http-listener-isolation-with-hostname-intersection
            namespace: gateway-conformance-infra
            sectionName: wildcard-foo-example-com
          hostnames:
          - "bar.com" # doesn't match wildcard-foo-example-com listener
          - "*.example.com" # this becomes *.foo.example.com, as the hostname cannot be less specific than *.foo.example.com of the listener
          - "*.foo.example.com"
          - "abc.foo.example.com" # request matching is prevented by the isolation abc-foo-example-com listener
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /wildcard-foo-example-com
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: attaches-to-abc-foo-example-com-with-hostname-intersection
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: http-listener-isolation-with-hostname-intersection
            namespace: gateway-conformance-infra
            sectionName: abc-foo-example-com
          hostnames:
          - "bar.com" # doesn't match abc-foo-example-com listener
          - "*.example.com" # becomes abc.foo.example.com as it cannot be less specific than abc.foo.example.com of the listener
          - "*.foo.example.com" # becomes abc.foo.example.com as it cannot be less specific than abc.foo.example.com of the listener
          - "abc.foo.example.com"
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /abc-foo-example-com
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        """;

  private void isolated(String gateway, String... routes) {
    String gw = INFRA + "/" + gateway;
    accepted(gw, java.util.Arrays.stream(routes).map(r -> INFRA + "/" + r).toArray(String[]::new));
    expect(
        request("/empty-hostname").host("bar.com").backend("infra-backend-v1", INFRA),
        request("/wildcard-example-com").host("bar.com").status(404),
        request("/wildcard-foo-example-com").host("bar.com").status(404),
        request("/abc-foo-example-com").host("bar.com").status(404),
        request("/empty-hostname").host("bar.example.com").status(404),
        request("/wildcard-example-com").host("bar.example.com").backend("infra-backend-v1", INFRA),
        request("/wildcard-foo-example-com").host("bar.example.com").status(404),
        request("/abc-foo-example-com").host("bar.example.com").status(404),
        request("/empty-hostname").host("bar.foo.example.com").status(404),
        request("/wildcard-example-com").host("bar.foo.example.com").status(404),
        request("/wildcard-foo-example-com")
            .host("bar.foo.example.com")
            .backend("infra-backend-v1", INFRA),
        request("/abc-foo-example-com").host("bar.foo.example.com").status(404),
        request("/empty-hostname").host("abc.foo.example.com").status(404),
        request("/wildcard-example-com").host("abc.foo.example.com").status(404),
        request("/wildcard-foo-example-com").host("abc.foo.example.com").status(404),
        request("/abc-foo-example-com")
            .host("abc.foo.example.com")
            .backend("infra-backend-v1", INFRA));
  }

  @Test
  void gatewayHttpListenerIsolation() {
    // The suite applies both files at once; both Gateways have an HTTP listener without a
    // hostname, which Gantry's one HTTP listener cannot serve twice: one after the other.
    apply(List.of(), ISOLATION);
    isolated(
        "http-listener-isolation",
        "attaches-to-empty-hostname",
        "attaches-to-wildcard-example-com",
        "attaches-to-wildcard-foo-example-com",
        "attaches-to-abc-foo-example-com");
    apply(List.of(), ISOLATION_INTERSECTION);
    isolated(
        "http-listener-isolation-with-hostname-intersection",
        "attaches-to-empty-hostname-with-hostname-intersection",
        "attaches-to-wildcard-example-com-with-hostname-intersection",
        "attaches-to-wildcard-foo-example-com-with-hostname-intersection",
        "attaches-to-abc-foo-example-com-with-hostname-intersection");
  }

  @Test
  void httpRouteInvalidReferenceGrant() {
    apply(
        List.of("same-namespace"),
        """
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata:
          name: reference-grant-wrong-namespace
          namespace: gateway-conformance-infra
        spec:
          from:
            - group: gateway.networking.k8s.io
              kind: HTTPRoute
              namespace: gateway-conformance-infra
          to:
            - group: ""
              kind: Service
              name: web-backend
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata:
          name: reference-grant-wrong-from-group
          namespace: gateway-conformance-web-backend
        spec:
          from:
            - group: not-the-group-youre-looking-for
              kind: HTTPRoute
              namespace: gateway-conformance-infra
          to:
            - group: ""
              kind: Service
              name: web-backend
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata:
          name: reference-grant-wrong-from-kind
          namespace: gateway-conformance-web-backend
        spec:
          from:
            - group: gateway.networking.k8s.io
              kind: Gateway
              namespace: gateway-conformance-infra
          to:
            - group: ""
              kind: Service
              name: web-backend
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata:
          name: reference-grant-wrong-from-namespace
          namespace: gateway-conformance-web-backend
        spec:
          from:
            - group: gateway.networking.k8s.io
              kind: HTTPRoute
              namespace: not-the-namespace-youre-looking-for
          to:
            - group: ""
              kind: Service
              name: web-backend
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata:
          name: reference-grant-wrong-to-group
          namespace: gateway-conformance-web-backend
        spec:
          from:
            - group: gateway.networking.k8s.io
              kind: HTTPRoute
              namespace: gateway-conformance-infra
          to:
            - group: not-the-group-youre-looking-for
              kind: Service
              name: web-backend
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata:
          name: reference-grant-wrong-to-kind
          namespace: gateway-conformance-web-backend
        spec:
          from:
            - group: gateway.networking.k8s.io
              kind: HTTPRoute
              namespace: gateway-conformance-infra
          to:
            - group: ""
              kind: Secret
              name: web-backend
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata:
          name: reference-grant-wrong-to-name
          namespace: gateway-conformance-web-backend
        spec:
          from:
            - group: gateway.networking.k8s.io
              kind: HTTPRoute
              namespace: gateway-conformance-infra
          to:
            - group: ""
              kind: Secret
              name: not-the-service-youre-looking-for
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: reference-grant
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
            - name: same-namespace
          rules:
            - backendRefs:
                - name: web-backend
                  namespace: gateway-conformance-web-backend
                  port: 8080
        """);
    assertThat(condition(INFRA + "/reference-grant", SAME, "Accepted")).isEqualTo("True/Accepted");
    assertThat(condition(INFRA + "/reference-grant", SAME, "ResolvedRefs"))
        .isEqualTo("False/RefNotPermitted");
    expect(request("/").status(500));
  }

  @Test
  void httpRoutePartiallyInvalidViaInvalidReferenceGrant() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata:
          name: invalid-reference-grant
          namespace: gateway-conformance-app-backend
        spec:
          from:
            - group: gateway.networking.k8s.io
              kind: HTTPRoute
              namespace: gateway-conformance-infra
          to:
            - group: ""
              kind: Service
              name: app-backend-v1
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: invalid-reference-grant
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
            - name: same-namespace
          rules:
            - matches:
                - path:
                    type: PathPrefix
                    value: "/v2"
              backendRefs:
                - name: app-backend-v2
                  namespace: gateway-conformance-app-backend
                  port: 8080
            - backendRefs:
                - name: app-backend-v1
                  namespace: gateway-conformance-app-backend
                  port: 8080
        """);
    String route = INFRA + "/invalid-reference-grant";
    assertThat(condition(route, SAME, "Accepted")).isEqualTo("True/Accepted");
    assertThat(condition(route, SAME, "ResolvedRefs")).isEqualTo("False/RefNotPermitted");
    expect(request("/v2").status(500), request("/").backend("app-backend-v1", APP));
  }

  @Test
  void httpRouteCrossNamespace() {
    apply(
        List.of("backend-namespaces"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: cross-namespace
          namespace: gateway-conformance-web-backend
        spec:
          parentRefs:
          - name: backend-namespaces
            namespace: gateway-conformance-infra
          rules:
          - backendRefs:
            - name: web-backend
              port: 8080
        """);
    accepted(INFRA + "/backend-namespaces", WEB + "/cross-namespace");
    expect(request("/").backend("web-backend", WEB));
  }

  @Test
  void httpRouteNoBackendRefs() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: omitted-backendrefs
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: Exact
                value: /omitted-no-forward
          - matches:
            - path:
                type: Exact
                value: /empty-no-forward
            backendRefs: []
          - matches:
            - path:
                type: PathPrefix
                value: /
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        """);
    accepted(SAME, INFRA + "/omitted-backendrefs");
    expect(
        request("/forward").backend("infra-backend-v1", INFRA),
        request("/omitted-no-forward").status(500),
        request("/empty-no-forward").status(500));
  }

  @Test
  void httpRouteNamedRule() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: http-named-rules
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - name: named-rule
            matches:
            - path:
                type: PathPrefix
                value: /named
            backendRefs:
            - name: infra-backend-v1
              port: 8080
          - matches:
            - path:
                type: PathPrefix
                value: /unnamed
            backendRefs:
            - name: infra-backend-v2
              port: 8080
        """);
    accepted(SAME, INFRA + "/http-named-rules");
    expect(request("/named").namespace(INFRA), request("/unnamed").namespace(INFRA));
  }

  @Test
  void httpRouteRedirectPath() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: redirect-path
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /original-prefix
            filters:
            - type: RequestRedirect
              requestRedirect:
                path:
                  type: ReplacePrefixMatch
                  replacePrefixMatch: /replacement-prefix
          - matches:
            - path:
                type: PathPrefix
                value: /full
            filters:
            - type: RequestRedirect
              requestRedirect:
                path:
                  type: ReplaceFullPath
                  replaceFullPath: /full-path-replacement
          - matches:
            - path:
                type: PathPrefix
                value: /path-and-host
            filters:
            - type: RequestRedirect
              requestRedirect:
                hostname: example.org
                path:
                  type: ReplacePrefixMatch
                  replacePrefixMatch: /replacement-prefix
          - matches:
            - path:
                type: PathPrefix
                value: /path-and-status
            filters:
            - type: RequestRedirect
              requestRedirect:
                path:
                  type: ReplacePrefixMatch
                  replacePrefixMatch: /replacement-prefix
                statusCode: 301
          - matches:
            - path:
                type: PathPrefix
                value: /full-path-and-host
            filters:
            - type: RequestRedirect
              requestRedirect:
                hostname: example.org
                path:
                  type: ReplaceFullPath
                  replaceFullPath: /replacement-full
          - matches:
            - path:
                type: PathPrefix
                value: /full-path-and-status
            filters:
            - type: RequestRedirect
              requestRedirect:
                path:
                  type: ReplaceFullPath
                  replaceFullPath: /replacement-full
                statusCode: 301
        """);
    accepted(SAME, INFRA + "/redirect-path");
    expect(
        request("/original-prefix/lemon")
            .status(302)
            .redirect(null, null, null, "/replacement-prefix/lemon"),
        request("/full/path/original")
            .status(302)
            .redirect(null, null, null, "/full-path-replacement"),
        request("/path-and-host")
            .status(302)
            .redirect(null, "example.org", null, "/replacement-prefix"),
        request("/path-and-status").status(301).redirect(null, null, null, "/replacement-prefix"),
        request("/full-path-and-host")
            .status(302)
            .redirect(null, "example.org", null, "/replacement-full"),
        request("/full-path-and-status")
            .status(301)
            .redirect(null, null, null, "/replacement-full"));
  }

  @Test
  void httpRouteRedirectPort() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: redirect-port
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /port
            filters:
            - type: RequestRedirect
              requestRedirect:
                port: 8083
          - matches:
            - path:
                type: PathPrefix
                value: /port-and-host
            filters:
            - type: RequestRedirect
              requestRedirect:
                hostname: example.org
                port: 8083
          - matches:
            - path:
                type: PathPrefix
                value: /port-and-status
            filters:
            - type: RequestRedirect
              requestRedirect:
                port: 8083
                statusCode: 301
          - matches:
            - path:
                type: PathPrefix
                value: /port-and-host-and-status
            filters:
            - type: RequestRedirect
              requestRedirect:
                port: 8083
                hostname: example.org
                statusCode: 302
        """);
    accepted(SAME, INFRA + "/redirect-port");
    expect(
        request("/port").status(302).redirect(null, null, "8083", null),
        request("/port-and-host").status(302).redirect(null, "example.org", "8083", null),
        request("/port-and-status").status(301).redirect(null, null, "8083", null),
        request("/port-and-host-and-status")
            .status(302)
            .redirect(null, "example.org", "8083", null));
  }

  @Test
  void httpRouteRedirectScheme() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: redirect-scheme
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /scheme
            filters:
            - type: RequestRedirect
              requestRedirect:
                scheme: "https"
          - matches:
            - path:
                type: PathPrefix
                value: /scheme-and-host
            filters:
            - type: RequestRedirect
              requestRedirect:
                hostname: example.org
                scheme: "https"
          - matches:
            - path:
                type: PathPrefix
                value: /scheme-and-status
            filters:
            - type: RequestRedirect
              requestRedirect:
                scheme: "https"
                statusCode: 301
          - matches:
            - path:
                type: PathPrefix
                value: /scheme-and-host-and-status
            filters:
            - type: RequestRedirect
              requestRedirect:
                scheme: "https"
                statusCode: 302
                hostname: example.org
        """);
    accepted(SAME, INFRA + "/redirect-scheme");
    expect(
        request("/scheme").status(302).redirect("https", null, null, null),
        request("/scheme-and-host").status(302).redirect("https", "example.org", null, null),
        request("/scheme-and-status").status(301).redirect("https", null, null, null),
        request("/scheme-and-host-and-status")
            .status(302)
            .redirect("https", "example.org", null, null));
  }

  @Test
  void httpRoute303Redirect() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: 303-redirect
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /see-other
            filters:
            - type: RequestRedirect
              requestRedirect:
                statusCode: 303
        """);
    accepted(SAME, INFRA + "/303-redirect");
    expect(
        request("/see-other").method("POST").status(303).redirect(null, null, null, "/see-other"));
  }

  @Test
  void httpRoute307Redirect() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: 307-redirect
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /temporary
            filters:
            - type: RequestRedirect
              requestRedirect:
                statusCode: 307
        """);
    accepted(SAME, INFRA + "/307-redirect");
    expect(request("/temporary").status(307).redirect(null, null, null, "/temporary"));
  }

  @Test
  void httpRoute308Redirect() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: 308-redirect
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /permanent
            filters:
            - type: RequestRedirect
              requestRedirect:
                statusCode: 308
        """);
    accepted(SAME, INFRA + "/308-redirect");
    expect(request("/permanent").status(308).redirect(null, null, null, "/permanent"));
  }

  @Test
  void httpRouteResponseHeaderModifier() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: response-header-modifier
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /set
            filters:
            - type: ResponseHeaderModifier
              responseHeaderModifier:
                set:
                - name: X-Header-Set
                  value: set-overwrites-values
            backendRefs:
            - name: infra-backend-v1
              port: 8080
          - matches:
            - path:
                type: PathPrefix
                value: /add
            filters:
            - type: ResponseHeaderModifier
              responseHeaderModifier:
                add:
                - name: X-Header-Add
                  value: add-appends-values
            backendRefs:
            - name: infra-backend-v1
              port: 8080
          - matches:
            - path:
                type: PathPrefix
                value: /remove
            filters:
            - type: ResponseHeaderModifier
              responseHeaderModifier:
                remove:
                - X-Header-Remove
            backendRefs:
            - name: infra-backend-v1
              port: 8080
          - matches:
            - path:
                type: PathPrefix
                value: /multiple
            filters:
            - type: ResponseHeaderModifier
              responseHeaderModifier:
                set:
                - name: X-Header-Set-1
                  value: header-set-1
                - name: X-Header-Set-2
                  value: header-set-2
                add:
                - name: X-Header-Add-1
                  value: header-add-1
                - name: X-Header-Add-2
                  value: header-add-2
                - name: X-Header-Add-3
                  value: header-add-3
                remove:
                - X-Header-Remove-1
                - X-Header-Remove-2
            backendRefs:
            - name: infra-backend-v1
              port: 8080
          - matches:
            - path:
                type: PathPrefix
                value: /case-insensitivity
            filters:
            - type: ResponseHeaderModifier
              responseHeaderModifier:
                set:
                - name: X-Header-Set
                  value: header-set
                add:
                - name: X-Header-Add
                  value: header-add
                - name: x-lowercase-add
                  value: lowercase-add
                - name: x-Mixedcase-ADD-1
                  value: mixedcase-add-1
                - name: X-mixeDcase-add-2
                  value: mixedcase-add-2
                - name: X-UPPERCASE-ADD
                  value: uppercase-add
                remove:
                - X-Header-Remove
            backendRefs:
            - name: infra-backend-v1
              port: 8080
          - matches:
            - path:
                type: PathPrefix
                value: /response-and-request-header-modifiers
            filters:
            - type: ResponseHeaderModifier
              responseHeaderModifier:
                set:
                - name: X-Header-Set-1
                  value: header-set-1
                - name: X-Header-Set-2
                  value: header-set-2
                add:
                - name: X-Header-Add-1
                  value: header-add-1
                - name: X-Header-Add-2
                  value: header-add-2
                remove:
                - X-Header-Remove-1
                - X-Header-Remove-2
            - type: RequestHeaderModifier
              requestHeaderModifier:
                set:
                - name: X-Header-Set
                  value: set-overwrites-values
                add:
                - name: X-Header-Add
                  value: header-val-1
                - name: X-Header-Add-Append
                  value: header-val-2
                remove:
                - X-Header-Remove
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        """);
    accepted(SAME, INFRA + "/response-header-modifier");
    expect(
        request("/set")
            .backendSets("Some-Other-Header", "val")
            .responseHeader("Some-Other-Header", "val")
            .responseHeader("X-Header-Set", "set-overwrites-values")
            .backend("infra-backend-v1", INFRA),
        request("/set")
            .backendSets("Some-Other-Header", "val")
            .backendSets("X-Header-Set", "some-other-value")
            .responseHeader("Some-Other-Header", "val")
            .responseHeader("X-Header-Set", "set-overwrites-values")
            .backend("infra-backend-v1", INFRA),
        request("/add")
            .backendSets("Some-Other-Header", "val")
            .responseHeader("Some-Other-Header", "val")
            .responseHeader("X-Header-Add", "add-appends-values")
            .backend("infra-backend-v1", INFRA),
        request("/add")
            .backendSets("Some-Other-Header", "val")
            .backendSets("X-Header-Add", "some-other-value")
            .responseHeader("Some-Other-Header", "val")
            .responseHeader("X-Header-Add", "some-other-value,add-appends-values")
            .backend("infra-backend-v1", INFRA),
        request("/remove")
            .backendSets("X-Header-Remove", "val")
            .absentResponseHeader("X-Header-Remove")
            .backend("infra-backend-v1", INFRA),
        request("/multiple")
            .backendSets("X-Header-Set-2", "set-val-2")
            .backendSets("X-Header-Add-2", "add-val-2")
            .backendSets("X-Header-Remove-2", "remove-val-2")
            .backendSets("Another-Header", "another-header-val")
            .backendSets("X-Header-Remove-1", "val")
            .responseHeader("X-Header-Set-1", "header-set-1")
            .responseHeader("X-Header-Set-2", "header-set-2")
            .responseHeader("X-Header-Add-1", "header-add-1")
            .responseHeader("X-Header-Add-2", "add-val-2,header-add-2")
            .responseHeader("X-Header-Add-3", "header-add-3")
            .responseHeader("Another-Header", "another-header-val")
            .absentResponseHeader("X-Header-Remove-1")
            .absentResponseHeader("X-Header-Remove-2")
            .backend("infra-backend-v1", INFRA),
        request("/case-insensitivity")
            .backendSets("x-header-set", "original-val-set")
            .backendSets("x-header-add", "original-val-add")
            .backendSets("x-header-remove", "original-val-remove")
            .backendSets("Another-Header", "another-header-val")
            .responseHeader("X-Header-Set", "header-set")
            .responseHeader("X-Header-Add", "original-val-add,header-add")
            .responseHeader("X-Lowercase-Add", "lowercase-add")
            .responseHeader("X-Mixedcase-Add-1", "mixedcase-add-1")
            .responseHeader("X-Mixedcase-Add-2", "mixedcase-add-2")
            .responseHeader("X-Uppercase-Add", "uppercase-add")
            .responseHeader("Another-Header", "another-header-val")
            .absentResponseHeader("x-header-remove")
            .absentResponseHeader("X-Header-Remove")
            .backend("infra-backend-v1", INFRA),
        request("/response-and-request-header-modifiers")
            .header("X-Header-Remove", "remove-val")
            .header("X-Header-Add-Append", "append-val-1")
            .header("X-Header-Echo", "echo")
            .backendSets("X-Header-Set-2", "set-val-2")
            .backendSets("X-Header-Add-2", "add-val-2")
            .backendSets("X-Header-Remove-2", "remove-val-2")
            .backendSets("Another-Header", "another-header-val")
            .backendSets("X-Header-Remove-1", "remove-val-1")
            .backendSets("X-Header-Echo", "echo")
            .expectedHeader("X-Header-Add", "header-val-1")
            .expectedHeader("X-Header-Set", "set-overwrites-values")
            .expectedHeader("X-Header-Add-Append", "append-val-1,header-val-2")
            .expectedHeader("X-Header-Echo", "echo")
            .absentRequestHeader("X-Header-Remove")
            .responseHeader("X-Header-Set-1", "header-set-1")
            .responseHeader("X-Header-Set-2", "header-set-2")
            .responseHeader("X-Header-Add-1", "header-add-1")
            .responseHeader("X-Header-Add-2", "add-val-2,header-add-2")
            .responseHeader("Another-Header", "another-header-val")
            .responseHeader("X-Header-Echo", "echo")
            .absentResponseHeader("X-Header-Remove-1")
            .absentResponseHeader("X-Header-Remove-2")
            .backend("infra-backend-v1", INFRA));
  }

  @Test
  void httpRouteRewriteHost() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: rewrite-host
          namespace: gateway-conformance-infra
        spec:
          hostnames:
            - "rewrite.example"
          parentRefs:
            - name: same-namespace
          rules:
            - matches:
                - path:
                    type: PathPrefix
                    value: /one
              filters:
                - type: URLRewrite
                  urlRewrite:
                    hostname: one.example.org
              backendRefs:
                - name: infra-backend-v1
                  port: 8080
            - filters:
                - type: URLRewrite
                  urlRewrite:
                    hostname: example.org
              backendRefs:
                - name: infra-backend-v2
                  port: 8080
            - matches:
                - path:
                    type: PathPrefix
                    value: /rewrite-host-and-modify-headers
              filters:
                - type: URLRewrite
                  urlRewrite:
                    hostname: test.example.org
                - type: RequestHeaderModifier
                  requestHeaderModifier:
                    set:
                      - name: X-Header-Set
                        value: set-overwrites-values
                    add:
                      - name: X-Header-Add
                        value: header-val-1
                      - name: X-Header-Add-Append
                        value: header-val-2
                    remove:
                      - X-Header-Remove
              backendRefs:
                - name: infra-backend-v2
                  port: 8080
        """);
    accepted(SAME, INFRA + "/rewrite-host");
    expect(
        request("/one")
            .host("rewrite.example")
            .expectedRequest("/one", "one.example.org")
            .backend("infra-backend-v1", INFRA),
        request("/two")
            .host("rewrite.example")
            .expectedRequest("/two", "example.org")
            .backend("infra-backend-v2", INFRA),
        request("/rewrite-host-and-modify-headers")
            .host("rewrite.example")
            .header("X-Header-Remove", "remove-val")
            .header("X-Header-Add-Append", "append-val-1")
            .expectedRequest("/rewrite-host-and-modify-headers", "test.example.org")
            .expectedHeader("X-Header-Add", "header-val-1")
            .expectedHeader("X-Header-Add-Append", "append-val-1,header-val-2")
            .expectedHeader("X-Header-Set", "set-overwrites-values")
            .absentRequestHeader("X-Header-Remove")
            .backend("infra-backend-v2", INFRA));
  }

  @Test
  void httpRouteRequestHeaderModifierBackendWeights() throws Exception {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: request-header-modifier-backend-weights
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - backendRefs:
            - name: infra-backend-v1
              port: 8080
              weight: 10
              filters:
              - type: RequestHeaderModifier
                requestHeaderModifier:
                  set:
                  - name: Backend
                    value: infra-backend-v1
            - name: infra-backend-v2
              port: 8080
              weight: 10
              filters:
              - type: RequestHeaderModifier
                requestHeaderModifier:
                  set:
                  - name: Backend
                    value: infra-backend-v2
        """);
    accepted(SAME, INFRA + "/request-header-modifier-backend-weights");
    expect(request("/").namespace(INFRA));
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> r = bed.send("gateway.test", "GET", "/", Map.of());
      @SuppressWarnings("unchecked")
      Map<String, Object> got = JSON.unmarshal(r.body(), Map.class);
      @SuppressWarnings("unchecked")
      List<String> backend = ((Map<String, List<String>>) got.get("headers")).get("backend");
      assertThat(backend).hasSize(1);
      assertThat((String) got.get("pod")).startsWith(backend.get(0));
    }
  }

  @Test
  void httpRouteBackendRequestHeaderModifier() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: request-header-modifier
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /set
            backendRefs:
            - name: infra-backend-v1
              port: 8080
              filters:
              - type: RequestHeaderModifier
                requestHeaderModifier:
                  set:
                  - name: X-Header-Set
                    value: set-overwrites-values
          - matches:
            - path:
                type: PathPrefix
                value: /add
            backendRefs:
            - name: infra-backend-v1
              port: 8080
              filters:
              - type: RequestHeaderModifier
                requestHeaderModifier:
                  add:
                  - name: X-Header-Add
                    value: add-appends-values
          - matches:
            - path:
                type: PathPrefix
                value: /remove
            backendRefs:
            - name: infra-backend-v1
              port: 8080
              filters:
              - type: RequestHeaderModifier
                requestHeaderModifier:
                  remove:
                  - X-Header-Remove
          - matches:
            - path:
                type: PathPrefix
                value: /multiple
            backendRefs:
            - name: infra-backend-v1
              port: 8080
              filters:
              - type: RequestHeaderModifier
                requestHeaderModifier:
                  set:
                  - name: X-Header-Set-1
                    value: header-set-1
                  - name: X-Header-Set-2
                    value: header-set-2
                  add:
                  - name: X-Header-Add-1
                    value: header-add-1
                  - name: X-Header-Add-2
                    value: header-add-2
                  - name: X-Header-Add-3
                    value: header-add-3
                  remove:
                  - X-Header-Remove-1
                  - X-Header-Remove-2
          - matches:
            - path:
                type: PathPrefix
                value: /case-insensitivity
            backendRefs:
            - name: infra-backend-v1
              port: 8080
              filters:
              - type: RequestHeaderModifier
                requestHeaderModifier:
                  set:
                  - name: X-Header-Set
                    value: header-set
                  add:
                  - name: X-Header-Add
                    value: header-add
                  remove:
                  - X-Header-Remove
        """);
    accepted(SAME, INFRA + "/request-header-modifier");
    expect(
        request("/set")
            .header("Some-Other-Header", "val")
            .expectedHeader("Some-Other-Header", "val")
            .expectedHeader("X-Header-Set", "set-overwrites-values")
            .backend("infra-backend-v1", INFRA),
        request("/set")
            .header("Some-Other-Header", "val")
            .header("X-Header-Set", "some-other-value")
            .expectedHeader("Some-Other-Header", "val")
            .expectedHeader("X-Header-Set", "set-overwrites-values")
            .backend("infra-backend-v1", INFRA),
        request("/add")
            .header("Some-Other-Header", "val")
            .expectedHeader("Some-Other-Header", "val")
            .expectedHeader("X-Header-Add", "add-appends-values")
            .backend("infra-backend-v1", INFRA),
        request("/add")
            .header("Some-Other-Header", "val")
            .header("X-Header-Add", "some-other-value")
            .expectedHeader("Some-Other-Header", "val")
            .expectedHeader("X-Header-Add", "some-other-value,add-appends-values")
            .backend("infra-backend-v1", INFRA),
        request("/remove")
            .header("X-Header-Remove", "val")
            .absentRequestHeader("X-Header-Remove")
            .backend("infra-backend-v1", INFRA),
        request("/multiple")
            .header("X-Header-Set-2", "set-val-2")
            .header("X-Header-Add-2", "add-val-2")
            .header("X-Header-Remove-2", "remove-val-2")
            .header("Another-Header", "another-header-val")
            .expectedHeader("X-Header-Set-1", "header-set-1")
            .expectedHeader("X-Header-Set-2", "header-set-2")
            .expectedHeader("X-Header-Add-1", "header-add-1")
            .expectedHeader("X-Header-Add-2", "add-val-2,header-add-2")
            .expectedHeader("X-Header-Add-3", "header-add-3")
            .expectedHeader("Another-Header", "another-header-val")
            .absentRequestHeader("X-Header-Remove-1")
            .absentRequestHeader("X-Header-Remove-2")
            .backend("infra-backend-v1", INFRA),
        request("/case-insensitivity")
            .header("x-header-set", "original-val-set")
            .header("x-header-add", "original-val-add")
            .header("x-header-remove", "original-val-remove")
            .header("Another-Header", "another-header-val")
            .expectedHeader("X-Header-Set", "header-set")
            .expectedHeader("X-Header-Add", "original-val-add,header-add")
            .expectedHeader("Another-Header", "another-header-val")
            .absentRequestHeader("x-header-remove")
            .absentRequestHeader("X-Header-Remove")
            .backend("infra-backend-v1", INFRA));
  }

  @Test
  void httpRouteRequestMultipleMirrors() {
    apply(
        List.of("same-namespace"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: request-multiple-mirrors
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /multi-mirror
            filters:
            - type: RequestMirror
              requestMirror:
                backendRef:
                  name: infra-backend-v2
                  namespace: gateway-conformance-infra
                  port: 8080
            - type: RequestMirror
              requestMirror:
                backendRef:
                  name: infra-backend-v3
                  namespace: gateway-conformance-infra
                  port: 8080
            backendRefs:
            - name: infra-backend-v1
              port: 8080
              namespace: gateway-conformance-infra
          - matches:
            - path:
                type: PathPrefix
                value: /multi-mirror-and-modify-request-headers
            filters:
            - type: RequestHeaderModifier
              requestHeaderModifier:
                set:
                - name: X-Header-Set
                  value: set-overwrites-values
                add:
                - name: X-Header-Add
                  value: header-val-1
                - name: X-Header-Add-Append
                  value: header-val-2
                remove:
                - X-Header-Remove
            - type: RequestMirror
              requestMirror:
                backendRef:
                  name: infra-backend-v2
                  namespace: gateway-conformance-infra
                  port: 8080
            - type: RequestMirror
              requestMirror:
                backendRef:
                  name: infra-backend-v3
                  namespace: gateway-conformance-infra
                  port: 8080
            backendRefs:
            - name: infra-backend-v1
              port: 8080
              namespace: gateway-conformance-infra
        """);
    accepted(SAME, INFRA + "/request-multiple-mirrors");
    for (Expect e :
        List.of(
            request("/multi-mirror"),
            request("/multi-mirror-and-modify-request-headers")
                .header("X-Header-Remove", "remove-val")
                .header("X-Header-Add-Append", "append-val-1")
                .expectedHeader("X-Header-Add", "header-val-1")
                .expectedHeader("X-Header-Add-Append", "append-val-1,header-val-2")
                .expectedHeader("X-Header-Set", "set-overwrites-values")
                .absentRequestHeader("X-Header-Remove"))) {
      // As the suite: a request id in the query, then each mirror's log must show it (here the
      // echo's record of what it received stands for the pod's log).
      String path = e.path + "?gateway-api-conformance-request-id=" + UUID.randomUUID();
      expect(e.path(path).backend("infra-backend-v1", INFRA));
      for (String mirror : List.of("infra-backend-v2", "infra-backend-v3")) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    received.stream()
                        .anyMatch(r -> r.startsWith(mirror) && r.endsWith(" " + path)));
      }
    }
  }

  private static final String INTERSECTION =
      """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw-httproute-exact-hostname-x
          namespace: gateway-conformance-infra
        spec:
          gatewayClassName: "{GATEWAY_CLASS_NAME}"
          listeners:
          - name: listener-exact-hostname
            protocol: HTTP
            port: 80
            hostname: abc.example.com
            allowedRoutes:
              namespaces:
                from: Same
              kinds:
              - kind: HTTPRoute
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw-httproute-exact-hostname-x-path
          namespace: gateway-conformance-infra
        spec:
          gatewayClassName: "{GATEWAY_CLASS_NAME}"
          listeners:
          - name: listener-exact-hostname
            protocol: HTTP
            port: 80
            hostname: abc.example.com
            allowedRoutes:
              namespaces:
                from: Same
              kinds:
              - kind: HTTPRoute
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw-httproute-exact-hostname-x-path-header
          namespace: gateway-conformance-infra
        spec:
          gatewayClassName: "{GATEWAY_CLASS_NAME}"
          listeners:
          - name: listener-exact-hostname
            protocol: HTTP
            port: 80
            hostname: abc.example.com
            allowedRoutes:
              namespaces:
                from: Same
              kinds:
              - kind: HTTPRoute
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw-httproute-wc-hostname-x
          namespace: gateway-conformance-infra
        spec:
          gatewayClassName: "{GATEWAY_CLASS_NAME}"
          listeners:
          - name: listener-wc-hostname
            protocol: HTTP
            port: 80
            hostname: "*.example.com"
            allowedRoutes:
              namespaces:
                from: Same
              kinds:
              - kind: HTTPRoute
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw-httproute-wc-hostname-x-path
          namespace: gateway-conformance-infra
        spec:
          gatewayClassName: "{GATEWAY_CLASS_NAME}"
          listeners:
          - name: listener-wc-hostname
            protocol: HTTP
            port: 80
            hostname: "*.example.com"
            allowedRoutes:
              namespaces:
                from: Same
              kinds:
              - kind: HTTPRoute
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw-httproute-wc-hostname-x-path-header
          namespace: gateway-conformance-infra
        spec:
          gatewayClassName: "{GATEWAY_CLASS_NAME}"
          listeners:
          - name: listener-wc-hostname
            protocol: HTTP
            port: 80
            hostname: "*.example.com"
            allowedRoutes:
              namespaces:
                from: Same
              kinds:
              - kind: HTTPRoute
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: httproute-wc-hostname-x-older
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: gw-httproute-exact-hostname-x
            namespace: gateway-conformance-infra
          hostnames:
          - "*.example.com"
          rules:
          - backendRefs:
            - name: infra-backend-v1
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: httproute-wc-hostname-x-path-older
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: gw-httproute-exact-hostname-x-path
            namespace: gateway-conformance-infra
          hostnames:
          - "*.example.com"
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /path/prefix
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: httproute-wc-hostname-x-path-header-older
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: gw-httproute-exact-hostname-x-path-header
            namespace: gateway-conformance-infra
          hostnames:
          - "*.example.com"
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /path/prefix
              headers:
              - type: Exact
                name: Header-B
                value: B
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: httproute-less-specific-wc-hostname-x-older
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: gw-httproute-wc-hostname-x
            namespace: gateway-conformance-infra
          hostnames:
          - "*.com"
          rules:
          - backendRefs:
            - name: infra-backend-v1
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: httproute-less-specific-wc-hostname-x-path-older
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: gw-httproute-wc-hostname-x-path
            namespace: gateway-conformance-infra
          hostnames:
          - "*.com"
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /path/prefix
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: httproute-less-specific-wc-hostname-x-path-header-older
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: gw-httproute-wc-hostname-x-path-header
            namespace: gateway-conformance-infra
          hostnames:
          - "*.com"
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /path/prefix
              headers:
              - type: Exact
                name: Header-B
                value: B
            backendRefs:
            - name: infra-backend-v1
              port: 8080
        """;

  /** A newer route, as the suite creates it a second after the older one is accepted. */
  private static String newer(String name, String gateway, String hostname, String match) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: %s
          namespace: gateway-conformance-infra
        spec:
          parentRefs:
          - name: %s
          hostnames:
          - "%s"
          rules:
          - %sbackendRefs:
            - name: infra-backend-v2
              port: 8080
        """
        .formatted(name, gateway, hostname, match);
  }

  private static final String PATH_MATCH =
      "matches:\n    - path:\n        type: PathPrefix\n        value: /path\n    ";
  private static final String PATH_HEADER_MATCH =
      "matches:\n    - path:\n        type: PathPrefix\n        value: /path\n"
          + "      headers:\n      - type: Exact\n        name: Header-A\n        value: A\n    ";

  private void intersection(
      String gateway,
      String older,
      String newer,
      String hostname,
      String match,
      Expect... expectations) {
    String gw = INFRA + "/" + gateway;
    apply(List.of(), select(INTERSECTION, gateway, older));
    accepted(gw, INFRA + "/" + older);
    apply(List.of(), select(INTERSECTION, gateway, older), newer(newer, gateway, hostname, match));
    accepted(gw, INFRA + "/" + older, INFRA + "/" + newer);
    expect(expectations);
  }

  @Test
  void httpRouteMultipleRoutesAttachmentSameHostnameIntersection() {
    // Six Gateways whose listeners share hostnames: each subtest's alone.
    intersection(
        "gw-httproute-exact-hostname-x",
        "httproute-wc-hostname-x-older",
        "httproute-exact-hostname-x-newer",
        "abc.example.com",
        "",
        request("/").host("abc.example.com").backend("infra-backend-v2", INFRA));
    intersection(
        "gw-httproute-exact-hostname-x-path",
        "httproute-wc-hostname-x-path-older",
        "httproute-exact-hostname-x-path-newer",
        "abc.example.com",
        PATH_MATCH,
        request("/path/prefix/longer").host("abc.example.com").backend("infra-backend-v2", INFRA));
    intersection(
        "gw-httproute-exact-hostname-x-path-header",
        "httproute-wc-hostname-x-path-header-older",
        "httproute-exact-hostname-x-path-header-newer",
        "abc.example.com",
        PATH_HEADER_MATCH,
        request("/path/prefix/longer")
            .host("abc.example.com")
            .header("Header-A", "A")
            .header("Header-B", "B")
            .backend("infra-backend-v2", INFRA),
        request("/path/prefix/longer")
            .host("abc.example.com")
            .header("Header-B", "B")
            .backend("infra-backend-v1", INFRA));
    intersection(
        "gw-httproute-wc-hostname-x",
        "httproute-less-specific-wc-hostname-x-older",
        "httproute-more-specific-wc-hostname-x-newer",
        "*.example.com",
        "",
        request("/").host("abc.example.com").backend("infra-backend-v2", INFRA));
    intersection(
        "gw-httproute-wc-hostname-x-path",
        "httproute-less-specific-wc-hostname-x-path-older",
        "httproute-more-specific-wc-hostname-x-path-newer",
        "*.example.com",
        PATH_MATCH,
        request("/path/prefix/longer").host("abc.example.com").backend("infra-backend-v2", INFRA));
    intersection(
        "gw-httproute-wc-hostname-x-path-header",
        "httproute-less-specific-wc-hostname-x-path-header-older",
        "httproute-more-specific-wc-hostname-x-path-header-newer",
        "*.example.com",
        PATH_HEADER_MATCH,
        request("/path/prefix/longer")
            .host("abc.example.com")
            .header("Header-A", "A")
            .header("Header-B", "B")
            .backend("infra-backend-v2", INFRA),
        request("/path/prefix/longer")
            .host("abc.example.com")
            .header("Header-B", "B")
            .backend("infra-backend-v1", INFRA));
  }
}
