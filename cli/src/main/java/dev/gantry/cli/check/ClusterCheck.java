package dev.gantry.cli.check;

import dev.gantry.api.crd.RemoteCluster;
import dev.gantry.api.crd.RemoteClusterStatus;
import dev.gantry.runtime.kube.KubeClients;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** The checks of one linked cluster: its Secret, the remote with that identity, its status. */
final class ClusterCheck {
  /** What the discoverer must be allowed: {verb, API group, resource}. */
  private static final List<String[]> NEEDED =
      List.of(
          new String[] {"list", "", "services"},
          new String[] {"watch", "", "services"},
          new String[] {"list", "discovery.k8s.io", "endpointslices"},
          new String[] {"watch", "discovery.k8s.io", "endpointslices"});

  private final Report report;
  private final CheckOptions options;
  private final String cluster;

  ClusterCheck(Report report, CheckOptions options, String cluster) {
    this.report = report;
    this.options = options;
    this.cluster = cluster;
  }

  void run(Secret secret, RemoteCluster remoteCluster) {
    report.heading("cluster " + cluster);
    Config config = kubeconfig(secret);
    if (config != null) {
      token(config);
      remote(config);
    }
    status(remoteCluster);
  }

  /** The Secret's kubeconfig as a client configuration, or null (reported) when it is unusable. */
  private Config kubeconfig(Secret secret) {
    String link =
        "link it: gantry link --cluster-name "
            + cluster
            + " --context <remote> --hub-context <hub> --apply";
    if (secret == null) {
      report.fail(
          "no kubeconfig Secret in "
              + options.namespace()
              + " labelled gantry.dev/cluster="
              + cluster,
          link);
      return null;
    }
    String name = options.namespace() + "/" + secret.getMetadata().getName();
    String encoded = secret.getData() == null ? null : secret.getData().get("kubeconfig");
    if (encoded == null) {
      report.fail("Secret " + name + " has no key kubeconfig", link);
      return null;
    }
    try {
      String yaml = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      io.fabric8.kubernetes.api.model.Config parsed =
          Serialization.unmarshal(yaml, io.fabric8.kubernetes.api.model.Config.class);
      String problem = problem(parsed);
      if (problem != null) {
        report.fail("Secret " + name + ": the kubeconfig " + problem, link);
        return null;
      }
      Config config = options.bounded(Config.fromKubeconfig(null, yaml, null));
      report.pass("Secret " + name + " holds a kubeconfig for " + server(config));
      return config;
    } catch (RuntimeException e) {
      // Whatever the Secret holds, the check reports it and goes on to the next one.
      report.fail("Secret " + name + ": the kubeconfig does not parse (" + brief(e) + ")", link);
      return null;
    }
  }

  /** What makes a parsed kubeconfig unusable for the discoverer, or null. */
  private static String problem(io.fabric8.kubernetes.api.model.Config parsed) {
    if (parsed == null || parsed.getContexts() == null || parsed.getContexts().isEmpty()) {
      return "has no context";
    }
    String current = parsed.getCurrentContext();
    Optional<NamedContext> context =
        parsed.getContexts().stream().filter(c -> c.getName().equals(current)).findFirst();
    if (context.isEmpty() || context.get().getContext() == null) {
      return "has no current context '" + current + "'";
    }
    String clusterName = context.get().getContext().getCluster();
    boolean server =
        parsed.getClusters() != null
            && parsed.getClusters().stream()
                .anyMatch(
                    c ->
                        c.getName().equals(clusterName)
                            && c.getCluster() != null
                            && c.getCluster().getServer() != null);
    return server ? null : "names no server for its current context";
  }

  private void token(Config config) {
    Optional<Instant> expiry = Tokens.expiry(config.getAutoOAuthToken());
    String rotate =
        "link again to rotate it: gantry link --cluster-name "
            + cluster
            + " --context <remote> --hub-context <hub> --apply";
    if (expiry.isEmpty()) {
      report.pass("token has no expiry time");
      return;
    }
    Duration left = Duration.between(options.now(), expiry.get());
    if (left.isNegative() || left.isZero()) {
      report.fail("token expired at " + expiry.get(), rotate);
    } else if (left.compareTo(options.tokenWarning()) < 0) {
      report.fail(
          "token expires in " + human(left) + " (" + expiry.get() + ")",
          rotate + " (warned within --token-warning " + human(options.tokenWarning()) + ")");
    } else {
      report.pass("token valid for " + human(left) + " (until " + expiry.get() + ")");
    }
  }

