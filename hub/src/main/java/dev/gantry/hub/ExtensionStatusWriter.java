package dev.gantry.hub;

import dev.gantry.api.crd.contour.ExtensionService;
import dev.gantry.api.crd.contour.ExtensionServiceStatus;
import dev.gantry.runtime.log.LogKeys;
import dev.gantry.xds.compile.httpproxy.ExtensionServices;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes ExtensionService status as Contour does (a {@code Valid} condition with errors, warnings
 * and {@code observedGeneration}) from the verdicts of each build, off the build thread, only where
 * it changed and only while this replica writes. A failed write is tried again with the next
 * verdicts: the write itself changes the object, which starts a build.
 */
final class ExtensionStatusWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExtensionStatusWriter.class);
  private static final ResourceDefinitionContext EXTENSION_SERVICES =
      ResourceDefinitionContext.fromResourceType(ExtensionService.class);

  private final ScheduledExecutorService loop = Hub.executor("extension-status");
  private final AtomicReference<List<ExtensionServices.Verdict>> latest =
      new AtomicReference<>(List.of());
  private final KubernetesClient hub;
  private final Clock clock;
  private final BiFunction<String, String, ExtensionService> cached;
  private final BooleanSupplier mayWrite;

  /**
   * @param cached the ExtensionService {@code (namespace, name)} as an informer last saw it, or
   *     null
   * @param mayWrite whether this replica writes now (it holds the lease)
   */
  ExtensionStatusWriter(
      KubernetesClient hub,
      Clock clock,
      BiFunction<String, String, ExtensionService> cached,
      BooleanSupplier mayWrite) {
    this.hub = hub;
    this.clock = clock;
    this.cached = cached;
    this.mayWrite = mayWrite;
  }

  /** The verdicts of a build: written soon. */
  void accept(List<ExtensionServices.Verdict> verdicts) {
    latest.set(verdicts);
    loop.execute(this::write);
  }

  /** This replica may write again (it took the lease): the latest verdicts are written. */
  void resume() {
    loop.execute(this::write);
  }

  private void write() {
    if (!mayWrite.getAsBoolean()) {
      return;
    }
    for (ExtensionServices.Verdict verdict : latest.get()) {
      ExtensionService current = cached.apply(verdict.namespace(), verdict.name());
      if (current == null) {
        continue;
      }
      ExtensionServiceStatus next = verdict.status(current.getStatus(), clock.instant().toString());
      if (!next.equals(current.getStatus())) {
        try (LogKeys.Scope ignored = LogKeys.object("ExtensionService", verdict.key())) {
          write(current, next);
        }
      }
    }
  }

  private void write(ExtensionService current, ExtensionServiceStatus next) {
    // As HTTPProxy status: a raw object, so the spec never passes through our model.
    GenericKubernetesResource copy =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(HasMetadata.getApiVersion(ExtensionService.class))
            .withKind(HasMetadata.getKind(ExtensionService.class))
            .withMetadata(current.getMetadata())
            .build();
    copy.setAdditionalProperty("status", next);
    try {
      hub.genericKubernetesResources(EXTENSION_SERVICES)
          .inNamespace(current.getMetadata().getNamespace())
          .resource(copy)
          .updateStatus();
    } catch (KubernetesClientException e) {
      // A conflict with a newer version, or the hub away: the next verdicts try again.
      log.info(
          "ExtensionService status not written ({} {}); retried with the next build",
          e.getCode(),
          e.getMessage());
    }
  }

  @Override
  public void close() {
    Hub.shutDown(loop);
  }
}
