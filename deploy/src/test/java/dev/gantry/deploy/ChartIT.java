package dev.gantry.deploy;

import static dev.gantry.deploy.Charts.CHART;
import static dev.gantry.deploy.Charts.apply;
import static dev.gantry.deploy.Charts.helm;
import static dev.gantry.deploy.Charts.render;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Helm chart, checked with the real helm and a real hub apiserver: it lints, renders with
 * default values and with three remote clusters, rejects a typo in values, every rendered object is
 * accepted by the apiserver, and each ServiceAccount has exactly the permissions intended.
 */
@WithClusters({"hub"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartIT {
  private static final String NS = "gantry-system";
  private static final String THREE_REMOTES =
      """
      remoteClusters:
      - {name: east, kubeconfigSecret: gantry-remote-east}
      - {name: west, kubeconfigSecret: gantry-remote-west, namespaces: [shop, default], replicas: 2}
      - {name: north, kubeconfigSecret: gantry-remote-north, serviceSelector: "app=web"}
      """;

  private KubernetesClient hub;
  private Path dir;

  private Path values(String name, String yaml) throws IOException {
    return Files.writeString(dir.resolve(name), yaml);
  }

  @BeforeAll
  void install(Testbed testbed) throws Exception {
    hub = testbed.cluster("hub").client();
    dir = Files.createDirectories(testbed.directory().resolve("chart"));
    for (String ns : List.of(NS, "shop", "gantry-defaults")) {
      hub.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .serverSideApply();
    }
    apply(hub, render("t", NS, values("three.yaml", THREE_REMOTES)));
    apply(hub, render("d", "gantry-defaults", null));
  }

  @Test
  void lintPasses() throws Exception {
    Charts.Helm h = helm("lint", CHART.toString());

    assertThat(h.exitCode()).as(h.output()).isZero();
    assertThat(h.output()).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @Test
  void asASubchartItTakesTheParentsGlobalValues() throws Exception {
    // Helm hands a subchart its parent's `global`; the schema must not reject it.
    String rendered =
        render("g", NS, values("global.yaml", "global: {imageRegistry: example.com, any: [1]}\n"));
    assertThat(rendered).contains("name: g-hub");
  }

  @Test
  void aTypoInValuesFailsWithTheKeyNamed() throws Exception {
    Charts.Helm h =
        helm(
            "template",
            "t",
            CHART.toString(),
            "-f",
            values("typo.yaml", "hub: {replica: 3}\n").toString());

    assertThat(h.exitCode()).isNotZero();
    assertThat(h.output()).contains("additional properties 'replica' not allowed");
  }

  @Test
  void aRemoteListedTwiceOrTooLongForItsServiceNameFails() throws Exception {
    Charts.Helm twice =
        helm(
            "template",
            "t",
            CHART.toString(),
            "-f",
            values(
                    "twice.yaml",
                    "remoteClusters:\n- {name: east, kubeconfigSecret: a}\n"
                        + "- {name: east, kubeconfigSecret: b}\n")
                .toString());
    Charts.Helm tooLong =
        helm(
            "template",
            "gantry",
            CHART.toString(),
            "-f",
            values(
                    "long.yaml",
                    "remoteClusters:\n- {name: " + "a".repeat(40) + ", kubeconfigSecret: a}\n")
                .toString());

    assertThat(twice.exitCode()).isNotZero();
    assertThat(twice.output()).contains("remoteClusters: east is listed twice");
    assertThat(tooLong.exitCode()).isNotZero();
    assertThat(tooLong.output()).contains("would exceed 63 characters");
  }

  @Test
  void renderingsHaveOneDiscovererPerRemoteAndLeaderElectionOnlyWithReplicas() throws Exception {
    String three = render("t", NS, values("three.yaml", THREE_REMOTES));
    String defaults = render("d", NS, null);
    String monitored =
        render("m", NS, values("monitor.yaml", "metrics: {serviceMonitor: {enabled: true}}\n"));

    assertThat(defaults).doesNotContain("-discoverer-").contains("name: d-hub", "name: d-envoy");
    assertThat(three)
        .contains(
            "name: t-discoverer-east\n", "name: t-discoverer-west\n", "name: t-discoverer-north\n")
        .contains("- --namespaces=shop,default", "- --service-selector=app=web");
    // west's discoverer and the hub (two replicas by default)
    assertThat(three.split("- --leader-elect\n", -1)).hasSize(3);
    String single = render("s", NS, values("single-hub.yaml", "hub: {replicas: 1}\n"));
    assertThat(single).doesNotContain("--leader-elect", "name: s-hub-lease");
    assertThat(defaults).contains("name: d-hub-lease", "- --leader-elect-namespace=" + NS);
    // That label marks mirrors: the aggregator would try to federate the chart's own Services.
    assertThat(three).doesNotContain("gantry.dev/cluster:");
    assertThat(monitored).contains("kind: ServiceMonitor").doesNotContain("kind: PrometheusRule");
    String alerting =
        render(
            "a",
            NS,
            values(
                "alerts.yaml",
                "metrics: {prometheusRule: {enabled: true, labels: {release: kps}},"
                    + " serviceMonitor: {enabled: true, labels: {release: kps}}}\n"));
    assertThat(alerting)
        .contains("kind: PrometheusRule", "release: kps")
        // Prometheus's own templates reach it untouched by Helm's.
        .contains("'Remote cluster {{ $labels.cluster }} does not answer its discoverer'")
        .contains(
            "alert: GantryRemoteClusterUnreachable",
            "alert: GantryClusterHeartbeatExpired",
            "alert: GantryDiscovererNotSyncing",
            "alert: GantryXdsNack",
            "alert: GantryStatusWritesFailing",
            "alert: GantryRemoteTokenExpiring",
            "alert: GantryNoEnvoyConnected");
    // HTTPProxies with TLS: the hub's HTTPS listener port is the one Envoy and its Service expose
    assertThat(defaults)
        .contains("- --envoy-https-port=8443")
        .contains("- {name: https, containerPort: 8443}")
        .contains("- {name: https, port: 443, targetPort: https}");
    assertThat(defaults).doesNotContain("kind: ServiceMonitor");
  }

  @Test
  void hubReplicasPreferDifferentNodesBehindADisruptionBudgetUnlessToldOtherwise()
      throws Exception {
    String defaults = render("d", NS, null);
    String told =
        render(
            "a",
            NS,
            values(
                "affinity.yaml",
                """
                hub:
                  affinity:
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms:
                        - matchExpressions: [{key: pool, operator: In, values: [edge]}]
                """));

    assertThat(defaults)
        .contains(
            String.join(
                "\n",
                "        podAntiAffinity:",
                "          preferredDuringSchedulingIgnoredDuringExecution:",
                "          - weight: 100",
                "            podAffinityTerm:",
                "              topologyKey: kubernetes.io/hostname",
                "              labelSelector:",
                "                matchLabels:",
                "                  app.kubernetes.io/instance: d",
                "                  app.kubernetes.io/component: hub"))
        .contains("kind: PodDisruptionBudget");
    assertThat(told).contains("nodeAffinity:").doesNotContain("podAntiAffinity:");
  }

  /**
   * Every pod the chart makes is admitted in a namespace enforcing the {@code restricted} Pod
   * Security Standard: the apiserver's PodSecurity admission judges a Pod made from each rendered
   * pod template (there is no controller manager here to make them from the workloads).
   */
  @Test
  void everyPodTheChartMakesPassesPodSecurityRestricted() throws Exception {
    String restricted = "pss-restricted";
    hub.namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(restricted)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .addToLabels("pod-security.kubernetes.io/enforce-version", "latest")
                .endMetadata()
                .build())
        .serverSideApply();
    List<io.fabric8.kubernetes.api.model.PodTemplateSpec> templates = new java.util.ArrayList<>();
    for (io.fabric8.kubernetes.api.model.HasMetadata o :
        Charts.objects(hub, render("p", restricted, values("pss.yaml", THREE_REMOTES)))) {
      if (o instanceof io.fabric8.kubernetes.api.model.apps.Deployment d) {
        templates.add(d.getSpec().getTemplate());
      } else if (o instanceof io.fabric8.kubernetes.api.model.apps.DaemonSet d) {
        templates.add(d.getSpec().getTemplate());
      } else if (o instanceof io.fabric8.kubernetes.api.model.batch.v1.Job j) {
        templates.add(j.getSpec().getTemplate());
      }
    }
    // hub, Envoy, three discoverers, the certgen Job
    assertThat(templates).hasSizeGreaterThanOrEqualTo(6);
    int n = 0;
    for (io.fabric8.kubernetes.api.model.PodTemplateSpec t : templates) {
      String sa = t.getSpec().getServiceAccountName();
      if (sa != null) {
        hub.serviceAccounts()
            .inNamespace(restricted)
            .resource(
                new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                    .withNewMetadata()
                    .withName(sa)
                    .endMetadata()
                    .build())
            .serverSideApply();
      }
      io.fabric8.kubernetes.api.model.Pod pod =
          new io.fabric8.kubernetes.api.model.PodBuilder()
              .withNewMetadata()
              .withName("pss-" + n++)
              .withNamespace(restricted)
              .withLabels(t.getMetadata().getLabels())
              .endMetadata()
              .withSpec(t.getSpec())
              .build();
      // Rejected with 403 and the violations named if the template breaks the standard.
      hub.pods().inNamespace(restricted).resource(pod).create();
    }
  }

  @Test
  void podPlacementMetadataPullSecretsAndEnvironmentReachEveryComponent() throws Exception {
    String ns = "gantry-extras";
    hub.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    String rendered =
        render(
            "x",
            ns,
            values(
                "extras.yaml",
                """
                imagePullSecrets: [{name: regcred}]
                hub:
                  nodeSelector: {pool: edge}
                  tolerations: [{key: dedicated, operator: Equal, value: gantry, effect: NoSchedule}]
                  priorityClassName: gantry-critical
                  podAnnotations: {example.com/scrape: "true"}
                  podLabels: {team: platform}
                  extraEnv: [{name: GANTRY_LOG_LEVEL, value: DEBUG}]
                discoverer:
                  topologySpreadConstraints:
                  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}
                  extraEnv: [{name: GANTRY_LOG_LEVEL, value: DEBUG}]
                envoy:
                  podLabels: {tier: edge}
                  extraEnv: [{name: ENVOY_EXTRA, value: "1"}]
                remoteClusters:
                - {name: east, kubeconfigSecret: e}
                """));
    // The apiserver takes every object as rendered.
    apply(hub, rendered);
    java.util.Map<String, io.fabric8.kubernetes.api.model.PodSpec> pods = new java.util.TreeMap<>();
    java.util.Map<String, io.fabric8.kubernetes.api.model.ObjectMeta> metas =
        new java.util.TreeMap<>();
    for (io.fabric8.kubernetes.api.model.HasMetadata o : Charts.objects(hub, rendered)) {
      if (o instanceof io.fabric8.kubernetes.api.model.apps.Deployment d) {
        pods.put(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec());
        metas.put(d.getMetadata().getName(), d.getSpec().getTemplate().getMetadata());
      }
    }
    assertThat(pods).containsOnlyKeys("x-hub", "x-envoy", "x-discoverer-east");
    pods.values()
        .forEach(
            p ->
                assertThat(p.getImagePullSecrets())
                    .extracting(io.fabric8.kubernetes.api.model.LocalObjectReference::getName)
                    .containsExactly("regcred"));
    io.fabric8.kubernetes.api.model.PodSpec hubPod = pods.get("x-hub");
    assertThat(hubPod.getNodeSelector()).containsEntry("pool", "edge");
    assertThat(hubPod.getTolerations())
        .singleElement()
        .satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
    assertThat(hubPod.getPriorityClassName()).isEqualTo("gantry-critical");
    assertThat(metas.get("x-hub").getAnnotations()).containsEntry("example.com/scrape", "true");
    assertThat(metas.get("x-hub").getLabels()).containsEntry("team", "platform");
    assertThat(hubPod.getContainers().get(0).getEnv())
        .extracting(io.fabric8.kubernetes.api.model.EnvVar::getName)
        .containsExactly("JAVA_TOOL_OPTIONS", "GANTRY_LOG_LEVEL");
    assertThat(pods.get("x-discoverer-east").getTopologySpreadConstraints()).hasSize(1);
    assertThat(pods.get("x-discoverer-east").getContainers().get(0).getEnv())
        .extracting(io.fabric8.kubernetes.api.model.EnvVar::getName)
        .containsExactly("JAVA_TOOL_OPTIONS", "GANTRY_LOG_LEVEL");
    assertThat(metas.get("x-envoy").getLabels()).containsEntry("tier", "edge");
    assertThat(pods.get("x-envoy").getContainers().get(0).getEnv())
        .extracting(io.fabric8.kubernetes.api.model.EnvVar::getName)
        .containsExactly("POD_NAME", "ENVOY_EXTRA");
  }

  @Test
  void envoyDrainsOnShutdownAndMayBindTheNodesPortsAsADaemonSet() throws Exception {
    String ns = "gantry-daemonset";
    hub.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    String rendered =
        render(
            "ds",
            ns,
            values(
                "daemonset.yaml",
                """
                envoy:
                  kind: DaemonSet
                  hostPorts: {enabled: true, http: 80, https: 443}
                  preStopDelaySeconds: 15
                  terminationGracePeriodSeconds: 45
                metrics: {serviceMonitor: {enabled: true}}
                """));
    apply(
        hub,
        rendered.replaceAll(
            "(?s)---\\n# Source: gantry/templates/servicemonitor.yaml.*?(?=---|\\z)", ""));
    io.fabric8.kubernetes.api.model.apps.DaemonSet ds =
        hub.apps().daemonSets().inNamespace(ns).withName("ds-envoy").get();
    io.fabric8.kubernetes.api.model.PodSpec pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(45L);
    // The drain itself runs against a real Envoy in EnvoyPreStopDrainIT.
    List<String> preStop =
        pod.getContainers().get(0).getLifecycle().getPreStop().getExec().getCommand();
    assertThat(preStop).hasSize(3).startsWith("/bin/bash", "-c");
    assertThat(preStop.get(2))
        .contains(
            "/dev/tcp/127.0.0.1/9001",
            "post /healthcheck/fail",
            "post '/drain_listeners?graceful'",
            "sleep 15\n");
    assertThat(pod.getContainers().get(0).getPorts())
        .extracting(io.fabric8.kubernetes.api.model.ContainerPort::getHostPort)
        .containsExactly(80, 443, null);
    assertThat(rendered).contains("kind: PodMonitor", "path: /stats/prometheus", "port: health");
    String defaults = render("d", NS, null);
    assertThat(defaults)
        .contains("post /healthcheck/fail", "sleep 10\n", "terminationGracePeriodSeconds: 30")
        .doesNotContain("hostPort");
  }

  @Test
  void envoysGracePeriodMustOutlastThePreStopDelay() throws Exception {
    Charts.Helm cut =
        helm(
            "template",
            "c",
            CHART.toString(),
            "-f",
            values(
                    "short-grace.yaml",
                    "envoy: {preStopDelaySeconds: 20, terminationGracePeriodSeconds: 20}\n")
                .toString());
    String noDrain =
        render(
            "n",
            NS,
            values(
                "no-drain.yaml",
                "envoy: {preStopDelaySeconds: 0, terminationGracePeriodSeconds: 0}\n"));

    assertThat(cut.exitCode()).isNotZero();
    assertThat(cut.output())
        .contains(
            "envoy.terminationGracePeriodSeconds (20) must be longer than"
                + " envoy.preStopDelaySeconds (20)");
    assertThat(noDrain).doesNotContain("preStop").contains("terminationGracePeriodSeconds: 0");
  }

  @Test
  void envoyTierOptionsIngressClassAndClusterDomain() throws Exception {
    String ns = "gantry-envoy-options";
    hub.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    String defaults = render("d", NS, null);
    String rendered =
        render(
            "o",
            ns,
            values(
                "envoy-options.yaml",
                """
                clusterDomain: corp.internal
                ingressClass: {create: true, default: true}
                hub: {ingressClass: edge}
                envoy:
                  logLevel: warning
                  autoscaling: {enabled: true, minReplicas: 3, maxReplicas: 12}
                  podDisruptionBudget: {enabled: true, maxUnavailable: 2}
                  service:
                    externalTrafficPolicy: Cluster
                    loadBalancerClass: example.com/lb
                    loadBalancerSourceRanges: [10.0.0.0/8]
                """));
    String noClass = render("n", NS, values("no-class.yaml", "ingressClass: {create: false}\n"));
    apply(hub, rendered);

    assertThat(defaults)
        .contains("kind: IngressClass", "name: gantry\n", "controller: gantry.dev/hub")
        .doesNotContain("is-default-class")
        .contains(
            "externalTrafficPolicy: Local", "- info\n", "d-hub.gantry-system.svc.cluster.local")
        .doesNotContain("kind: HorizontalPodAutoscaler");
    assertThat(noClass).doesNotContain("kind: IngressClass");
    io.fabric8.kubernetes.api.model.networking.v1.IngressClass cls =
        hub.network().v1().ingressClasses().withName("edge").get();
    assertThat(cls.getSpec().getController()).isEqualTo("gantry.dev/hub");
    assertThat(cls.getMetadata().getAnnotations())
        .containsEntry("ingressclass.kubernetes.io/is-default-class", "true");
    io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler hpa =
        hub.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName("o-envoy").get();
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(12);
    assertThat(
            Charts.objects(hub, rendered).stream()
                .filter(o -> o instanceof io.fabric8.kubernetes.api.model.apps.Deployment)
                .map(o -> (io.fabric8.kubernetes.api.model.apps.Deployment) o)
                .filter(d -> d.getMetadata().getName().equals("o-envoy"))
                .findFirst()
                .orElseThrow()
                .getSpec()
                .getReplicas())
        .as("the autoscaler owns the replica count: none rendered")
        .isNull();
    assertThat(
            hub.policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(ns)
                .withName("o-envoy")
                .get()
                .getSpec()
                .getMaxUnavailable()
                .getIntVal())
        .isEqualTo(2);
    io.fabric8.kubernetes.api.model.Service svc =
        hub.services().inNamespace(ns).withName("o-envoy").get();
    assertThat(svc.getSpec().getExternalTrafficPolicy()).isEqualTo("Cluster");
    assertThat(svc.getSpec().getLoadBalancerClass()).isEqualTo("example.com/lb");
    assertThat(svc.getSpec().getLoadBalancerSourceRanges()).containsExactly("10.0.0.0/8");
    assertThat(rendered).contains("- warning\n", "o-hub.gantry-envoy-options.svc.corp.internal");
  }

  @Test
  void extraArgsReachEachComponent() throws Exception {
    String rendered =
        render(
            "x",
            NS,
            values(
                "args.yaml",
                """
                hub: {extraArgs: ["--holdoff=20ms"]}
                envoy: {extraArgs: ["--drain-time-s", "30"]}
                discoverer: {extraArgs: ["--workers=8"]}
                remoteClusters: [{name: east, kubeconfigSecret: e}]
                """));

    assertThat(rendered)
        .contains("- \"--holdoff=20ms\"")
        .contains("- \"--drain-time-s\"\n        - \"30\"")
        .contains("- \"--workers=8\"");
  }

  @Test
  void eachForeignCrdIsAValueOfItsOwn() throws Exception {
    // helm template cannot look the cluster up: what it renders is what the values say.
    String all = render("c", NS, null);
    String withoutMcs =
        render("c", NS, values("no-mcs.yaml", "crds: {serviceImport: {install: false}}\n"));
    String withoutContour =
        render("c", NS, values("no-contour.yaml", "crds: {httpproxy: {install: false}}\n"));
    String withoutGatewayApi =
        render("c", NS, values("no-gwapi.yaml", "crds: {gatewayApi: {install: false}}\n"));
    String none = render("c", NS, values("no-crds.yaml", CRDS_OFF));

    assertThat(all)
        .contains("name: \"remoteclusters.gantry.dev\"")
        .contains(SERVICE_IMPORT_CRD)
        // the MCS API's own CRD, both versions, stored as v1beta1
        .contains("multicluster.x-k8s.io/release-version: \"v0.5.2\"")
        .contains("    - name: v1alpha1\n      served: true\n      storage: false")
        .contains("    - name: v1beta1\n      served: true\n      storage: true")
        .contains("name: \"httpproxies.projectcontour.io\"")
        .contains("name: \"tlscertificatedelegations.projectcontour.io\"")
        .contains("name: \"extensionservices.projectcontour.io\"")
        .contains("name: gatewayclasses.gateway.networking.k8s.io")
        .contains("name: gateways.gateway.networking.k8s.io")
        .contains("name: httproutes.gateway.networking.k8s.io")
        .contains("name: grpcroutes.gateway.networking.k8s.io")
        .contains("name: referencegrants.gateway.networking.k8s.io")
        .contains("gateway.networking.k8s.io/channel: standard");
    assertThat(withoutGatewayApi)
        .contains("name: \"remoteclusters.gantry.dev\"", "name: \"httpproxies.projectcontour.io\"")
        .doesNotContain("gateway.networking.k8s.io/channel");
    assertThat(withoutMcs)
        .contains("name: \"remoteclusters.gantry.dev\"", "name: \"httpproxies.projectcontour.io\"")
        .doesNotContain(SERVICE_IMPORT_CRD);
    assertThat(withoutContour)
        .contains("name: \"remoteclusters.gantry.dev\"", SERVICE_IMPORT_CRD)
        .doesNotContain("name: \"httpproxies.projectcontour.io\"")
        .doesNotContain("name: \"tlscertificatedelegations.projectcontour.io\"")
        .doesNotContain("name: \"extensionservices.projectcontour.io\"");
    assertThat(none).doesNotContain("kind: CustomResourceDefinition");
  }

  /** The MCS API's CRD names itself unquoted, as its release publishes it. */
  private static final String SERVICE_IMPORT_CRD =
      "\n  name: serviceimports.multicluster.x-k8s.io\n";

  private static final String CRDS_OFF =
      "crds: {install: false, httpproxy: {install: false}, gatewayApi: {install: false}}\n";

  @Test
  void jvmOptionsReachEachComponentAndARemoteMayHaveItsOwn() throws Exception {
    String rendered =
        render(
            "j",
            NS,
            values(
                "jvm.yaml",
                """
                hub: {jvmOptions: "-XX:MaxRAMPercentage=60"}
                remoteClusters:
                - {name: east, kubeconfigSecret: e}
                - {name: west, kubeconfigSecret: w, jvmOptions: "-XX:MaxRAMPercentage=20"}
                """));
    String defaults = render("d", NS, null);

    assertThat(defaults)
        .contains(
            "- {name: JAVA_TOOL_OPTIONS, value: \"-XX:MaxRAMPercentage=30 -XX:NewRatio=3"
                + " -XX:+UseG1GC"
                + " -XX:+ExitOnOutOfMemoryError -XX:TrimNativeHeapInterval=1000"
                + " -XX:TieredStopAtLevel=1"
                + " -Dio.netty.allocator.numDirectArenas=1"
                + " -Dio.grpc.netty.shaded.io.netty.allocator.numDirectArenas=1\"}");
    assertThat(rendered)
        .contains("- {name: JAVA_TOOL_OPTIONS, value: \"-XX:MaxRAMPercentage=60\"}")
        .contains("- {name: JAVA_TOOL_OPTIONS, value: \"-XX:MaxRAMPercentage=20\"}")
        .contains(
            "- {name: JAVA_TOOL_OPTIONS, value: \"-XX:MaxRAMPercentage=50 -XX:+UseSerialGC"
                + " -XX:+ExitOnOutOfMemoryError -XX:TrimNativeHeapInterval=1000"
                + " -XX:TieredStopAtLevel=1"
                + " -Dio.netty.allocator.numDirectArenas=1\"}");
  }

  @Test
  void xdsIsMutualTlsByDefaultBehindANetworkPolicyAndPlainTextOnlyWhenAsked() throws Exception {
    String defaults = render("d", NS, null);
    String plain = render("p", NS, values("plain.yaml", "xds: {tls: {enabled: false}}\n"));
    String helm = render("h", NS, values("helm-tls.yaml", "xds: {tls: {issuer: helm}}\n"));
    String certManager =
        render("c", NS, values("cm-tls.yaml", "xds: {tls: {issuer: certManager}}\n"));

    assertThat(defaults)
        .contains(
            "- --xds-tls-cert=/etc/gantry/xds/tls.crt",
            "- --xds-tls-key=/etc/gantry/xds/tls.key",
            "- --xds-tls-ca=/etc/gantry/xds/ca.crt")
        .contains("name: envoy.transport_sockets.tls", "{filename: /etc/envoy-xds/tls.crt}")
        .contains("kind: NetworkPolicy", "app.kubernetes.io/component: envoy")
        .doesNotContain("--xds-insecure");
    // By default certgen makes the Secrets in a hook Job before the release's objects.
    assertThat(defaults)
        .contains("kind: Job", "helm.sh/hook: pre-install,pre-upgrade", "name: d-certgen")
        .contains("- certgen", "- --secrets", "- --name=d", "- --dns-name=d-hub." + NS + ".svc")
        .doesNotContain("type: kubernetes.io/tls", "kind: Certificate");
    assertThat(helm)
        .contains("name: h-xds-hub\n", "name: h-xds-envoy\n", "type: kubernetes.io/tls")
        .doesNotContain("kind: Job", "kind: Certificate");
    assertThat(certManager)
        .contains("apiVersion: cert-manager.io/v1", "kind: Certificate", "isCA: true")
        .contains("secretName: c-xds-hub", "secretName: c-xds-envoy", "renewBefore: 360h")
        .contains("usages: [server auth", "usages: [client auth")
        .doesNotContain("kind: Job", "type: kubernetes.io/tls");
    assertThat(plain)
        .contains("- --xds-insecure")
        .doesNotContain("name: p-xds-hub\n")
        .doesNotContain("kind: Job")
        .doesNotContain("envoy.transport_sockets.tls");
  }

  @Test
  void everyRenderedObjectIsInTheHub() {
    assertThat(hub.apps().deployments().inNamespace(NS).list().getItems())
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "t-hub", "t-envoy", "t-discoverer-east", "t-discoverer-west", "t-discoverer-north");
    assertThat(hub.rbac().roles().inNamespace("shop").withName("t-discoverer-west").get())
        .isNotNull();
    assertThat(hub.policy().v1().podDisruptionBudget().inNamespace(NS).withName("t-hub").get())
        .isNotNull();
    assertThat(hub.configMaps().inNamespace(NS).withName("t-dashboard").get().getData())
        .containsKey("gantry.json");
  }

  record Can(
      String who,
      String verb,
      String group,
      String resource,
      String sub,
      String name,
      String namespace,
      boolean allowed) {
    @Override
    public String toString() {
      return (allowed ? "" : "NOT ")
          + who
          + " "
          + verb
          + " "
          + (group.isEmpty() ? "" : group + "/")
          + resource
          + (sub == null ? "" : "/" + sub)
          + (name == null ? "" : " " + name)
          + (namespace == null ? " (cluster)" : " in " + namespace);
    }
  }

  private static Can can(String who, String verb, String group, String resource, String ns) {
    return new Can(who, verb, group, resource, null, null, ns, true);
  }

  private static Can cannot(String who, String verb, String group, String resource, String ns) {
    return new Can(who, verb, group, resource, null, null, ns, false);
  }

  private static Can lease(String who, String verb, String name, String ns, boolean allowed) {
    return new Can(who, verb, "coordination.k8s.io", "leases", null, name, ns, allowed);
  }

  static Stream<Can> permissions() {
    String hubSa = "t-hub";
    String east = "t-discoverer-east"; // all namespaces
    String west = "t-discoverer-west"; // shop and default, two replicas
    String envoy = "t-envoy";
    return Stream.of(
        // the hub: reads the hub, writes status and ServiceImports, and removes the mirrors of a
        // deleted RemoteCluster (finalizer)
        can(hubSa, "list", "", "services", null),
        can(hubSa, "delete", "", "services", "shop"),
        can(hubSa, "delete", "discovery.k8s.io", "endpointslices", "shop"),
        cannot(hubSa, "update", "", "services", "shop"),
        can(hubSa, "patch", "gantry.dev", "remoteclusters", null),
        new Can(hubSa, "update", "gantry.dev", "remoteclusters", "status", "east", null, true),
        cannot(hubSa, "delete", "gantry.dev", "remoteclusters", null),
        can(hubSa, "watch", "discovery.k8s.io", "endpointslices", null),
        can(hubSa, "watch", "projectcontour.io", "httpproxies", null),
        new Can(hubSa, "update", "projectcontour.io", "httpproxies", "status", null, "shop", true),
        can(hubSa, "create", "multicluster.x-k8s.io", "serviceimports", "shop"),
        can(hubSa, "list", "gantry.dev", "remoteclusters", null),
        cannot(hubSa, "create", "", "services", "shop"),
        cannot(hubSa, "update", "projectcontour.io", "httpproxies", "shop"),
        // Secrets: read, for HTTPProxies' TLS certificates; never written
        can(hubSa, "get", "", "secrets", "shop"),
        can(hubSa, "list", "", "secrets", null),
        can(hubSa, "watch", "", "secrets", null),
        cannot(hubSa, "create", "", "secrets", "shop"),
        cannot(hubSa, "update", "", "secrets", NS),
        cannot(hubSa, "delete", "", "secrets", NS),
        can(hubSa, "get", "networking.k8s.io", "ingresses", "shop"),
        can(hubSa, "list", "networking.k8s.io", "ingresses", null),
        can(hubSa, "watch", "networking.k8s.io", "ingresses", null),
        new Can(hubSa, "update", "networking.k8s.io", "ingresses", "status", null, "shop", true),
        cannot(hubSa, "update", "networking.k8s.io", "ingresses", "shop"),
        cannot(hubSa, "create", "networking.k8s.io", "ingresses", "shop"),
        cannot(hubSa, "update", "gantry.dev", "remoteclusters", null),
        // Gateway API: read, and the status of what is ours written
        can(hubSa, "watch", "gateway.networking.k8s.io", "gatewayclasses", null),
        can(hubSa, "list", "gateway.networking.k8s.io", "gateways", null),
        can(hubSa, "watch", "gateway.networking.k8s.io", "httproutes", null),
        can(hubSa, "get", "gateway.networking.k8s.io", "grpcroutes", "shop"),
        can(hubSa, "watch", "gateway.networking.k8s.io", "tlsroutes", null),
        can(hubSa, "list", "gateway.networking.k8s.io", "referencegrants", null),
        new Can(
            hubSa,
            "update",
            "gateway.networking.k8s.io",
            "gatewayclasses",
            "status",
            "gantry",
            null,
            true),
        new Can(
            hubSa, "patch", "gateway.networking.k8s.io", "gateways", "status", null, "shop", true),
        new Can(
            hubSa,
            "update",
            "gateway.networking.k8s.io",
            "httproutes",
            "status",
            null,
            "shop",
            true),
        new Can(
            hubSa,
            "update",
            "gateway.networking.k8s.io",
            "grpcroutes",
            "status",
            null,
            "shop",
            true),
        new Can(
            hubSa,
            "update",
            "gateway.networking.k8s.io",
            "tlsroutes",
            "status",
            null,
            "shop",
            true),
        cannot(hubSa, "update", "gateway.networking.k8s.io", "tlsroutes", "shop"),
        cannot(hubSa, "update", "gateway.networking.k8s.io", "httproutes", "shop"),
        cannot(hubSa, "create", "gateway.networking.k8s.io", "gateways", "shop"),
        cannot(hubSa, "delete", "gateway.networking.k8s.io", "gatewayclasses", null),
        cannot(hubSa, "update", "gateway.networking.k8s.io", "referencegrants", "shop"),
        // Namespaces: their labels, which listeners' allowedRoutes selectors match; read only
        can(hubSa, "list", "", "namespaces", null),
        can(hubSa, "watch", "", "namespaces", null),
        can(hubSa, "get", "", "namespaces", null),
        cannot(hubSa, "update", "", "namespaces", null),
        cannot(hubSa, "delete", "", "namespaces", null),
        // two hub replicas: the Lease gantry-hub decides which one writes
        can(hubSa, "create", "coordination.k8s.io", "leases", NS),
        lease(hubSa, "patch", "gantry-hub", NS, true),
        lease(hubSa, "update", "gantry-hub", NS, true),
        lease(hubSa, "patch", "gantry-discoverer-west", NS, false),
        lease(hubSa, "get", "gantry-hub", "shop", false),
        // Events about what it judges: written, never read back or removed
        can(hubSa, "create", "events.k8s.io", "events", "shop"),
        can(hubSa, "patch", "events.k8s.io", "events", "default"),
        can(hubSa, "create", "", "events", NS),
        cannot(hubSa, "delete", "events.k8s.io", "events", "shop"),
        cannot(hubSa, "update", "", "events", "shop"),
        // a discoverer of all namespaces
        can(east, "create", "", "services", "anything"),
        can(east, "delete", "discovery.k8s.io", "endpointslices", "anything"),
        can(east, "create", "gantry.dev", "remoteclusters", null),
        new Can(east, "get", "gantry.dev", "remoteclusters", null, "east", null, true),
        new Can(east, "update", "gantry.dev", "remoteclusters", "status", "east", null, true),
        new Can(east, "update", "gantry.dev", "remoteclusters", "status", "west", null, false),
        new Can(east, "get", "gantry.dev", "remoteclusters", null, "west", null, false),
        cannot(east, "delete", "gantry.dev", "remoteclusters", null),
        can(east, "create", "", "namespaces", null),
        cannot(east, "delete", "", "namespaces", null),
        cannot(east, "get", "", "secrets", NS),
        cannot(east, "list", "", "secrets", null),
        cannot(east, "create", "", "configmaps", NS),
        cannot(east, "create", "coordination.k8s.io", "leases", NS),
        cannot(east, "update", "projectcontour.io", "httpproxies", "anything"),
        can(east, "create", "events.k8s.io", "events", "default"),
        can(east, "patch", "", "events", "default"),
        cannot(east, "delete", "events.k8s.io", "events", "default"),
        // a discoverer of two namespaces, with leader election
        can(west, "create", "", "services", "shop"),
        can(west, "update", "discovery.k8s.io", "endpointslices", "default"),
        cannot(west, "create", "", "services", "other"),
        cannot(west, "list", "", "services", null),
        can(west, "create", "coordination.k8s.io", "leases", NS),
        lease(west, "patch", "gantry-discoverer-west", NS, true), // how fabric8 renews
        lease(west, "update", "gantry-discoverer-west", NS, true),
        lease(west, "patch", "gantry-discoverer-east", NS, false),
        lease(west, "get", "gantry-discoverer-west", "shop", false),
        cannot(west, "update", "coordination.k8s.io", "leases", "shop"),
        cannot(west, "get", "", "secrets", "shop"),
        can(west, "create", "events.k8s.io", "events", NS), // on its Lease
        // Envoy talks to the hub over xDS, not to the apiserver
        cannot(envoy, "list", "", "services", null),
        cannot(envoy, "get", "", "secrets", NS),
        cannot(envoy, "list", "projectcontour.io", "httpproxies", null),
        cannot(envoy, "list", "networking.k8s.io", "ingresses", null),
        cannot(envoy, "list", "gateway.networking.k8s.io", "httproutes", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("permissions")
  void serviceAccountsHaveExactlyTheIntendedPermissions(Can c) {
    SubjectAccessReview review =
        hub.authorization()
            .v1()
            .subjectAccessReview()
            .create(
                new SubjectAccessReviewBuilder()
                    .withNewSpec()
                    .withUser("system:serviceaccount:" + NS + ":" + c.who())
                    .withGroups(
                        "system:serviceaccounts",
                        "system:serviceaccounts:" + NS,
                        "system:authenticated")
                    .withNewResourceAttributes()
                    .withVerb(c.verb())
                    .withGroup(c.group())
                    .withResource(c.resource())
                    .withSubresource(c.sub())
                    .withName(c.name())
                    .withNamespace(c.namespace())
                    .endResourceAttributes()
                    .endSpec()
                    .build());

    assertThat(review.getStatus().getAllowed()).as(c.toString()).isEqualTo(c.allowed());
  }
}
