package dev.gantry.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Requests to one host through Envoy at a steady rate, each answer kept with its time ({@link
 * System#nanoTime()}); an answer that is not one of the expected backends' names is a failure.
 */
public final class RequestLoop implements AutoCloseable {
  /** One request: when it was sent and what came back. */
  public record Answer(long nanos, String answer) {}

  private final Traffic traffic;
  private final String host;
  private final Set<String> backends;
  private final List<Answer> answers = new ArrayList<>();
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "requests-" + r.hashCode());
            t.setDaemon(true);
            return t;
          });

  public RequestLoop(Traffic traffic, String host, Set<String> backends) {
    this.traffic = traffic;
    this.host = host;
    this.backends = Set.copyOf(backends);
  }

  /**
   * Sends a request, waits {@code periodMillis}, sends the next: a slow answer slows the loop
   * rather than being followed by a burst that would inflate the counts.
   */
  public RequestLoop start(long periodMillis) {
    executor.scheduleWithFixedDelay(
        () -> {
          long at = System.nanoTime();
          String answer = traffic.answer(host, "/");
          synchronized (answers) {
            answers.add(new Answer(at, answer));
          }
        },
        0,
        periodMillis,
        TimeUnit.MILLISECONDS);
    return this;
  }

  public boolean failed(Answer a) {
    return !backends.contains(a.answer());
  }

  /** Answers sent in [{@code from}, {@code to}). */
  public List<Answer> between(long from, long to) {
    synchronized (answers) {
      return answers.stream().filter(a -> a.nanos() >= from && a.nanos() < to).toList();
    }
  }

  /** Failed answers sent in [{@code from}, {@code to}). */
  public int failuresBetween(long from, long to) {
    return (int) between(from, to).stream().filter(this::failed).count();
  }

  /** Whether the last {@code n} answers all succeeded (false with fewer than n). */
  public boolean lastSucceeded(int n) {
    synchronized (answers) {
      if (answers.size() < n) {
        return false;
      }
      return answers.subList(answers.size() - n, answers.size()).stream().noneMatch(this::failed);
    }
  }

  /** Every answer so far, counted. */
  public Map<String, Integer> tally() {
    Map<String, Integer> counts = new TreeMap<>();
    synchronized (answers) {
      answers.forEach(a -> counts.merge(a.answer(), 1, Integer::sum));
    }
    return counts;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
