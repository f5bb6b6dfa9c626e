package dev.gantry.hub;

import dev.gantry.hub.certgen.CertgenCommand;
import dev.gantry.runtime.LeaderElection;
import dev.gantry.runtime.cli.BuildVersion;
import dev.gantry.runtime.cli.Commands;
import dev.gantry.runtime.cli.FlagValues;
import dev.gantry.runtime.kube.KubeClients;
import dev.gantry.xds.ir.DnsLookupFamily;
import dev.gantry.xds.server.XdsTls;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gantry-hub}: the aggregator and the xDS server, in the hub cluster. */
@Command(
    name = "gantry-hub",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    subcommands = CertgenCommand.class,
    description =
        "Serves Envoy over ADS (state of the world and Delta) from HTTPProxies and the federated services of the hub.",
    footer = {
      "",
      "Examples:",
      "  gantry hub --xds-tls-cert tls/hub.crt --xds-tls-key tls/hub.key --xds-tls-ca tls/ca.crt",
      "  gantry hub --xds-insecure --xds-address 127.0.0.1:18000 --leader-elect   # local trials"
    })
public final class HubCommand implements Callable<Integer> {
  /** The Lease the writing replica holds. */
  static final String LEASE = "gantry-hub";

  @Option(
      names = "--hub-kubeconfig",
      description = "Kubeconfig of the hub (default: " + Commands.AUTO_KUBECONFIG + ").")
  Path hubKubeconfig;

  @Option(
      names = "--xds-address",
      defaultValue = "0.0.0.0:8001",
      description = "host:port of the xDS gRPC server (default: ${DEFAULT-VALUE}).")
  String xdsAddress;

  @Option(
      names = "--admin-address",
      defaultValue = "127.0.0.1:8002",
      description = "host:port of /metrics, /healthz, /readyz (default: ${DEFAULT-VALUE}).")
  String adminAddress;

  @Option(
      names = "--holdoff",
      defaultValue = "10ms",
      description =
          "Least time between two merges of the federation, and between a build that sent Envoy"
              + " something and the next that compiles routes: an isolated change goes through at"
              + " once, changes during the holdoff are taken together; a merge that changed"
              + " endpoints only goes to Envoy at once, unless a build of the routes waits"
              + " (default: ${DEFAULT-VALUE}).")
  String holdoff;

  @Option(
      names = "--stale-endpoint-ttl",
      description = "How long a stale cluster's endpoints keep receiving traffic (default: keep).")
  String staleEndpointTtl;

  @Option(
      names = "--cluster-heartbeat-timeout",
      defaultValue = "40s",
      description =
          "Mark a cluster Stale when its discoverer's heartbeat (RemoteCluster"
              + " status.lastHeartbeatTime) has not moved for this long, whether the discoverer or"
              + " its way to the hub is gone; 0 turns it off (default: ${DEFAULT-VALUE}).")
  String heartbeatTimeout;

  @Option(
      names = "--leader-elect",
      description =
          "Write HTTPProxy status and ServiceImports only while holding the Lease "
              + LEASE
              + " (for replicas > 1; every replica serves xDS).")
  boolean leaderElect;

  @Option(
      names = "--leader-elect-namespace",
      defaultValue = "default",
      description = "Hub namespace of the Lease (default: ${DEFAULT-VALUE}).")
  String leaseNamespace;

  @Option(
      names = "--ingress-class",
      defaultValue = "gantry",
      description =
          "HTTPProxies and Ingresses of this class are served (default: ${DEFAULT-VALUE}).")
  String ingressClass;

  @Option(
      names = "--envoy-http-address",
      defaultValue = "0.0.0.0",
      description = "Address of Envoy's ingress_http listener (default: ${DEFAULT-VALUE}).")
  String envoyHttpAddress;

  @Option(
      names = "--envoy-http-port",
      defaultValue = "8080",
      description = "Port of Envoy's ingress_http listener (default: ${DEFAULT-VALUE}).")
  int envoyHttpPort;

  @Option(
      names = "--envoy-https-port",
      defaultValue = "8443",
      description =
          "Port of Envoy's ingress_https listener, for HTTPProxies with TLS (default:"
              + " ${DEFAULT-VALUE}).")
  int envoyHttpsPort;

