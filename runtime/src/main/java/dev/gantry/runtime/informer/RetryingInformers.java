package dev.gantry.runtime.informer;

import dev.gantry.runtime.HealthServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes informers wait out an apiserver that is unreachable or refusing, at start or later, instead
 * of giving up: fabric8's default stops an informer for good when its first list fails, so a
 * process started before its apiserver would never list, never become ready and never be restarted.
 * Retries follow fabric8's backoff (the client's watch reconnect interval, doubling up to 32 times
 * it). Only an error a retry cannot fix stops an informer: objects that do not deserialize into our
 * model (the served API and this build disagree). {@link #liveness()} then fails, so Kubernetes
 * restarts the process rather than leave it serving a cache that no longer follows the apiserver.
 */
public final class RetryingInformers {
  private static final Logger log = LoggerFactory.getLogger(RetryingInformers.class);

  private final Map<String, String> stopped = new ConcurrentHashMap<>();

  /**
   * Sets the retry policy on {@code informer}, which must not be started yet.
   *
   * @param what what it watches where, for log lines and the liveness message (e.g. {@code
   *     HTTPProxies in the hub})
   */
  public <T extends HasMetadata> SharedIndexInformer<T> retrying(
      SharedIndexInformer<T> informer, String what) {
    return informer.exceptionHandler(handler(what));
  }

  /**
   * Starts {@code informer} from a thread of its own. fabric8's Vert.x client sends a request made
   * outside its event loops on the loop the sending thread is pinned to, and the list's answer is
   * decrypted, decoded and stored on that loop: informers started from one thread list one after
   * another on one loop while the others idle. Started apart, the large lists of a start (the hub's
   * Services, EndpointSlices and HTTPProxies) are read side by side.
   */
  public static <T> CompletableFuture<Void> startApart(SharedIndexInformer<T> informer) {
    CompletableFuture<Void> started = new CompletableFuture<>();
    Thread starter =
        new Thread(
            () -> {
              try {
                informer
                    .start()
                    .whenComplete(
                        (ok, failure) -> {
                          if (failure == null) {
                            started.complete(null);
                          } else {
                            started.completeExceptionally(failure);
                          }
                        });
              } catch (RuntimeException e) {
                started.completeExceptionally(e);
              }
            },
            "informer-start");
    starter.setDaemon(true);
    starter.start();
    return started;
  }

  /** The policy set on an informer watching {@code what}. */
  ExceptionHandler handler(String what) {
    return (started, error) -> retry(what, started, error);
  }

  private boolean retry(String what, boolean started, Throwable error) {
    if (ExceptionHandler.isDeserializationException(error)) {
      stopped.put(what, describe(error));
      log.error(
          "{} do not match this build's model; stopped watching them: {}", what, describe(error));
      return false;
    }
    log.warn(
        "{} {} failed, retrying with backoff: {}",
        started ? "watching" : "listing",
        what,
        describe(error));
    return true;
  }

  /** Fails once an informer has stopped on an error a retry cannot fix. */
  public HealthServer.Check liveness() {
    if (stopped.isEmpty()) {
      return new HealthServer.Check(true, "ok");
    }
    return new HealthServer.Check(false, "stopped watching for good: " + new TreeMap<>(stopped));
  }

  /** The message and its causes', without a stack trace: these are expected conditions. */
  private static String describe(Throwable error) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (out.indexOf(message) < 0) {
        out.append(out.length() == 0 ? "" : ": ").append(message);
      }
    }
    return out.toString();
  }
}
