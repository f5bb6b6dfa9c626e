package dev.gantry.runtime.events;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events ({@code events.k8s.io/v1}) about the objects Gantry judges, without ever
 * holding up its caller: {@link #record} only queues, and one executor thread writes, at most
 * {@code perSecond} on average with bursts of {@code burst}. A full queue drops the event, the same
 * event (object, reason, note) again within {@link #REPEAT_WINDOW} is dropped too, and a failed
 * write is logged in one line and not retried; each outcome is counted. Events inform people
 * ({@code kubectl describe}, {@code kubectl events}); nothing in Gantry reads them back.
 */
public final class EventRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  /** How long the same event is not written again. */
  public static final Duration REPEAT_WINDOW = Duration.ofMinutes(5);

  private static final int NOTE_LIMIT = 1024; // the apiserver refuses longer notes
  private static final int REMEMBERED = 4096;
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /** Event types. */
  public enum Type {
    Normal,
    Warning
  }

  /**
   * The object an event is about. Events about cluster-scoped objects live in namespace {@code
   * default}, as Kubernetes' own do.
   */
  public record Regarding(
      String apiVersion, String kind, String namespace, String name, String uid) {
    public static Regarding of(HasMetadata object) {
      return new Regarding(
          object.getApiVersion(),
          object.getKind(),
          object.getMetadata().getNamespace(),
          object.getMetadata().getName(),
          object.getMetadata().getUid());
    }

    /** {@code key} is {@code namespace/name}, or a name for a cluster-scoped object. */
    public static Regarding of(String apiVersion, String kind, String key) {
      int slash = key.indexOf('/');
      return slash < 0
          ? new Regarding(apiVersion, kind, null, key, null)
          : new Regarding(
              apiVersion, kind, key.substring(0, slash), key.substring(slash + 1), null);
    }

    String eventNamespace() {
      return namespace == null || namespace.isEmpty() ? "default" : namespace;
    }

    ObjectReference reference() {
      return new ObjectReferenceBuilder()
          .withApiVersion(apiVersion)
          .withKind(kind)
          .withNamespace(namespace)
          .withName(name)
          .withUid(uid)
          .build();
    }
  }

  private record Pending(
      Regarding regarding, Type type, String reason, String action, String note) {}

  private final KubernetesClient client;
  private final String controller;
  private final String instance;
  private final ScheduledExecutorService executor;
  private final Clock clock;
  private final int capacity;
  private final double perSecond;
  private final int burst;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  // Owned by the executor thread.
  private final Deque<Pending> queue = new ArrayDeque<>();
  private final Map<Pending, Instant> recent =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Pending, Instant> eldest) {
          return size() > REMEMBERED;
        }
      };
  private double tokens;
  private long refilledNanos = System.nanoTime();
  private boolean drainScheduled;
  private long sequence;

  /**
   * @param controller the {@code reportingController}, e.g. {@code gantry.dev/hub}
   * @param instance the {@code reportingInstance}: this replica's identity
   * @param executor the one thread the writes run on (they are blocking calls); the recorder owns
   *     it and shuts it down on {@link #close}
   */
  public EventRecorder(
      KubernetesClient client,
      String controller,
      String instance,
      ScheduledExecutorService executor,
      Clock clock,
      int capacity,
      double perSecond,
      int burst) {
    if (capacity < 1 || perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("capacity, rate and burst must be positive");
    }
    this.client = client;
    this.controller = controller;
    // The apiserver limits reportingInstance to 128 characters.
    this.instance = instance.length() > 128 ? instance.substring(0, 128) : instance;
    this.executor = executor;
    this.clock = clock;
    this.capacity = capacity;
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = burst;
  }

  /** The settings the processes use: 100 queued, 5 per second, bursts of 20. */
  public static EventRecorder of(
      KubernetesClient client,
      String controller,
      String instance,
      ScheduledExecutorService executor) {
    return new EventRecorder(client, controller, instance, executor, Clock.systemUTC(), 100, 5, 20);
  }

  public void normal(Regarding regarding, String reason, String action, String note) {
    record(regarding, Type.Normal, reason, action, note);
  }

  public void warning(Regarding regarding, String reason, String action, String note) {
    record(regarding, Type.Warning, reason, action, note);
  }

  /** Queues an event; never blocks and never throws for want of room or an apiserver. */
  public void record(Regarding regarding, Type type, String reason, String action, String note) {
    String shortNote =
        note == null || note.length() <= NOTE_LIMIT
            ? note
            : note.substring(0, NOTE_LIMIT - 3) + "...";
    Pending event = new Pending(regarding, type, reason, action, shortNote);
    try {
      executor.execute(() -> enqueue(event));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      dropped.incrementAndGet(); // closing
    }
  }

  private void enqueue(Pending event) {
    Instant now = clock.instant();
    Instant last = recent.get(event);
    if (last != null && now.isBefore(last.plus(REPEAT_WINDOW))) {
      dropped.incrementAndGet();
      return;
    }
    if (queue.size() >= capacity) {
      dropped.incrementAndGet();
      log.debug(
          "event dropped (queue full): {} {} {}", event.regarding(), event.reason(), event.note());
      return;
    }
    recent.put(event, now);
    queue.add(event);
    drain();
  }

  /** Writes what the tokens allow; comes back when the next token is due. */
  private void drain() {
    drainScheduled = false;
    long nanos = System.nanoTime();
    tokens = Math.min(burst, tokens + (nanos - refilledNanos) / 1e9 * perSecond);
    refilledNanos = nanos;
    while (tokens >= 1 && !queue.isEmpty()) {
      tokens -= 1;
      write(queue.poll());
    }
    if (!queue.isEmpty() && !drainScheduled) {
      drainScheduled = true;
      long wait = (long) Math.ceil((1 - tokens) / perSecond * 1e9);
      executor.schedule(this::drain, Math.max(wait, 1), TimeUnit.NANOSECONDS);
    }
  }

  private void write(Pending p) {
    Instant now = clock.instant();
    String prefix =
        p.regarding().name().length() > 200
            ? p.regarding().name().substring(0, 200)
            : p.regarding().name();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(p.regarding().eventNamespace())
            .withName(
                prefix
                    + "."
                    + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano())
                    + Long.toHexString(sequence++ & 0xfff))
            .endMetadata()
            .withEventTime(new MicroTime(MICRO_TIME.format(now)))
            .withReportingController(controller)
            .withReportingInstance(instance)
            .withRegarding(p.regarding().reference())
            .withType(p.type().name())
            .withReason(p.reason())
            .withAction(p.action())
            .withNote(p.note())
            .build();
    try {
      client
          .events()
          .v1()
          .events()
          .inNamespace(p.regarding().eventNamespace())
          .resource(event)
          .create();
      sent.incrementAndGet();
    } catch (KubernetesClientException e) {
      failed.incrementAndGet();
      log.warn(
          "event {} about {} {} not written: {}",
          p.reason(),
          p.regarding().kind(),
          p.regarding().namespace() == null
              ? p.regarding().name()
              : p.regarding().namespace() + "/" + p.regarding().name(),
          e.getStatus() != null && e.getStatus().getMessage() != null
              ? e.getStatus().getMessage()
              : String.valueOf(e.getMessage()));
    } catch (RuntimeException e) {
      failed.incrementAndGet();
      log.warn("event {} not written: {}", p.reason(), e.toString());
    }
  }

  /** Events written. */
  public long sent() {
    return sent.get();
  }

  /** Events whose write failed (not retried). */
  public long failed() {
    return failed.get();
  }

  /** Events not written: the queue was full, or the same event was written moments ago. */
  public long dropped() {
    return dropped.get();
  }

  /**
   * Reports the Events this recorder wrote, failed to write and dropped as {@code
   * gantry_events_total{result}}, read on every scrape.
   */
  public void bindTo(MeterRegistry registry) {
    for (Map.Entry<String, ToDoubleFunction<EventRecorder>> e :
        Map.<String, ToDoubleFunction<EventRecorder>>of(
                "sent", EventRecorder::sent,
                "failed", EventRecorder::failed,
                "dropped", EventRecorder::dropped)
            .entrySet()) {
      FunctionCounter.builder("gantry.events", this, e.getValue())
          .description(
              "Kubernetes Events by result: sent, failed (logged, not retried), dropped (queue"
                  + " full, or the same event moments ago)")
          .tag("result", e.getKey())
          .register(registry);
    }
  }

  /** Stops writing; queued events are dropped. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
