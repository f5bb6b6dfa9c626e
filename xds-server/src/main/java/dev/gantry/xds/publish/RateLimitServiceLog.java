package dev.gantry.xds.publish;

import dev.gantry.runtime.log.LogKeys;
import dev.gantry.xds.compile.httpproxy.RateLimitService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says when the hub's rate limit service becomes unusable (its ExtensionService missing or invalid)
 * and when it is usable again: an error once per change, not one per snapshot build, and the gauge
 * {@code gantry_rate_limit_service_valid}. Every proxy that then loses its global rate limits has
 * its own status; this is the one signal for the whole hub, which matters most with a default
 * global policy, where every host without its own policy goes invalid at once. Does nothing on a
 * hub without a rate limit service. Used by one thread at a time.
 */
public final class RateLimitServiceLog {
  private static final Logger log = LoggerFactory.getLogger(RateLimitServiceLog.class);

  private final RateLimitService service;
  private final XdsMetrics metrics;
  private Boolean last;

  /**
   * @param service the hub's rate limit service; null: none, nothing is said
   */
  public RateLimitServiceLog(RateLimitService service, XdsMetrics metrics) {
    this.service = service;
    this.metrics = metrics;
  }

  /** After a build: whether the service was usable; returns whether that is a change (logged). */
  public boolean update(boolean valid) {
    if (service == null || Boolean.valueOf(valid).equals(last)) {
      return false;
    }
    boolean first = last == null;
    last = valid;
    metrics.rateLimitServiceValid(valid);
    try (LogKeys.Scope ignored = LogKeys.object("ExtensionService", service.key())) {
      if (!valid) {
        log.error(
            "rate limit service ExtensionService {} is not found or not valid: {}",
            service.key(),
            service.defaultPolicy() != null
                ? "every virtual host without its own global rate limit policy is invalid"
                    + " (--rate-limit-default-global-policy), as are those with one"
                : "every virtual host and route with a global rate limit policy is invalid");
      } else if (!first) {
        log.info(
            "rate limit service ExtensionService {} is valid again: global rate limits are served",
            service.key());
      }
    }
    return true;
  }
}
