package dev.gantry.discoverer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ErrorsTest {
  @Test
  void describeNamesTheRootCause() {
    Exception e =
        new KubernetesClientException(
            "Operation: [get] failed.", new IOException("wrap", new IOException("refused")));

    assertThat(Errors.describe(e)).isEqualTo("Operation: [get] failed. (IOException: refused)");
    assertThat(Errors.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
  }

  @Test
  void interruptedFindsAnInterruptionAnywhereInTheCauses() {
    Exception stopping =
        new KubernetesClientException(
            "An error has occurred.",
            new KubernetesClientException("inner", new InterruptedException()));
    Exception failing = new KubernetesClientException("refused", new IOException("refused"));

    assertThat(Errors.interrupted(stopping)).isTrue();
    assertThat(Errors.interrupted(failing)).isFalse();
    assertThat(Errors.interrupted(new InterruptedException())).isTrue();
  }
}
