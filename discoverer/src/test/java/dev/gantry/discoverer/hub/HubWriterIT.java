package dev.gantry.discoverer.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.discoverer.metrics.MicrometerDiscovererMetrics;
import dev.gantry.discoverer.mirror.HubWrite;
import dev.gantry.testbed.Testbed;
import dev.gantry.testbed.WithClusters;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

/**
 * Deletes against a real apiserver: a mirror that is there is deleted and counted as a write done;
 * deleting it again (a second reconcile of the key before the cache has seen the first) finds
 * nothing, is still done for the caller, and is counted as {@code gone}, not as a write.
 */
@WithClusters({"hub"})
class HubWriterIT {
  @Test
  void aSecondDeleteOfTheSameMirrorIsGoneNotWritten(Testbed testbed) {
    KubernetesClient hub = testbed.cluster("hub").client();
    hub.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
        .create();
    Service mirror =
        hub.services()
            .inNamespace("shop")
            .resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("east-web")
                    .withNamespace("shop")
                    .endMetadata()
                    .withNewSpec()
                    .withClusterIP("None")
                    .addNewPort()
                    .withPort(80)
                    .endPort()
                    .endSpec()
                    .build())
            .create();
    MicrometerDiscovererMetrics metrics = new MicrometerDiscovererMetrics("east");
    HubWriter writer = new HubWriter(hub, "east", true, 100, 10, metrics, () -> true);

    HubWriter.Result first = writer.execute(new HubWrite(HubWrite.Verb.DELETE, mirror));
    HubWriter.Result second = writer.execute(new HubWrite(HubWrite.Verb.DELETE, mirror));

    assertThat(first.outcome()).isEqualTo(HubWriter.Outcome.DONE);
    assertThat(second.outcome()).isEqualTo(HubWriter.Outcome.DONE);
    assertThat(hub.services().inNamespace("shop").withName("east-web").get()).isNull();
    assertThat(metrics.hubWritesDone("service")).isEqualTo(1.0);
    assertThat(metrics.scrape()).containsPattern("result=\"gone\"[^\\n]*} 1\\.0");
  }
}