  @CommandLine.Mixin ListenerFlags listener = new ListenerFlags();

  @CommandLine.Mixin RateLimitFlags rateLimit = new RateLimitFlags();

  @Option(
      names = "--fallback-certificate",
      paramLabel = "<namespace>/<name>",
      description =
          "kubernetes.io/tls Secret served to clients that send no SNI (or one naming no host)"
              + " by HTTPProxies with tls.enableFallbackCertificate; it must be delegated to their"
              + " namespaces with a TLSCertificateDelegation (default: none, and such proxies are"
              + " invalid).")
  String fallbackCertificate;

  @Option(
      names = "--envoy-service-namespace",
      description =
          "Namespace of Envoy's Service, whose status.loadBalancer (or externalIPs) the hub writes"
              + " into status.loadBalancer of HTTPProxies and Ingresses of its class, for"
              + " external-dns (default: none, nothing written).")
  String envoyServiceNamespace;

  @Option(
      names = "--envoy-service-name",
      description = "Name of Envoy's Service (with --envoy-service-namespace).")
  String envoyServiceName;

  @Option(
      names = "--ingress-status-address",
      description =
          "Addresses (IPs or host names, comma-separated) to write into status.loadBalancer of"
              + " HTTPProxies and Ingresses instead of the Envoy Service's.")
  String ingressStatusAddress;

  @Option(
      names = "--xds-tls-cert",
      description =
          "PEM certificate (with its chain) the xDS port presents; re-read when it changes.")
  Path xdsTlsCert;

  @Option(
      names = "--xds-tls-key",
      description = "PEM private key (PKCS#8) of --xds-tls-cert; re-read when it changes.")
  Path xdsTlsKey;

  @Option(
      names = "--xds-tls-ca",
      description =
          "PEM CA that signs the certificates of the xDS clients (Envoy); a client without one"
              + " is refused at the handshake. Re-read when it changes.")
  Path xdsTlsCa;

  @Option(
      names = "--xds-tls-reload",
      defaultValue = "30s",
      description = "How often the xDS TLS files are read again (default: ${DEFAULT-VALUE}).")
  String xdsTlsReload;

  @Option(
      names = "--xds-insecure",
      description =
          "Serve xDS in plain text, without TLS or client authentication: anyone who can reach"
              + " the port gets every route and TLS private key. For tests and demos only.")
  boolean xdsInsecure;

  @Option(
      names = "--enable-external-name-service",
      description =
          "Route to ExternalName Services (as Envoy DNS clusters), as Contour's"
              + " enableExternalNameService. Off by default: anyone who may write a Service could"
              + " then send the gateway's traffic to any DNS name.")
  boolean enableExternalNameService;

  @Option(
      // One setting for every cluster Envoy resolves by DNS, as Contour's; the older name, from
      // when ExternalName Services were the only such clusters, still works.
      names = {"--dns-lookup-family", "--external-name-dns-lookup-family"},
      defaultValue = "auto",
      description =
          "Which addresses Envoy asks DNS for when it resolves a name itself (an ExternalName"
              + " Service, a JWT provider's key set without its own dnsLookupFamily): auto"
              + " (IPv6, else IPv4), v4, v6 or all, as Contour's cluster.dnsLookupFamily"
              + " (default: ${DEFAULT-VALUE}).")
  String externalNameDnsLookupFamily;

  @Option(
      names = "--cluster-domain",
      defaultValue = "cluster.local",
      description =
          "The hub's cluster DNS domain: a Service annotated gantry.dev/upstream-discovery=dns is"
              + " resolved by Envoy as <name>.<namespace>.svc.<domain> (default: ${DEFAULT-VALUE}).")
  String clusterDomain;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Parses and runs; returns the exit code (2 for bad flags, with the reason printed). */
  static int run(String... args) {
    return Commands.execute(new CommandLine(new HubCommand()), args);
  }

  /** As {@link #run(String...)}, printing errors to {@code err} (a seam for tests). */
  static int run(PrintWriter err, String... args) {
    return Commands.execute(new CommandLine(new HubCommand()).setErr(err), args);
  }

