package dev.gantry.runtime;

import dev.gantry.runtime.events.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer among replicas, through a Lease (fabric8's {@code LeaderElector}): {@code onStart}
 * runs when this replica takes the lease, {@code onStop} when it loses it, before another replica
 * may take it (the renew deadline is shorter than the lease). A replica that lost the lease stands
 * again; closing releases it, so a successor need not wait for it to expire.
 *
 * <p>{@link #leading()} is also fenced by time: it turns false once the renew deadline has passed
 * since this replica last renewed the lease (by its own monotonic clock, from when the renewal was
 * sent), whether or not the elector has noticed. A replica frozen past its lease (a stopped
 * process, a long pause) therefore stops writing the moment it runs again, not when its elector
 * next tries to renew; a successor can only have taken the lease after the full lease duration.
 */
public final class LeaderElection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  /** Where the lease lives, who this replica is, and the timings. */
  public record Settings(
      String namespace,
      String lease,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {
    public Settings {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(lease, "lease");
      Objects.requireNonNull(identity, "identity");
      if (!(leaseDuration.compareTo(renewDeadline) > 0
          && renewDeadline.compareTo(retryPeriod) > 0)) {
        throw new IllegalArgumentException(
            "leader election needs lease duration > renew deadline > retry period");
      }
    }

    /** The timings the discoverers and the hub use: 15 s lease, 10 s renew deadline, 2 s retry. */
    public static Settings of(String namespace, String lease, String identity) {
      return new Settings(
          namespace,
          lease,
          identity,
          Duration.ofSeconds(15),
          Duration.ofSeconds(10),
          Duration.ofSeconds(2));
    }
  }

  private final KubernetesClient client;
  private final Settings settings;
  private final Runnable onStart;
  private final Runnable onStop;
  private final EventRecorder events;
  private volatile CompletableFuture<?> election;
  private volatile boolean leading;
  private volatile boolean closed;
  private volatile long renewedNanos;

  public LeaderElection(
      KubernetesClient client, Settings settings, Runnable onStart, Runnable onStop) {
    this(client, settings, onStart, onStop, null);
  }

  /**
   * @param events where this replica reports taking the lease (an Event {@code LeaderElected} on
   *     the Lease), or null
   */
  public LeaderElection(
      KubernetesClient client,
      Settings settings,
      Runnable onStart,
      Runnable onStop,
      EventRecorder events) {
    this.client = client;
    this.settings = settings;
    this.onStart = onStart;
    this.onStop = onStop;
    this.events = events;
  }

  /** The identity of a replica: the pod's name (HOSTNAME) and the process id. */
  public static String identity(String fallback) {
    String host = System.getenv("HOSTNAME");
    return (host == null || host.isBlank() ? fallback : host) + "-" + ProcessHandle.current().pid();
  }

  public LeaderElection start() {
    stand();
    return this;
  }

  /** Whether this replica holds the lease and renewed it within the renew deadline. */
  public boolean leading() {
    return leading && System.nanoTime() - renewedNanos < settings.renewDeadline().toNanos();
  }

  private void stand() {
    election =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(settings.lease())
                    .withLock(
                        new RenewalClock(
                            new LeaseLock(
                                settings.namespace(), settings.lease(), settings.identity())))
                    .withLeaseDuration(settings.leaseDuration())
                    .withRenewDeadline(settings.renewDeadline())
                    .withRetryPeriod(settings.retryPeriod())
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(
                            () -> {
                              log.info("{} holds lease {}", settings.identity(), settings.lease());
                              leading = true;
                              if (events != null) {
                                events.normal(
                                    new EventRecorder.Regarding(
                                        "coordination.k8s.io/v1",
                                        "Lease",
                                        settings.namespace(),
                                        settings.lease(),
                                        null),
                                    "LeaderElected",
                                    "Elect",
                                    settings.identity() + " became leader");
                              }
                              onStart.run();
                            },
                            this::stopped,
                            leader -> log.info("lease {}: leader is {}", settings.lease(), leader)))
                    .build())
            .build()
            .start();
    // After losing the lease, stand for election again unless shutting down.
    election.whenComplete(
        (ok, error) -> {
          stopped();
          if (!closed) {
            stand();
          }
        });
  }

  private synchronized void stopped() {
    if (leading) {
      log.info("{} lost lease {}: stopping writes", settings.identity(), settings.lease());
      leading = false;
      onStop.run();
    }
  }

  /** The lease lock, noting when this replica's renewals were sent. */
  private final class RenewalClock implements Lock {
    private final Lock lock;

    RenewalClock(Lock lock) {
      this.lock = lock;
    }

    @Override
    public LeaderElectionRecord get(KubernetesClient client) {
      return lock.get(client);
    }

    @Override
    public void create(KubernetesClient client, LeaderElectionRecord record) {
      long sent = System.nanoTime();
      lock.create(client, record);
      renewed(record, sent);
    }

    @Override
    public void update(KubernetesClient client, LeaderElectionRecord record) {
      long sent = System.nanoTime();
      lock.update(client, record);
      renewed(record, sent);
    }

    private void renewed(LeaderElectionRecord record, long sent) {
      if (settings.identity().equals(record.getHolderIdentity())) {
        renewedNanos = sent;
      }
    }

    @Override
    public String identity() {
      return lock.identity();
    }

    @Override
    public String describe() {
      return lock.describe();
    }
  }

  @Override
  public void close() {
    closed = true;
    CompletableFuture<?> running = election;
    if (running != null) {
      running.cancel(true); // releases the lease (releaseOnCancel)
    }
    stopped();
  }
}
