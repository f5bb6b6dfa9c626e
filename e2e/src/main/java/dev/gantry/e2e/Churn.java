package dev.gantry.e2e;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A steady rate of EndpointSlice changes in remote clusters: services {@code data-0..n-1} in each
 * cluster, each with a slice of data-only addresses (198.18.0.0/15, never contacted); every change
 * replaces one service's oldest address with a new one, round robin over clusters and services. A
 * write that fails (a remote apiserver down) is counted, not retried: the remote holds what it
 * holds, and that is what the hub must mirror.
 */
public final class Churn implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Churn.class);
  private static final int BLOCK = 32_768;

  private final ClusterObjects objects;
  private final List<String> clusters;
  private final int services;
  private final List<List<Deque<String>>> addresses = new ArrayList<>();
  private final long[] next;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "churn");
            t.setDaemon(true);
            return t;
          });
  private final AtomicLong changes = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean paused;
  private long turn;

  /** Creates the services in every cluster, each with {@code endpoints} addresses. */
  public Churn(ClusterObjects objects, List<String> clusters, int services, int endpoints) {
    if (clusters.size() > 4) {
      throw new IllegalArgumentException("198.18.0.0/15 holds four clusters' blocks");
    }
    this.objects = objects;
    this.clusters = List.copyOf(clusters);
    this.services = services;
    this.next = new long[clusters.size()];
    for (int c = 0; c < clusters.size(); c++) {
      List<Deque<String>> perService = new ArrayList<>();
      for (int s = 0; s < services; s++) {
        Deque<String> slice = new ArrayDeque<>();
        for (int e = 0; e < endpoints; e++) {
          slice.add(address(c));
        }
        objects.publishAddresses(clusters.get(c), name(s), "http", 8080, List.copyOf(slice));
        perService.add(slice);
      }
      addresses.add(perService);
    }
  }

  /** The name of data service {@code i}. */
  public static String name(int i) {
    return "data-" + i;
  }

  private String address(int cluster) {
    long n = BLOCK * (long) cluster + (next[cluster]++ % BLOCK);
    return "198." + (18 + (n >> 16)) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
  }

  /** Starts changing {@code perSecond} slices a second. */
  public Churn start(double perSecond) {
    long periodMicros = (long) (1_000_000 / perSecond);
    executor.scheduleAtFixedRate(this::change, 0, periodMicros, TimeUnit.MICROSECONDS);
    return this;
  }

  private void change() {
    if (paused) {
      return;
    }
    int c = (int) (turn % clusters.size());
    int s = (int) ((turn / clusters.size()) % services);
    turn++;
    Deque<String> slice = addresses.get(c).get(s);
    String added = address(c);
    List<String> wanted = new ArrayList<>(slice);
    wanted.remove(0);
    wanted.add(added);
    try {
      objects.publishEndpointSlice(clusters.get(c), name(s), "http", 8080, wanted);
      slice.removeFirst();
      slice.addLast(added);
      changes.incrementAndGet();
    } catch (RuntimeException e) {
      if (failures.incrementAndGet() % 50 == 1) {
        log.info("churn: a write to {} failed: {}", clusters.get(c), e.toString());
      }
    }
  }

  /** Stops changing until {@link #resume()}; returns once no change is in flight. */
  public void pause() {
    paused = true;
    try {
      // The executor is single-threaded: a task queued behind a running change waits for it.
      executor.submit(() -> {}).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("churn did not pause", e);
    }
  }

  public void resume() {
    paused = false;
  }

  /** Changes written so far. */
  public long changes() {
    return changes.get();
  }

  /** Changes a remote refused so far. */
  public long failures() {
    return failures.get();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
