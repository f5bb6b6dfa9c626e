package dev.gantry.hub;

import dev.gantry.runtime.informer.ChangeHandler;
import dev.gantry.runtime.informer.RetryingInformers;
import dev.gantry.runtime.informer.TolerantInformer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch of a custom resource whose CRD comes with Contour's (or the chart's) and may be missing:
 * started only if the hub's API serves the kind, asked until the apiserver answers, off the
 * starting thread. Without the CRD it counts as listed and empty. Objects are read one by one, so
 * one written against a richer CRD does not stop the others.
 */
final class OptionalWatch<T extends HasMetadata> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OptionalWatch.class);

  private final KubernetesClient hub;
  private final Class<T> kind;
  private final String crdName;
  private final String withoutIt;
  private final TolerantInformer<T> informer;
  private volatile boolean listed;
  private volatile boolean closed;

  /**
   * @param crdName the CRD's name, for the warning when it is missing
   * @param withoutIt what does not work without the CRD, for that warning
   */
  OptionalWatch(
      KubernetesClient hub,
      RetryingInformers informers,
      Class<T> kind,
      String crdName,
      String description,
      String withoutIt) {
    this.hub = hub;
    this.kind = kind;
    this.crdName = crdName;
    this.withoutIt = withoutIt;
    this.informer = TolerantInformer.of(hub, kind, informers, description);
  }

  boolean listed() {
    return listed;
  }

  List<T> list() {
    return informer.list();
  }

  /** The object as the cache holds it; null when absent or not read. */
  T get(String namespace, String name) {
    return informer.get(namespace, name);
  }

  /**
   * Starts asking whether the API serves the kind; then {@code onChange} runs with every object
   * once listed and after each change, and {@code onListed} once it is listed (after the first
   * {@code onChange}) or known to be missing.
   */
  void start(Runnable onListed, Consumer<List<T>> onChange) {
    Thread asking =
        new Thread(
            () -> {
              long backoff = 250;
              while (!closed) {
                try {
                  if (hub.supports(kind)) {
                    informer
                        .informer()
                        .addEventHandler(new ChangeHandler<>(() -> changed(onChange)));
                    informer
                        .start()
                        .thenRun(
                            () -> {
                              listed = true;
                              // What they say first, so that the build the listing allows has it.
                              changed(onChange);
                              onListed.run();
                            });
                  } else {
                    log.warn(
                        "the hub's API does not serve {}: {} (install the CRD and restart the hub"
                            + " to use them)",
                        crdName,
                        withoutIt);
                    listed = true;
                    onListed.run();
                  }
                  return;
                } catch (RuntimeException e) {
                  log.debug("cannot tell whether the API serves {} yet", crdName, e);
                  try {
                    Thread.sleep(backoff);
                  } catch (InterruptedException interrupted) {
                    return;
                  }
                  backoff = Math.min(backoff * 2, 5_000);
                }
              }
            },
            kind.getSimpleName() + "-discovery");
    asking.setDaemon(true);
    asking.start();
  }

  private void changed(Consumer<List<T>> onChange) {
    if (listed) {
      onChange.accept(informer.list());
    }
  }

  @Override
  public void close() {
    closed = true;
    informer.close();
  }
}
