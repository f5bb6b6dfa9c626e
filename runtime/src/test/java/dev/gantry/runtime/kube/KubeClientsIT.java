package dev.gantry.runtime.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gantry.testbed.Pki;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClient;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link KubeClients} on a real apiserver (TLS): six requests held open and a run of others share
 * one connection, where fabric8's default client opens one per request in flight; objects are read
 * without their managed fields, and written back without losing the server's.
 */
@WithClusters({"hub"})
class KubeClientsIT {

  @Test
  void requestsInFlightShareOneConnection(Testbed testbed) throws Exception {
    Config config = Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig());
    int port = URI.create(config.getMasterUrl()).getPort();
    Set<String> before = connectionsTo(port);
    try (KubernetesClient client = KubeClients.of(config)) {
      List<HttpResponse<InputStream>> watches = watching(client);
      for (int i = 0; i < 20; i++) {
        client.namespaces().list();
      }

      assertThat(newSince(before, port)).hasSize(1);
      assertThat(client.namespaces().withName("default").get()).isNotNull();
      close(watches);
    }
  }

  /** What the test above tells apart: fabric8's default client needs a connection per request. */
  @Test
  void theDefaultClientOpensAConnectionPerRequestInFlight(Testbed testbed) throws Exception {
    Config config = Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig());
    int port = URI.create(config.getMasterUrl()).getPort();
    Set<String> before = connectionsTo(port);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      List<HttpResponse<InputStream>> watches = watching(client);

      assertThat(newSince(before, port)).hasSizeGreaterThanOrEqualTo(6);
      close(watches);
    }
  }

  /**
   * fabric8's switch back to HTTP/1.1 holds for a config read from a kubeconfig file, which fabric8
   * itself does not apply it to: the watches then need a connection each again.
   */
  @Test
  void theHttp2SwitchKeepsAClientFromAKubeconfigOnHttp11(Testbed testbed) throws Exception {
    withProperty(
        KubeClients.HTTP2_DISABLE,
        () -> {
          Config config = Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig());
          // What the client works around: fabric8 left the switch out of this config.
          assertThat(config.isHttp2Disable()).isFalse();
          int port = URI.create(config.getMasterUrl()).getPort();
          Set<String> before = connectionsTo(port);
          try (KubernetesClient client = KubeClients.of(config)) {
            List<HttpResponse<InputStream>> watches = watching(client);

            assertThat(newSince(before, port)).hasSizeGreaterThanOrEqualTo(6);
            close(watches);
          }
          return null;
        });
  }

  /**
   * Requests and watches speak TLS through BoringSSL, authenticated by the kubeconfig's client
   * certificate; the switch gives them the JDK's TLS, which works as well.
   */
  @Test
  void tlsIsBoringSslsAndTheSwitchGivesTheJdks(Testbed testbed) throws Exception {
    Config config = Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig());
    assertThat(config.getClientCertData()).isNotBlank();

    assertThat(tlsSessions(config))
        .hasSize(2)
        .allSatisfy(c -> assertThat(c).startsWith("io.netty.handler.ssl.").contains("OpenSsl"));
    assertThat(withProperty(KubeClients.OPENSSL_DISABLE, () -> tlsSessions(config)))
        .hasSize(2)
        .allSatisfy(c -> assertThat(c).startsWith("sun.security.ssl."));
  }

  /**
   * BoringSSL checks the apiserver as the JDK's TLS does: a certificate that no trusted CA signed
   * is refused, and so is one that names another address (the apiserver's names 127.0.0.1, here
   * reached at 127.0.0.2 through a forwarder, which at 127.0.0.1 it is answered through).
   */
  @Test
  void boringSslRefusesAnUntrustedOrMisnamedApiserver(Testbed testbed) throws Exception {
    assertThat(KubeClients.openSsl()).isTrue();
    Config untrusted = Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig());
    untrusted.setCaCertData(
        Base64.getEncoder()
            .encodeToString(
                Pki.pem(Pki.newAuthority("other").caCertificate())
                    .getBytes(StandardCharsets.US_ASCII)));
    assertRefused(untrusted);

    try (Forwarder misnamed =
            new Forwarder(apiserverPort(testbed), InetAddress.getByName("127.0.0.2"));
        Forwarder named = new Forwarder(apiserverPort(testbed))) {
      Config config = Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig());
      config.setMasterUrl("https://127.0.0.2:" + misnamed.port());
      assertRefused(config);

      config.setMasterUrl("https://127.0.0.1:" + named.port());
      try (KubernetesClient client = KubeClients.of(config)) {
        assertThat(client.namespaces().withName("default").get()).isNotNull();
      }
    }
  }

  /**
   * A kubeconfig with {@code insecure-skip-tls-verify: true} reaches an apiserver under BoringSSL
   * whatever CA signed it or address it is reached at, as under the JDK's TLS.
   */
  @Test
  void boringSslSkipsTheChecksWhereTheKubeconfigSaysSo(Testbed testbed) throws Exception {
    assertThat(KubeClients.openSsl()).isTrue();
    try (Forwarder misnamed =
        new Forwarder(apiserverPort(testbed), InetAddress.getByName("127.0.0.2"))) {
      Config config = Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig());
      config.setCaCertData(null);
      config.setCaCertFile(null);
      config.setTrustCerts(true);
      config.setMasterUrl("https://127.0.0.2:" + misnamed.port());
      try (KubernetesClient client = KubeClients.of(config)) {
        assertThat(client.namespaces().withName("default").get()).isNotNull();
      }
    }
  }

  private static void assertRefused(Config config) {
    config.setRequestTimeout(10_000);
    config.setRequestRetryBackoffLimit(0);
    try (KubernetesClient client = KubeClients.of(config)) {
      assertThatThrownBy(() -> client.namespaces().withName("default").get())
          .isInstanceOf(KubernetesClientException.class)
          .hasStackTraceContaining("SSLHandshakeException");
    }
  }

  /**
   * The classes of the TLS sessions of a request and of a watch (a WebSocket, as fabric8's
   * informers watch), each answered by the apiserver, made by a client for {@code config}.
   */
  private static List<String> tlsSessions(Config config) throws Exception {
    try (KubernetesClient client = KubeClients.of(config)) {
      assertThat(client.namespaces().withName("default").get()).isNotNull();
      Vertx5HttpClient<?> http = (Vertx5HttpClient<?>) client.getHttpClient();
      HttpClientRequest request =
          http.getHttpClient()
              .request(new RequestOptions().setAbsoluteURI(config.getMasterUrl() + "version"))
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      String requests = request.connection().sslSession().getClass().getName();
      HttpClientResponse answer =
          request.send().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      String watchUri =
          config.getMasterUrl().replaceFirst("^https:", "wss:")
              + "api/v1/namespaces?watch=true&fieldSelector=metadata.name%3Ddefault";
      // Its handler set before it connects: the apiserver sends the first event at once.
      CompletableFuture<String> event = new CompletableFuture<>();
      ClientWebSocket watch = http.getWebSocketClient().webSocket();
      watch.handler(data -> event.complete(data.toString()));
      watch
          .connect(new WebSocketConnectOptions().setAbsoluteURI(watchUri))
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      try {
        assertThat(event.get(30, TimeUnit.SECONDS)).contains("\"ADDED\"");
        return List.of(requests, watch.sslSession().getClass().getName());
      } finally {
        watch.close();
      }
    }
  }

  @Test
  void objectsAreReadWithoutManagedFieldsAndWrittenBackWithTheServersKept(Testbed testbed)
      throws Exception {
    Config config = Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig());
    try (KubernetesClient plain = new KubernetesClientBuilder().withConfig(config).build();
        KubernetesClient lean = KubeClients.of(config)) {
      plain
          .configMaps()
          .inNamespace("default")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("lean")
                  .endMetadata()
                  .addToData("a", "1")
                  .build())
          .serverSideApply();
      SharedIndexInformer<ConfigMap> informer =
          lean.configMaps().inNamespace("default").withName("lean").runnableInformer(0);
      try {
        informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);

        ConfigMap read = lean.configMaps().inNamespace("default").withName("lean").get();
        assertThat(read.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(informer.getStore().list())
            .singleElement()
            .satisfies(c -> assertThat(c.getMetadata().getManagedFields()).isNullOrEmpty());
        assertThat(plain.configMaps().inNamespace("default").withName("lean").get())
            .satisfies(c -> assertThat(c.getMetadata().getManagedFields()).isNotEmpty());

        read.getData().put("b", "2");
        ConfigMap written = lean.configMaps().inNamespace("default").resource(read).update();
        assertThat(written.getData()).containsEntry("b", "2");
        assertThat(written.getMetadata().getManagedFields()).isNullOrEmpty();
        // The watch's event of the update: read without them too.
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> informer.getStore().list().get(0).getData().containsKey("b"));
        assertThat(informer.getStore().list().get(0).getMetadata().getManagedFields())
            .isNullOrEmpty();
        // The apply's entry is still the server's: the update sent none to replace it.
        assertThat(
                plain
                    .configMaps()
                    .inNamespace("default")
                    .withName("lean")
                    .get()
                    .getMetadata()
                    .getManagedFields())
            .anySatisfy(f -> assertThat(f.getOperation()).isEqualTo("Apply"));
      } finally {
        informer.close();
        plain.configMaps().inNamespace("default").withName("lean").delete();
      }
    }
  }

  /**
   * A list of 290 KB comes compressed (35 KB), over HTTP/2 and over HTTP/1.1, where fabric8's
   * default client, or ours with compression turned off, reads it whole: the bytes the server sent
   * through a forwarder, over TLS, for the same list.
   */
  @Test
  void aLargeListComesCompressed(Testbed testbed) throws Exception {
    Config config = Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig());
    String namespace = "compressed";
    try (KubernetesClient plain = new KubernetesClientBuilder().withConfig(config).build()) {
      plain
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .serverSideApply();
      try {
        for (int i = 0; i < 100; i++) {
          StringBuilder endpoints = new StringBuilder();
          for (int e = 0; e < 100; e++) {
            endpoints.append("198.18.%d.%d:8080 ready\n".formatted(i, e));
          }
          plain
              .configMaps()
              .inNamespace(namespace)
              .resource(
                  new ConfigMapBuilder()
                      .withNewMetadata()
                      .withName("list-" + i)
                      .endMetadata()
                      .addToData("endpoints", endpoints.toString())
                      .build())
              .serverSideApply();
        }

        long whole =
            bytesToList(
                testbed, namespace, c -> new KubernetesClientBuilder().withConfig(c).build());
        long overHttp2 = bytesToList(testbed, namespace, KubeClients::of);
        long overHttp11 =
            withProperty(
                KubeClients.HTTP2_DISABLE, () -> bytesToList(testbed, namespace, KubeClients::of));
        long turnedOff =
            withProperty(
                KubeClients.COMPRESSION_DISABLE,
                () -> bytesToList(testbed, namespace, KubeClients::of));

        assertThat(whole).isGreaterThan(250_000);
        assertThat(overHttp2).isLessThan(whole / 4);
        assertThat(overHttp11).isLessThan(whole / 4);
        assertThat(turnedOff).isGreaterThan(whole * 9 / 10);
      } finally {
        plain.namespaces().withName(namespace).delete();
      }
    }
  }

  /** The bytes the server sends through a forwarder for a list of {@code namespace}'s 100. */
  private static long bytesToList(
      Testbed testbed, String namespace, Function<Config, KubernetesClient> clients)
      throws Exception {
    try (Forwarder forwarder = new Forwarder(apiserverPort(testbed))) {
      Config config = throughForwarder(testbed, forwarder);
      config.setRequestTimeout(30_000);
      try (KubernetesClient client = clients.apply(config)) {
        assertThat(client.configMaps().inNamespace(namespace).list().getItems()).hasSize(100);
        return forwarder.fromServer();
      }
    }
  }

  /** What {@code work} returns with the system property {@code name} true meanwhile. */
  private static <T> T withProperty(String name, Callable<T> work) throws Exception {
    String was = System.setProperty(name, "true");
    try {
      return work.call();
    } finally {
      if (was == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, was);
      }
    }
  }

  @Test
  void aConnectionThatWentSilentIsClosedAndTheNextRequestsGoOnAnother(Testbed testbed)
      throws Exception {
    try (Forwarder forwarder = new Forwarder(apiserverPort(testbed));
        KubernetesClient client =
            KubeClients.of(throughForwarder(testbed, forwarder), Duration.ofSeconds(2))) {
      assertThat(client.namespaces().withName("default").get()).isNotNull();

      forwarder.silenceOpenConnections(); // open, but nothing goes through any more

      assertThatThrownBy(() -> client.namespaces().withName("default").get())
          .isInstanceOf(KubernetesClientException.class);
      await()
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .until(() -> client.namespaces().withName("default").get() != null);
      assertThat(forwarder.accepted()).isEqualTo(2);
    }
  }

  /** What the test above tells apart: without the read-idle timeout, the dead connection stays. */
  @Test
  void withoutTheReadIdleTimeoutRequestsKeepGoingToTheSilentConnection(Testbed testbed)
      throws Exception {
    try (Forwarder forwarder = new Forwarder(apiserverPort(testbed));
        KubernetesClient client =
            KubeClients.of(throughForwarder(testbed, forwarder), Duration.ZERO)) {
      assertThat(client.namespaces().withName("default").get()).isNotNull();

      forwarder.silenceOpenConnections();

      long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
      while (System.nanoTime() < until) {
        assertThatThrownBy(() -> client.namespaces().withName("default").get())
            .isInstanceOf(KubernetesClientException.class);
      }
      assertThat(forwarder.accepted()).isEqualTo(1);
    }
  }

  private static int apiserverPort(Testbed testbed) {
    return URI.create(
            Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig()).getMasterUrl())
        .getPort();
  }

  /** The admin config pointed at the forwarder, with one attempt of a second per request. */
  private static Config throughForwarder(Testbed testbed, Forwarder forwarder) {
    Config config = Config.fromKubeconfig(testbed.cluster("hub").adminKubeconfig());
    config.setMasterUrl("https://127.0.0.1:" + forwarder.port());
    config.setRequestTimeout(1_000);
    config.setRequestRetryBackoffLimit(0);
    return config;
  }

  /**
   * A TCP forwarder on the loopback address to a port: what a load balancer is between a client and
   * the apiserver. {@link #silenceOpenConnections} makes the connections open at the time forward
   * nothing more while staying open, as when a middlebox drops a connection without a reset; the
   * connections accepted after that forward as before.
   */
  private static final class Forwarder implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong fromServer = new AtomicLong();
    private volatile int silencedBefore;
    private final ExecutorService pumps = Executors.newCachedThreadPool();

    Forwarder(int target) throws IOException {
      this(target, InetAddress.getLoopbackAddress());
    }

    Forwarder(int target, InetAddress address) throws IOException {
      this.target = target;
      this.server = new ServerSocket(0, 50, address);
      pumps.execute(this::accept);
    }

    int port() {
      return server.getLocalPort();
    }

    int accepted() {
      return accepted.get();
    }

    /** The bytes the server has sent through so far. */
    long fromServer() {
      return fromServer.get();
    }

    void silenceOpenConnections() {
      silencedBefore = accepted.get() + 1;
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket in = server.accept();
          int number = accepted.incrementAndGet();
          Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
          sockets.add(in);
          sockets.add(out);
          pumps.execute(() -> pump(number, in, out, null));
          pumps.execute(() -> pump(number, out, in, fromServer));
        } catch (IOException closed) {
          return;
        }
      }
    }

    /**
     * Copies {@code from} to {@code to} until either closes or this connection is silenced, adding
     * what it copied to {@code counted} when there is one.
     */
    private void pump(int number, Socket from, Socket to, AtomicLong counted) {
      byte[] buffer = new byte[16384];
      try {
        InputStream input = from.getInputStream();
        OutputStream output = to.getOutputStream();
        for (int n; (n = input.read(buffer)) >= 0; ) {
          if (number < silencedBefore) {
            continue; // read and dropped: the peer sees an open connection that says nothing
          }
          output.write(buffer, 0, n);
          output.flush();
          if (counted != null) {
            counted.addAndGet(n);
          }
        }
      } catch (IOException closed) {
        // the other side went
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
      pumps.shutdownNow();
    }
  }

  /**
   * Six watches made as plain streaming requests, each holding its response open: fabric8's
   * informers watch over WebSockets, which have connections of their own whatever the protocol.
   */
  private static List<HttpResponse<InputStream>> watching(KubernetesClient client)
      throws Exception {
    List<HttpResponse<InputStream>> watches = new ArrayList<>();
    HttpClient http = client.getHttpClient();
    for (int i = 0; i < 6; i++) {
      HttpRequest request =
          http.newHttpRequestBuilder()
              .uri(client.getMasterUrl() + "api/v1/namespaces?watch=true&timeoutSeconds=60")
              .build();
      HttpResponse<InputStream> response =
          http.sendAsync(request, InputStream.class).get(30, TimeUnit.SECONDS);
      assertThat(response.code()).isEqualTo(200);
      watches.add(response);
    }
    return watches;
  }

  private static void close(List<HttpResponse<InputStream>> watches) throws IOException {
    for (HttpResponse<InputStream> watch : watches) {
      watch.body().close();
    }
  }

  /** The connections to {@code port} opened since {@code before} was taken. */
  private static Set<String> newSince(Set<String> before, int port) throws IOException {
    Set<String> now = connectionsTo(port);
    now.removeAll(before);
    return now;
  }

  /**
   * The local addresses of this process's established TCP connections to {@code port}: the sockets
   * of /proc/self/net/tcp{,6} (the whole network namespace) whose inode is one of this process's
   * open files.
   */
  private static Set<String> connectionsTo(int port) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String link = Files.readSymbolicLink(fd).toString();
          if (link.startsWith("socket:[")) {
            inodes.add(link.substring("socket:[".length(), link.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // not ours any more
        }
      }
    }
    String remote = ":%04X".formatted(port);
    Set<String> local = new HashSet<>();
    for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      List<String> lines = Files.readAllLines(path);
      for (String line : lines.subList(1, lines.size())) {
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode; 01 established
        String[] fields = line.trim().split("\\s+");
        if (fields[2].toUpperCase(Locale.ROOT).endsWith(remote)
            && fields[3].equals("01")
            && inodes.contains(fields[9])) {
          local.add(fields[1]);
        }
      }
    }
    return local;
  }
}
