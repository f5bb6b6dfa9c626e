package dev.gantry.runtime.kube;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KubeClientsTest {

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