  HubConfig config() {
    // The other flags are judged first: their errors are the more specific.
    return new HubConfig(
            address("--xds-address", xdsAddress),
            address("--admin-address", adminAddress),
            FlagValues.duration("--holdoff", holdoff),
            staleEndpointTtl == null
                ? null
                : FlagValues.duration("--stale-endpoint-ttl", staleEndpointTtl),
            ingressClass,
            envoyHttpAddress,
            envoyHttpPort,
            envoyHttpsPort,
            null,
            null)
        .withXdsTls(xdsTls())
        .withLeaderElection(
            leaderElect
                ? LeaderElection.Settings.of(
                    leaseNamespace, LEASE, LeaderElection.identity("gantry-hub"))
                : null)
        .withHeartbeatTimeout(heartbeatTimeout())
        .withListenerSettings(listener.settings())
        .withFallbackCertificate(fallbackCertificate)
        .withStatusAddress(statusAddress())
        .withRateLimitService(rateLimit.service())
        .withExternalNameServices(enableExternalNameService)
        .withExternalNameDnsLookupFamily(dnsLookupFamily())
        .withClusterDomain(clusterDomain);
  }

  private DnsLookupFamily dnsLookupFamily() {
    DnsLookupFamily family = DnsLookupFamily.parse(externalNameDnsLookupFamily);
    if (family == null || externalNameDnsLookupFamily.isEmpty()) {
      throw new IllegalArgumentException(
          "--dns-lookup-family must be auto, v4, v6 or all, not \""
              + externalNameDnsLookupFamily
              + "\"");
    }
    return family;
  }

  /** As Contour: a fixed address wins over the Envoy Service. */
  private StatusAddress.Source statusAddress() {
    if (ingressStatusAddress != null) {
      return StatusAddress.Source.fixed(ingressStatusAddress);
    }
    if (envoyServiceNamespace == null && envoyServiceName == null) {
      return null;
    }
    return new StatusAddress.Source(envoyServiceNamespace, envoyServiceName, null);
  }

  private Duration heartbeatTimeout() {
    Duration timeout = FlagValues.duration("--cluster-heartbeat-timeout", heartbeatTimeout);
    return timeout.isZero() ? null : timeout;
  }

  /** Mutual TLS from the three files, or null with --xds-insecure; anything else is refused. */
  private XdsTls xdsTls() {
    boolean anyTls = xdsTlsCert != null || xdsTlsKey != null || xdsTlsCa != null;
    if (xdsInsecure) {
      if (anyTls) {
        throw new IllegalArgumentException(
            "--xds-insecure serves plain text: it takes no --xds-tls-cert, --xds-tls-key or"
                + " --xds-tls-ca");
      }
      return null;
    }
    if (xdsTlsCert == null || xdsTlsKey == null || xdsTlsCa == null) {
      throw new IllegalArgumentException(
          "xDS is served over mutual TLS: give --xds-tls-cert, --xds-tls-key and --xds-tls-ca"
              + " (gantry certgen makes them), or --xds-insecure for plain text (tests and demos"
              + " only)");
    }
    for (Path file : new Path[] {xdsTlsCert, xdsTlsKey, xdsTlsCa}) {
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException("cannot read xDS TLS file " + file);
      }
    }
    return new XdsTls(
        xdsTlsCert, xdsTlsKey, xdsTlsCa, FlagValues.duration("--xds-tls-reload", xdsTlsReload));
  }

  @Override
  public Integer call() throws Exception {
    HubConfig config = config();
    Config clientConfig;
    if (hubKubeconfig != null) {
      try {
        clientConfig = Config.fromKubeconfig(Files.readString(hubKubeconfig));
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read --hub-kubeconfig " + hubKubeconfig + ": " + e.getMessage());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "--hub-kubeconfig " + hubKubeconfig + " is not a kubeconfig: " + e.getMessage());
      }
    } else {
      clientConfig = Config.autoConfigure(null);
    }
    KubernetesClient client = KubeClients.of(clientConfig);
    Hub hub = new Hub(config, client).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  hub.close();
                  client.close();
                  stopped.countDown();
                },
                "hub-shutdown"));
    stopped.await();
    return 0;
  }

  static InetSocketAddress address(String flag, String value) {
    return FlagValues.address(flag, value);
  }
}
