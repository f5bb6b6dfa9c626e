package dev.gantry.aggregator;

import static dev.gantry.aggregator.HubFixtures.mirror;
import static dev.gantry.aggregator.HubFixtures.mirrorSlice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.aggregator.mcs.ServiceImportPublisher;
import dev.gantry.api.Labels;
import dev.gantry.api.crd.mcs.ServiceImport;
import dev.gantry.api.crd.mcs.ServiceImportSpec;
import dev.gantry.runtime.informer.RetryingInformers;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.Tools;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An upgrade from Gantry's own ServiceImport CRD ({@code v1alpha1} only, a Clusters column read
 * from an annotation) to the MCS API's, on a real hub apiserver: the imports written under the
 * earlier CRD read the same at both versions of the new one, and the aggregator brings them in line
 * (the {@code Ready} condition added, the annotation removed) without losing what they held.
 */
@WithClusters({"hub"})
class ServiceImportCrdUpgradeIT {
  private static final String EARLIER_CRD = "/crds/gantry-serviceimports-v1alpha1.yml";

  @Test
  void importsOfTheEarlierCrdStayReadableAndAreBroughtInLine(Testbed testbed) throws Exception {
    KubernetesClient hub = testbed.cluster("hub").client();
    var crds = hub.apiextensions().v1().customResourceDefinitions();
    try (InputStream yaml = getClass().getResourceAsStream(EARLIER_CRD)) {
      crds.resource(crds.load(yaml).item()).create();
    }
    crds.withName(ServiceImport.CRD_NAME)
        .waitUntilCondition(
            c ->
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
            30,
            TimeUnit.SECONDS);
    String ns = "upgrade";
    hub.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    // An import as the earlier aggregator wrote it.
    GenericKubernetesResource earlier =
        hub.getKubernetesSerialization()
            .unmarshal(
                """
                apiVersion: multicluster.x-k8s.io/v1alpha1
                kind: ServiceImport
                metadata:
                  name: web
                  namespace: upgrade
                  labels: {app.kubernetes.io/managed-by: gantry}
                  annotations: {gantry.dev/clusters: "east,west"}
                spec:
                  type: Headless
                  ports: [{name: http, port: 80, protocol: TCP, appProtocol: http}]
                """,
                GenericKubernetesResource.class);
    earlier = alpha(hub, ns).resource(earlier).create();
    earlier.setAdditionalProperty(
        "status",
        Map.of("clusters", List.of(Map.of("cluster", "east"), Map.of("cluster", "west"))));
    alpha(hub, ns).resource(earlier).updateStatus();

    // The MCS API's CRD replaces it, as helm upgrade does.
    CustomResourceDefinition upstream;
    try (InputStream yaml = Files.newInputStream(Tools.mcsServiceImportCrd())) {
      upstream = crds.load(yaml).item();
    }
    upstream
        .getMetadata()
        .setResourceVersion(
            crds.withName(ServiceImport.CRD_NAME).get().getMetadata().getResourceVersion());
    crds.resource(upstream).update();
    ServiceImport read =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () -> hub.resources(ServiceImport.class).inNamespace(ns).withName("web").get(),
                r -> r != null);

    // Readable at v1beta1 as it was written, and the same at v1alpha1.
    assertThat(read.getSpec().getType()).isEqualTo(ServiceImportSpec.Type.Headless);
    assertThat(read.getSpec().getPorts())
        .extracting(p -> p.getName() + "/" + p.getPort() + "/" + p.getAppProtocol())
        .containsExactly("http/80/http");
    assertThat(read.getStatus().getClusters())
        .extracting(c -> c.getCluster())
        .containsExactly("east", "west");
    assertSameAtBothVersions(hub, ns);

    // The hub's aggregator, on mirrors that call for the same import, brings it in line.
    create(
        hub,
        mirror("east", ns + "/web").port("http", 80).build(),
        mirrorSlice("east", ns + "/web", "a").ready("198.18.1.1").build(),
        mirror("west", ns + "/web").port("http", 80).build(),
        mirrorSlice("west", ns + "/web", "a").ready("198.18.2.1").build());
    ScheduledExecutorService aggregatorThread = Executors.newSingleThreadScheduledExecutor();
    ScheduledExecutorService publisherThread = Executors.newSingleThreadScheduledExecutor();
    ExecutorService writers = Executors.newFixedThreadPool(2);
    RetryingInformers informers = new RetryingInformers();
    try (ServiceImportPublisher publisher =
            new ServiceImportPublisher(hub, publisherThread, writers, Clock.systemUTC(), informers)
                .start();
        Aggregator aggregator =
            new Aggregator(
                    hub,
                    informers,
                    aggregatorThread,
                    Clock.systemUTC(),
                    Duration.ofMillis(20),
                    Duration.ofMinutes(1),
                    publisher::accept)
                .start()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                ServiceImport now =
                    hub.resources(ServiceImport.class).inNamespace(ns).withName("web").get();
                assertThat(now.getMetadata().getAnnotations())
                    .doesNotContainKey(ServiceImport.CLUSTERS_ANNOTATION);
                assertThat(now.getMetadata().getLabels())
                    .containsEntry(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
                assertThat(now.getSpec().getPorts())
                    .extracting(p -> p.getName() + "/" + p.getPort() + "/" + p.getAppProtocol())
                    .containsExactly("http/80/http");
                assertThat(now.getStatus().getClusters())
                    .extracting(c -> c.getCluster())
                    .containsExactly("east", "west");
                assertThat(now.getStatus().getConditions())
                    .singleElement()
                    .satisfies(
                        c -> {
                          assertThat(c.getType()).isEqualTo("Ready");
                          assertThat(c.getStatus()).isEqualTo("True");
                          assertThat(c.getObservedGeneration())
                              .isEqualTo(now.getMetadata().getGeneration());
                        });
              });
      assertSameAtBothVersions(hub, ns);
    } finally {
      aggregatorThread.shutdownNow();
      publisherThread.shutdownNow();
      writers.shutdownNow();
    }
  }

  private static void assertSameAtBothVersions(KubernetesClient hub, String ns) {
    GenericKubernetesResource alpha = at(hub, "v1alpha1", ns, "web").get();
    GenericKubernetesResource beta = at(hub, "v1beta1", ns, "web").get();
    assertThat(alpha.getApiVersion()).isEqualTo(ServiceImport.GROUP + "/v1alpha1");
    assertThat(beta.getApiVersion()).isEqualTo(ServiceImport.GROUP + "/v1beta1");
    assertThat((Object) alpha.get("spec")).isEqualTo(beta.get("spec"));
    assertThat((Object) alpha.get("status")).isEqualTo(beta.get("status"));
    assertThat(alpha.getMetadata().getAnnotations()).isEqualTo(beta.getMetadata().getAnnotations());
  }

  private static NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      alpha(KubernetesClient hub, String ns) {
    return hub.genericKubernetesResources(ServiceImport.GROUP + "/v1alpha1", "ServiceImport")
        .inNamespace(ns);
  }

  private static Resource<GenericKubernetesResource> at(
      KubernetesClient hub, String version, String ns, String name) {
    return hub.genericKubernetesResources(ServiceImport.GROUP + "/" + version, "ServiceImport")
        .inNamespace(ns)
        .withName(name);
  }

  private static void create(KubernetesClient hub, HasMetadata... objects) {
    for (HasMetadata o : objects) {
      hub.resource(o).create();
    }
  }
}
