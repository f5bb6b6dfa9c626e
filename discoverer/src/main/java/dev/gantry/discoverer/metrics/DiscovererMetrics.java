package dev.gantry.discoverer.metrics;

import dev.gantry.runtime.events.EventRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/** Everything the discoverer measures; one Micrometer adapter implements it. */
public interface DiscovererMetrics {
  /** Reports the work queue's depth on every scrape. */
  void queueDepth(Supplier<Number> depth);

  /** Reports the number of mirrored objects of {@code resource} on every scrape. */
  void mirroredObjects(String resource, Supplier<Number> count);

  /** Reports the number of unresolved name collisions on every scrape. */
  void collisions(Supplier<Number> count);

  /** One reconcile of one Service key, with result {@code ok} or {@code error}. */
  void reconcile(Duration duration, String result);

  /** From the remote event that made a key pending to its mirror written in the hub. */
  void propagation(Duration duration);

  /** One write to the hub: verb (create, update, delete), resource, result (ok, conflict, ...). */
  void hubWrite(String verb, String resource, String result);

  /** One event from the remote's informers: resource and type (add, update, delete). */
  void remoteEvent(String resource, String type);

  void remoteReachable(boolean reachable);

  void lastSuccessfulSync(Instant when);

  /**
   * When the bearer token of the remote credentials last loaded expires; empty when it does not say
   * (a client certificate, a token that is not a JWT).
   */
  void remoteTokenExpiry(Optional<Instant> expiry);

  /** The remote kubeconfig file changed and new credentials are being switched to. */
  void credentialRotation();

  /** A name collision with an object this discoverer does not own was found. */
  void collisionDetected();

  /** Reports the Events the recorder wrote, dropped and failed to write, on every scrape. */
  void events(EventRecorder recorder);
}
