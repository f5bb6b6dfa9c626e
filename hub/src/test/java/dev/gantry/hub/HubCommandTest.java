package dev.gantry.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.xds.compile.httpproxy.RateLimitService;
import dev.gantry.xds.ir.DnsLookupFamily;
import dev.gantry.xds.ir.GlobalRateLimit;
import dev.gantry.xds.server.XdsTls;
import dev.gantry.xds.translate.ListenerSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class HubCommandTest {
  @TempDir Path dir;

  record Bad(String name, List<String> args, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> badFlags() {
    return Stream.of(
        new Bad(
            "holdoff not a duration",
            List.of("--holdoff", "soon"),
            "error: --holdoff: 'soon' is not a duration (e.g. 90s, 10m, 1h30m)"),
        new Bad(
            "negative holdoff",
            List.of("--holdoff", "PT-1S"),
            "error: --holdoff must not be negative"),
        new Bad(
            "stale TTL not a duration",
            List.of("--stale-endpoint-ttl", "1d"),
            "error: --stale-endpoint-ttl: '1d' is not a duration (e.g. 90s, 10m, 1h30m)"),
        new Bad(
            "heartbeat timeout not a duration",
            List.of("--xds-insecure", "--cluster-heartbeat-timeout", "often"),
            "error: --cluster-heartbeat-timeout: 'often' is not a duration (e.g. 90s, 10m,"
                + " 1h30m)"),
        new Bad(
            "negative heartbeat timeout",
            List.of("--xds-insecure", "--cluster-heartbeat-timeout", "PT-5S"),
            "error: --cluster-heartbeat-timeout must be positive"),
        new Bad(
            "xDS address without a port",
            List.of("--xds-address", "localhost"),
            "error: --xds-address: 'localhost' is not host:port"),
        new Bad(
            "admin port out of range",
            List.of("--admin-address", "127.0.0.1:70000"),
            "error: --admin-address: '127.0.0.1:70000' is not host:port"),
        new Bad(
            "empty ingress class",
            List.of("--ingress-class", " "),
            "error: --ingress-class must not be empty"),
        new Bad(
            "Envoy port out of range",
            List.of("--envoy-http-port", "0"),
            "error: --envoy-http-port must be 1-65535"),
        new Bad(
            "Envoy port not a number",
            List.of("--envoy-http-port", "http"),
            "error: Invalid value for option '--envoy-http-port': 'http' is not an int"),
        new Bad(
            "HTTPS port out of range",
            List.of("--envoy-https-port", "65536"),
            "error: --envoy-https-port must be 1-65535"),
        new Bad(
            "HTTPS port the same as the HTTP port",
            List.of("--envoy-http-port", "8443"),
            "error: --envoy-https-port must differ from --envoy-http-port (8443)"),
        new Bad(
            "access log format not one of Contour's",
            List.of("--xds-insecure", "--access-log-format", "logfmt"),
            "error: --access-log-format: 'logfmt' is not one of envoy, json"),
        new Bad(
            "access log level not one of Contour's",
            List.of("--xds-insecure", "--access-log-level", "debug"),
            "error: --access-log-level: 'debug' is not one of info, error, critical, disabled"),
        new Bad(
            "rate limit service not namespace/name",
            List.of("--xds-insecure", "--rate-limit-service", "ratelimit"),
            "error: --rate-limit-service: 'ratelimit' is not <namespace>/<name> of an"
                + " ExtensionService"),
        new Bad(
            "default global rate limit policy with an entry of two kinds",
            List.of(
                "--xds-insecure",
                "--rate-limit-service=a/b",
                "--rate-limit-default-global-policy",
                "{descriptors: [{entries: [{remoteAddress: {}, genericKey: {value: v}}]}]}"),
            "error: --rate-limit-default-global-policy: defaultGlobalRateLimitPolicy.descriptors[0]"
                + ".entries[0]: rate limit descriptor entry must have exactly one field set"),
        new Bad(
            "default global rate limit policy with a field Contour does not have",
            List.of(
                "--xds-insecure",
                "--rate-limit-service=a/b",
                "--rate-limit-default-global-policy",
                "{descriptor: []}"),
            "error: --rate-limit-default-global-policy: unknown fields"
                + " defaultGlobalRateLimitPolicy.descriptor"),
        new Bad(
            "default global rate limit policy without a service",
            List.of("--xds-insecure", "--rate-limit-default-global-policy", "{}"),
            "error: --rate-limit-default-global-policy needs --rate-limit-service"),
        new Bad(
            "empty rate limit domain",
            List.of("--xds-insecure", "--rate-limit-service", "a/b", "--rate-limit-domain="),
            "error: --rate-limit-domain: the rate limit domain must not be empty"),
        new Bad(
            "negative trusted hops",
            List.of("--xds-insecure", "--num-trusted-hops", "-1"),
            "error: --num-trusted-hops must not be negative"),
        new Bad(
            "Server header transformation unknown",
            List.of("--xds-insecure", "--server-header-transformation", "hide"),
            "error: --server-header-transformation: 'hide' is not one of overwrite,"
                + " append_if_absent, pass_through"),
        new Bad(
            "stream idle timeout not a duration",
            List.of("--xds-insecure", "--stream-idle-timeout", "forever"),
            "error: --stream-idle-timeout: 'forever' is not a duration (e.g. 90s, 10m, 1h30m)"),
        new Bad(
            "fallback certificate without its namespace",
            List.of("--xds-insecure", "--fallback-certificate", "fallback"),
            "error: --fallback-certificate must be namespace/name of a Secret, not \"fallback\""),
        new Bad(
            "fallback certificate with a name Kubernetes refuses",
            List.of("--xds-insecure", "--fallback-certificate", "gantry/Fallback_Cert"),
            "error: --fallback-certificate must be namespace/name of a Secret, not"
                + " \"gantry/Fallback_Cert\""),
        new Bad(
            "Envoy Service name without its namespace",
            List.of("--xds-insecure", "--envoy-service-name", "envoy"),
            "error: --envoy-service-namespace and --envoy-service-name go together"),
        new Bad(
            "an empty status address",
            List.of("--xds-insecure", "--ingress-status-address", ","),
            "error: --ingress-status-address must name at least one address or host name"),
        new Bad(
            "unknown flag", List.of("--hub-qps", "5"), "error: Unknown options: '--hub-qps', '5'"),
        new Bad(
            "neither TLS nor --xds-insecure",
            List.of(),
            "error: xDS is served over mutual TLS: give --xds-tls-cert, --xds-tls-key and"
                + " --xds-tls-ca (gantry certgen makes them), or --xds-insecure for plain text"
                + " (tests and demos only)"),
        new Bad(
            "TLS without its CA",
            List.of("--xds-tls-cert", "/etc/hosts", "--xds-tls-key", "/etc/hosts"),
            "error: xDS is served over mutual TLS: give --xds-tls-cert, --xds-tls-key and"
                + " --xds-tls-ca (gantry certgen makes them), or --xds-insecure for plain text"
                + " (tests and demos only)"),
        new Bad(
            "--xds-insecure with a TLS file",
            List.of("--xds-insecure", "--xds-tls-ca", "/etc/hosts"),
            "error: --xds-insecure serves plain text: it takes no --xds-tls-cert, --xds-tls-key"
                + " or --xds-tls-ca"),
        new Bad(
            "a TLS file that is not there",
            List.of(
                "--xds-tls-cert", "/nonexistent/tls.crt",
                "--xds-tls-key", "/etc/hosts",
                "--xds-tls-ca", "/etc/hosts"),
            "error: cannot read xDS TLS file /nonexistent/tls.crt"),
        new Bad(
            "a DNS lookup family Contour does not know",
            List.of("--xds-insecure", "--dns-lookup-family", "V4"),
            "error: --dns-lookup-family must be auto, v4, v6 or all, not \"V4\""),
        new Bad(
            "a cluster domain that is no DNS domain",
            List.of("--xds-insecure", "--cluster-domain", "cluster.local."),
            "error: --cluster-domain must be a DNS domain such as cluster.local, not"
                + " \"cluster.local.\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFlags")
  void badFlagsExitWithTwoAndSayWhy(Bad c) {
    StringWriter err = new StringWriter();

    int exitCode = HubCommand.run(new PrintWriter(err, true), c.args().toArray(String[]::new));

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString().lines()).first().isEqualTo(c.error());
    assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void missingOrBrokenHubKubeconfigExitsWithTwoAndNamesTheFile() throws Exception {
    Path missing = dir.resolve("missing.kubeconfig");
    Path broken = Files.writeString(dir.resolve("broken.kubeconfig"), "clusters: [oops");

    for (Path file : List.of(missing, broken)) {
      StringWriter err = new StringWriter();
      int exitCode =
          HubCommand.run(
              new PrintWriter(err, true), "--xds-insecure", "--hub-kubeconfig", file.toString());

      assertThat(exitCode).as(err.toString()).isEqualTo(2);
      assertThat(err.toString()).startsWith("error: ").contains(file.toString());
      assertThat(err.toString()).doesNotContain("\tat ");
    }
  }

  @Test
  void helpSaysTheHubKubeconfigFallsBackToInClusterLast() {
    // fabric8's Config.autoConfigure reads the kubeconfig files before the service account.
    String[] help =
        new CommandLine(new HubCommand())
            .getCommandSpec()
            .findOption("--hub-kubeconfig")
            .description();

    assertThat(help)
        .containsExactly(
            "Kubeconfig of the hub (default: $KUBECONFIG or ~/.kube/config, else in-cluster).");
  }

  @Test
  void defaultsAreLoopbackAdminAllInterfacesXdsAndTheGantryClass() {
    HubCommand command = new HubCommand();
    new CommandLine(command).parseArgs("--xds-insecure");

    HubConfig config = command.config();

    assertThat(config.xdsAddress()).isEqualTo(new InetSocketAddress("0.0.0.0", 8001));
    assertThat(config.adminAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 8002));
    assertThat(config.holdoff()).isEqualTo(Duration.ofMillis(10));
    assertThat(config.staleEndpointTtl()).isNull();
    assertThat(config.ingressClass()).isEqualTo("gantry");
    assertThat(config.envoyHttpAddress()).isEqualTo("0.0.0.0");
    assertThat(config.envoyHttpPort()).isEqualTo(8080);
    assertThat(config.envoyHttpsPort()).isEqualTo(8443);
    assertThat(config.xdsTls()).isNull();
    assertThat(config.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(40));
    assertThat(config.listenerSettings()).isEqualTo(ListenerSettings.contour());
    assertThat(config.fallbackCertificate()).isNull();
    assertThat(config.statusAddress()).isNull();
    assertThat(config.rateLimitService()).isNull();
    assertThat(config.externalNameServices()).isFalse();
    assertThat(config.externalNameDnsLookupFamily()).isEqualTo(DnsLookupFamily.AUTO);
  }

  @Test
  void enableExternalNameServiceLetsRoutesReachExternalNameServices() {
    HubCommand command = new HubCommand();
    new CommandLine(command).parseArgs("--xds-insecure", "--enable-external-name-service");

    assertThat(command.config().externalNameServices()).isTrue();
  }

  @Test
  void theClusterDomainIsKubernetesDefaultOrTheFlags() {
    HubCommand command = new HubCommand();
    new CommandLine(command).parseArgs("--xds-insecure");
    assertThat(command.config().clusterDomain()).isEqualTo("cluster.local");

    HubCommand other = new HubCommand();
    new CommandLine(other).parseArgs("--xds-insecure", "--cluster-domain", "hub.example");
    assertThat(other.config().clusterDomain()).isEqualTo("hub.example");

    HubCommand bad = new HubCommand();
    new CommandLine(bad).parseArgs("--xds-insecure", "--cluster-domain", "-bad..domain");
    org.assertj.core.api.Assertions.assertThatThrownBy(bad::config)
        .hasMessage(
            "--cluster-domain must be a DNS domain such as cluster.local, not \"-bad..domain\"");
  }

  @Test
  void theDnsLookupFamilyIsContoursValueUnderEitherName() {
    HubCommand command = new HubCommand();
    new CommandLine(command).parseArgs("--xds-insecure", "--dns-lookup-family", "v4");
    assertThat(command.config().externalNameDnsLookupFamily()).isEqualTo(DnsLookupFamily.V4);

    HubCommand older = new HubCommand();
    new CommandLine(older).parseArgs("--xds-insecure", "--external-name-dns-lookup-family", "v6");
    assertThat(older.config().externalNameDnsLookupFamily()).isEqualTo(DnsLookupFamily.V6);
  }

  @Test
  void theStatusAddressIsTheEnvoyServiceOrAFixedOneWhichWins() {
    HubCommand service = new HubCommand();
    new CommandLine(service)
        .parseArgs(
            "--xds-insecure",
            "--envoy-service-namespace=gantry-system",
            "--envoy-service-name=gantry-envoy");
    assertThat(service.config().statusAddress())
        .isEqualTo(StatusAddress.Source.service("gantry-system", "gantry-envoy"));

    HubCommand fixed = new HubCommand();
    new CommandLine(fixed)
        .parseArgs(
            "--xds-insecure",
            "--envoy-service-namespace=gantry-system",
            "--envoy-service-name=gantry-envoy",
            "--ingress-status-address=192.0.2.10,lb.example.com");
    assertThat(fixed.config().statusAddress())
        .isEqualTo(StatusAddress.Source.fixed("192.0.2.10,lb.example.com"));
  }

  @Test
  void theFallbackCertificateFlagNamesTheSecret() {
    HubCommand command = new HubCommand();
    new CommandLine(command)
        .parseArgs("--xds-insecure", "--fallback-certificate", "gantry-system/fallback.cert");

    assertThat(command.config().fallbackCertificate()).isEqualTo("gantry-system/fallback.cert");
  }

  @Test
  void rateLimitFlagsBecomeTheRateLimitServiceWithContoursDefaults() {
    HubCommand command = new HubCommand();
    new CommandLine(command)
        .parseArgs("--xds-insecure", "--rate-limit-service", "projectcontour/ratelimit");
    assertThat(command.config().rateLimitService())
        .isEqualTo(
            new RateLimitService("projectcontour", "ratelimit", "contour", false, false, false));

    command = new HubCommand();
    new CommandLine(command)
        .parseArgs(
            "--xds-insecure",
            "--rate-limit-service=limits/rls",
            "--rate-limit-domain=edge",
            "--rate-limit-fail-open",
            "--rate-limit-enable-x-ratelimit-headers",
            "--rate-limit-enable-resource-exhausted-code");
    assertThat(command.config().rateLimitService())
        .isEqualTo(new RateLimitService("limits", "rls", "edge", true, true, true));

    command = new HubCommand();
    new CommandLine(command)
        .parseArgs(
            "--xds-insecure",
            "--rate-limit-service=limits/rls",
            "--rate-limit-default-global-policy",
            "{descriptors: [{entries: [{remoteAddress: {}}, {genericKey: {value: all}}]}]}");
    assertThat(command.config().rateLimitService().defaultPolicy())
        .isEqualTo(
            new GlobalRateLimit(
                List.of(
                    new GlobalRateLimit.Descriptor(
                        List.of(
                            new GlobalRateLimit.RemoteAddress(),
                            new GlobalRateLimit.GenericKey(null, "all")))),
                false));
  }

  @Test
  void listenerFlagsBecomeTheListenerSettings() {
    HubCommand command = new HubCommand();
    new CommandLine(command)
        .parseArgs(
            "--xds-insecure",
            "--access-log-format=json",
            "--access-log-level=critical",
            "--num-trusted-hops=1",
            "--use-proxy-protocol",
            "--disable-merge-slashes",
            "--server-header-transformation=PASS_THROUGH",
            "--request-timeout=30s",
            "--connection-idle-timeout=infinity",
            "--stream-idle-timeout=1m30s",
            "--max-connection-duration=1h",
            "--delayed-close-timeout=2s",
            "--connection-shutdown-grace-period=10s");

    assertThat(command.config().listenerSettings())
        .isEqualTo(
            new ListenerSettings(
                ListenerSettings.AccessLogFormat.JSON,
                ListenerSettings.AccessLogLevel.CRITICAL,
                1,
                true,
                false,
                ListenerSettings.ServerHeader.PASS_THROUGH,
                new ListenerSettings.Timeouts(
                    ListenerSettings.Timeout.of(Duration.ofSeconds(30)),
                    ListenerSettings.Timeout.INFINITE,
                    ListenerSettings.Timeout.of(Duration.ofSeconds(90)),
                    ListenerSettings.Timeout.of(Duration.ofHours(1)),
                    ListenerSettings.Timeout.of(Duration.ofSeconds(2)),
                    ListenerSettings.Timeout.of(Duration.ofSeconds(10)))));
  }

  @Test
  void aZeroTimeoutIsEnvoysDefaultAsContourReadsIt() {
    HubCommand command = new HubCommand();
    new CommandLine(command).parseArgs("--xds-insecure", "--request-timeout=0s");

    assertThat(command.config().listenerSettings().timeouts().request())
        .isEqualTo(ListenerSettings.Timeout.ENVOY_DEFAULT);
  }

  @Test
  void flagsBecomeTheConfig() {
    HubCommand command = new HubCommand();
    new CommandLine(command)
        .parseArgs(
            "--xds-address=127.0.0.1:18001",
            "--admin-address=127.0.0.1:18002",
            "--holdoff=25ms",
            "--stale-endpoint-ttl=5m",
            "--ingress-class=edge",
            "--envoy-http-address=127.0.0.1",
            "--envoy-http-port=18080",
            "--envoy-https-port=18443",
            "--xds-tls-cert=/etc/hosts",
            "--xds-tls-key=/etc/hostname",
            "--xds-tls-ca=/etc/passwd",
            "--xds-tls-reload=5s",
            "--cluster-heartbeat-timeout=0");

    HubConfig config = command.config();

    assertThat(config)
        .isEqualTo(
            new HubConfig(
                new InetSocketAddress("127.0.0.1", 18001),
                new InetSocketAddress("127.0.0.1", 18002),
                Duration.ofMillis(25),
                Duration.ofMinutes(5),
                "edge",
                "127.0.0.1",
                18080,
                18443,
                new XdsTls(
                    Path.of("/etc/hosts"),
                    Path.of("/etc/hostname"),
                    Path.of("/etc/passwd"),
                    Duration.ofSeconds(5)),
                null));
  }
}