  private void remote(Config config) {
    try (KubernetesClient remote = KubeClients.of(config)) {
      String version;
      try {
        version = remote.getKubernetesVersion().getGitVersion();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 401) {
          report.fail(
              "the remote at " + server(config) + " refuses the token (401 Unauthorized)",
              "the token was revoked or has expired: link again (gantry link --cluster-name "
                  + cluster
                  + " ... --apply)");
        } else {
          report.fail(
              "the remote does not answer at " + server(config) + " (" + brief(e) + ")",
              "checked from this machine: the hub's discoverer must reach this address too;"
                  + " if it is not the remote's, link again with --server <the address>");
        }
        report.skip("permissions not checked (the remote did not answer)");
        return;
      }
      report.pass("the remote answers at " + server(config) + " (Kubernetes " + version + ")");
      permissions(remote);
    }
  }

  private void permissions(KubernetesClient remote) {
    String relink =
        "link again to restore the ClusterRole gantry-discoverer and its binding (gantry link"
            + " --cluster-name "
            + cluster
            + " ... --apply)";
    try {
      List<String> missing =
          NEEDED.stream()
              .filter(n -> !allowed(remote, n[0], n[1], n[2]))
              .map(n -> n[0] + " " + n[2])
              .toList();
      if (missing.isEmpty()) {
        report.pass("the identity may list and watch Services and EndpointSlices");
      } else {
        report.fail("the identity may not " + String.join(", ", missing), relink);
      }
      if (allowed(remote, "get", "", "secrets") || allowed(remote, "list", "", "secrets")) {
        report.fail(
            "the identity may read Secrets",
            "the discoverer needs only Services and EndpointSlices: remove what grants more"
                + " (kubectl auth can-i --list --as=<its ServiceAccount>, in the remote)");
      } else {
        report.pass("the identity may not read Secrets");
      }
    } catch (KubernetesClientException e) {
      report.fail("the remote refused an access review (" + brief(e) + ")", relink);
    }
  }

  private static boolean allowed(
      KubernetesClient remote, String verb, String group, String resource) {
    return Boolean.TRUE.equals(
        remote
            .authorization()
            .v1()
            .selfSubjectAccessReview()
            .create(
                new SelfSubjectAccessReviewBuilder()
                    .withNewSpec()
                    .withNewResourceAttributes()
                    .withVerb(verb)
                    .withGroup(group)
                    .withResource(resource)
                    .endResourceAttributes()
                    .endSpec()
                    .build())
            .getStatus()
            .getAllowed());
  }

  private void status(RemoteCluster remoteCluster) {
    if (remoteCluster == null) {
      report.fail(
          "no RemoteCluster " + cluster + " in the hub",
          "the cluster's discoverer creates it when it starts: is it running (the chart's"
              + " remoteClusters lists the cluster)?");
      return;
    }
    RemoteClusterStatus status = remoteCluster.getStatus();
    Condition ready = status == null ? null : status.condition("Ready");
    if (ready != null && "True".equals(ready.getStatus())) {
      report.pass(
          "RemoteCluster "
              + cluster
              + " is Ready ("
              + status.getMirroredServices()
              + " Services, "
              + status.getMirroredEndpointSlices()
              + " EndpointSlices mirrored)");
    } else {
      report.fail(
          "RemoteCluster " + cluster + " is not Ready" + because(ready),
          "its discoverer's log says why (kubectl describe remotecluster " + cluster + ")");
    }
    Condition stale = status == null ? null : status.condition("Stale");
    if (stale != null && "True".equals(stale.getStatus())) {
      report.fail(
          "RemoteCluster " + cluster + " is Stale since " + status.getStaleSince() + because(stale),
          "HeartbeatExpired: its discoverer stopped reporting (is it running?); otherwise the"
              + " discoverer cannot reach the remote's API server");
    } else {
      report.pass("RemoteCluster " + cluster + " is not Stale");
    }
  }

  private static String because(Condition condition) {
    if (condition == null) {
      return " (no condition yet)";
    }
    String message = condition.getMessage() == null ? "" : ": " + condition.getMessage();
    return " (" + condition.getReason() + message + ")";
  }

  /** The remote's URL as people write it (fabric8 adds a trailing slash). */
  static String server(Config config) {
    String url = config.getMasterUrl();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  static String human(Duration d) {
    if (d.toDays() >= 2) {
      return d.toDays() + " days";
    }
    if (d.toHours() >= 2) {
      return d.toHours() + " hours";
    }
    long minutes = Math.max(1, d.toMinutes());
    return minutes + (minutes == 1 ? " minute" : " minutes");
  }

  static String brief(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
