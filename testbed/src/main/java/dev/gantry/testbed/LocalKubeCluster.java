package dev.gantry.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A cluster made of one etcd and one kube-apiserver process on free loopback ports, with its own
 * CA, RBAC authorization and an admin identity in {@code system:masters}. There is no controller
 * manager or scheduler: tests write EndpointSlices themselves, and namespaces never finish
 * deleting.
 */
final class LocalKubeCluster extends AbstractKubeCluster {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final int apiPort;
  private final Pki.Issued admin;
  private final ManagedProcess etcd;
  private final Tools tools;
  private final String etcdUrl;
  private final Path pkiDir;
  private ManagedProcess apiServer;
  private List<String> extraFlags = List.of();

  private LocalKubeCluster(
      String name, Path dir, Tools tools, Pki pki, Pki.Issued admin, int apiPort) {
    super(
        name,
        pki,
        Kubeconfig.withClientCertificate(
            name,
            url(apiPort),
            admin.caPem(),
            admin.certificatePem(),
            admin.privateKeyPem(),
            "admin"),
        dir);
    this.dir = dir;
    this.apiPort = apiPort;
    this.admin = admin;
    this.tools = tools;
    this.etcdUrl = "http://127.0.0.1:" + Ports.freeLoopbackPort();
    this.etcd = etcd(name, dir, tools, etcdUrl, "http://127.0.0.1:" + Ports.freeLoopbackPort());
    this.pkiDir = writePki(name, dir, pki);
    this.apiServer = apiServer(name, dir, tools, etcdUrl, apiPort, pkiDir, List.of());
  }

