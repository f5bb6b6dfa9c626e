package dev.gantry.runtime.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.exc.StreamReadException;

/** Which informer failures are retried, and when liveness fails. */
class RetryingInformersTest {
  private final RetryingInformers informers = new RetryingInformers();
  private final ExceptionHandler handler = informers.handler("HTTPProxies in the hub");

  @Test
  void unreachableOrRefusingApiserverIsRetriedBeforeAndAfterTheFirstList() {
    KubernetesClientException refused =
        new KubernetesClientException("Failed to list", new ConnectException("Connection refused"));
    KubernetesClientException forbidden = new KubernetesClientException("Forbidden", 403, null);

    assertThat(handler.retryAfterException(false, refused)).isTrue();
    assertThat(handler.retryAfterException(false, forbidden)).isTrue();
    assertThat(handler.retryAfterException(true, refused)).isTrue();
    // fabric8's own default gives up on these once started.
    assertThat(handler.retryAfterException(true, new WatcherException("watch closed"))).isTrue();
    assertThat(informers.liveness().ok()).isTrue();
  }

  @Test
  void objectsThatDoNotDeserializeStopTheInformerAndFailLiveness() {
    KubernetesClientException mismatch =
        new KubernetesClientException(
            "Failed to list",
            new StreamReadException((JsonParser) null, "Cannot deserialize value of type List"));

    assertThat(handler.retryAfterException(false, mismatch)).isFalse();
    assertThat(informers.liveness().ok()).isFalse();
    // Jackson 3 adds the location on a line of its own, here "at [No location information]".
    assertThat(informers.liveness().message())
        .startsWith(
            "stopped watching for good: {HTTPProxies in the hub=Failed to list: Cannot"
                + " deserialize value of type List\n");
  }
}
