package dev.gantry.runtime.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.vertx5.TlsWarmup;
import org.junit.jupiter.api.Test;

class KubeClientsTest {

  /**
   * A factory for BoringSSL leaves out fabric8's warm-up of the JDK's TLS; one for the JDK's not.
   */
  @Test
  void theJdksTlsIsWarmedOnlyForClientsThatSpeakIt() {
    assertThat(new KubeClients.Factory(true, KubeClients.READ_IDLE, true, true).getTlsWarmup())
        .isEqualTo(TlsWarmup.OFF);
    assertThat(new KubeClients.Factory(true, KubeClients.READ_IDLE, true, false).getTlsWarmup())
        .isEqualTo(TlsWarmup.CONTEXT);
  }

  /**
   * Why BoringSSL did not load, as Netty reports it: one error per library name tried, each
   * suppressed into the one thrown, the missing shared library in the cause of the first.
   */
  @Test
  void theReasonBoringSslIsUnavailableIsTheInnermostOne() {
    IllegalArgumentException thrown =
        new IllegalArgumentException("Failed to load any of the given libraries: [a, b]");
    UnsatisfiedLinkError first = new UnsatisfiedLinkError("could not load a native library: a");
    first.initCause(
        new UnsatisfiedLinkError("/tmp/liba.so: librt.so.1: cannot open shared object file"));
    thrown.addSuppressed(first);
    thrown.addSuppressed(new UnsatisfiedLinkError("could not load a native library: b"));

    assertThat(KubeClients.innermost(thrown))
        .isEqualTo("/tmp/liba.so: librt.so.1: cannot open shared object file");
    assertThat(KubeClients.innermost(new IllegalStateException()))
        .isEqualTo("java.lang.IllegalStateException");
  }
}