  /** Starts etcd and the apiserver and waits until the apiserver reports ready. */
  static LocalKubeCluster start(String name, Path dir, Tools tools) {
    Pki pki = Pki.newAuthority(name);
    Pki.Issued admin = pki.clientCertificate("gantry-admin", List.of("system:masters"));
    LocalKubeCluster cluster =
        new LocalKubeCluster(name, dir, tools, pki, admin, Ports.freeLoopbackPort());
    try {
      cluster.etcd.start();
      cluster.startApiServer();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Writes the CA, the apiserver's serving pair and the service-account keys; returns their dir.
   */
  private static Path writePki(String name, Path dir, Pki pki) {
    try {
      Path pkiDir = Files.createDirectories(dir.resolve("pki"));
      Pki.Issued serving = pki.servingCertificate("kube-apiserver");
      Files.writeString(pkiDir.resolve("ca.crt"), Pki.pem(pki.caCertificate()));
      Files.writeString(pkiDir.resolve("apiserver.crt"), serving.certificatePem());
      Files.writeString(pkiDir.resolve("apiserver.key"), serving.privateKeyPem());
      String[] sa = Pki.serviceAccountKeyPem();
      Files.writeString(pkiDir.resolve("sa.pub"), sa[0]);
      Files.writeString(pkiDir.resolve("sa.key"), sa[1]);
      return pkiDir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare cluster " + name + " in " + dir, e);
    }
  }

  private static ManagedProcess etcd(
      String name, Path dir, Tools tools, String etcdUrl, String peerUrl) {
    return new ManagedProcess(
        name + "/etcd",
        List.of(
            Tools.require(tools.etcd()).toString(),
            "--name=" + name,
            "--data-dir=" + dir.resolve("etcd"),
            "--listen-client-urls=" + etcdUrl,
            "--advertise-client-urls=" + etcdUrl,
            "--listen-peer-urls=" + peerUrl,
            "--initial-advertise-peer-urls=" + peerUrl,
            "--initial-cluster=" + name + "=" + peerUrl,
            "--initial-cluster-state=new",
            // Test data is disposable; skipping fsync makes writes an order faster.
            "--unsafe-no-fsync=true",
            "--quota-backend-bytes=4294967296",
            "--log-level=warn"),
        dir.resolve("logs/etcd.log"));
  }

  private static ManagedProcess apiServer(
      String name,
      Path dir,
      Tools tools,
      String etcdUrl,
      int apiPort,
      Path pkiDir,
      List<String> extraFlags) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Tools.require(tools.kubeApiServer()).toString(),
                "--etcd-servers=" + etcdUrl,
                "--bind-address=127.0.0.1",
                "--secure-port=" + apiPort,
                // Only written into the kubernetes Service's endpoints, which the reconciler
                // below never writes; an address that is never contacted (RFC 2544 range).
                "--advertise-address=198.18.0.1",
                "--endpoint-reconciler-type=none",
                "--cert-dir=" + dir.resolve("apiserver-certs"),
                "--tls-cert-file=" + pkiDir.resolve("apiserver.crt"),
                "--tls-private-key-file=" + pkiDir.resolve("apiserver.key"),
                "--client-ca-file=" + pkiDir.resolve("ca.crt"),
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + pkiDir.resolve("sa.pub"),
                "--service-account-signing-key-file=" + pkiDir.resolve("sa.key"),
                "--authorization-mode=RBAC",
                "--service-cluster-ip-range=10.96.0.0/16",
                "--enable-priority-and-fairness=false",
                "--profiling=false",
                "--v=1"));
    command.addAll(extraFlags);
    return new ManagedProcess(
        name + "/kube-apiserver", command, dir.resolve("logs/kube-apiserver.log"));
  }

  private static String url(int apiPort) {
    return "https://127.0.0.1:" + apiPort;
  }

  @Override
  public synchronized void startApiServer() {
    startApiServer(List.of());
  }

  @Override
  public synchronized void startApiServer(List<String> flags) {
    if (!flags.equals(extraFlags)) {
      if (apiServer.isAlive()) {
        throw new IllegalStateException(name() + " kube-apiserver is running; stop it first");
      }
      apiServer = apiServer(name(), dir, tools, etcdUrl, apiPort, pkiDir, flags);
      extraFlags = List.copyOf(flags);
    }
    apiServer.start();
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(admin.sslContext())
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    HttpRequest readyz =
        HttpRequest.newBuilder(URI.create(apiServerUrl() + "/readyz"))
            .timeout(Duration.ofSeconds(5))
            .build();
    apiServer.awaitReady(
        name() + " kube-apiserver",
        READY_TIMEOUT,
        () -> {
          etcd.checkAlive();
          return http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
  }

  @Override
  public long compactEtcd() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try {
      // Any read answers with the store's current revision in its header.
      JsonNode range = etcdPost(http, "/v3/kv/range", "{\"key\":\"AA==\"}");
      long revision = range.path("header").path("revision").asLong(0);
      if (revision <= 0) {
        throw new IllegalStateException("etcd of " + name() + " gave no revision: " + range);
      }
      etcdPost(http, "/v3/kv/compaction", "{\"revision\":\"" + revision + "\",\"physical\":true}");
      return revision;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compact etcd of " + name(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted compacting etcd of " + name(), e);
    }
  }

  private JsonNode etcdPost(HttpClient http, String path, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(etcdUrl + path))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "etcd " + path + " of " + name() + ": " + response.statusCode() + " " + response.body());
    }
    return JsonMapper.shared().readTree(response.body());
  }

  @Override
  public synchronized void stopApiServer() {
    apiServer.stop();
  }

  @Override
  public boolean isApiServerRunning() {
    return apiServer.isAlive();
  }

  @Override
  public String provider() {
    return "local";
  }

  @Override
  public String apiServerUrl() {
    return url(apiPort);
  }

  @Override
  public List<ManagedProcess> processes() {
    return new ArrayList<>(List.of(etcd, apiServer));
  }

  Path directory() {
    return dir;
  }

  @Override
  public synchronized void close() {
    closeClient();
    apiServer.stop();
    etcd.stop();
  }
}
