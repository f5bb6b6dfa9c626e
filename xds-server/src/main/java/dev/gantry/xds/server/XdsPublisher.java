package dev.gantry.xds.server;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.model.ProxyCompiler;
import dev.gantry.xds.model.ProxyVerdict;
import dev.gantry.xds.translate.XdsAssembler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches changes (HTTPProxies, federation snapshots) for a short holdoff, then compiles, assembles
 * and publishes one xDS snapshot. All state lives on one executor thread.
 */
public final class XdsPublisher {
  private static final Logger log = LoggerFactory.getLogger(XdsPublisher.class);

  private final ScheduledExecutorService executor;
  private final Duration holdoff;
  private final ProxyCompiler compiler;
  private final XdsAssembler assembler;
  private final XdsServer server;
  private final XdsMetrics metrics;
  private final Consumer<List<ProxyVerdict>> verdicts;
  private List<HTTPProxy> proxies = List.of();
  private FederationSnapshot federation = FederationSnapshot.empty();
  private boolean scheduled;
  private boolean proxiesListed;
  private boolean federationListed;
  private volatile long builds;
  private volatile boolean complete;

  public XdsPublisher(
      ScheduledExecutorService executor,
      Duration holdoff,
      ProxyCompiler compiler,
      XdsAssembler assembler,
      XdsServer server,
      XdsMetrics metrics,
      Consumer<List<ProxyVerdict>> verdicts) {
    this.executor = executor;
    this.holdoff = holdoff;
    this.compiler = compiler;
    this.assembler = assembler;
    this.server = server;
    this.metrics = metrics;
    this.verdicts = verdicts;
  }

  /** Every HTTPProxy in the hub, as listed by a synced cache. */
  public void proxiesChanged(List<HTTPProxy> current) {
    List<HTTPProxy> copy = List.copyOf(current);
    executor.execute(
        () -> {
          proxies = copy;
          proxiesListed = true;
          schedule();
        });
  }

  /** A complete snapshot from a synced aggregator. */
  public void federationChanged(FederationSnapshot snapshot) {
    executor.execute(
        () -> {
          federation = snapshot;
          federationListed = true;
          schedule();
        });
  }

  private void schedule() {
    if (!scheduled) {
      scheduled = true;
      executor.schedule(this::build, holdoff.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void build() {
    scheduled = false;
    long start = System.nanoTime();
    try {
      ProxyCompiler.Result result = compiler.compile(proxies, federation);
      XdsAssembler.Assembly assembly = assembler.assemble(result.table());
      server.publish(assembly.snapshot(), assembly.proxyless());
      builds++;
      complete = proxiesListed && federationListed;
      metrics.build(Duration.ofNanos(System.nanoTime() - start), assembly.fullRebuild());
      verdicts.accept(result.verdicts());
    } catch (RuntimeException e) {
      log.error("building the xDS snapshot failed; the previous one keeps serving", e);
    }
  }

  /** Snapshots published so far. */
  public long builds() {
    return builds;
  }

  /** Whether the snapshot served was built from listed HTTPProxies and a synced federation. */
  public boolean servesCompleteState() {
    return complete;
  }
}
