package dev.gantry.hub;

import dev.gantry.xds.compile.httpproxy.RateLimitService;
import picocli.CommandLine.Option;

/**
 * The hub's flags for the rate limit service that counts HTTPProxies' global rate limits ({@link
 * RateLimitService}), named and defaulted as Contour's {@code rateLimitService} configuration.
 */
final class RateLimitFlags {
  @Option(
      names = "--rate-limit-service",
      description =
          "ExtensionService <namespace>/<name> of the rate limit service (Envoy's"
              + " envoy.service.ratelimit.v3 over gRPC) that counts HTTPProxies' global rate"
              + " limits; without it, an HTTPProxy with global rate limit descriptors is invalid.")
  String service;

  @Option(
      names = "--rate-limit-domain",
      defaultValue = RateLimitService.DEFAULT_DOMAIN,
      description = "Domain of the limits in the rate limit service (default: ${DEFAULT-VALUE}).")
  String domain;

  @Option(
      names = "--rate-limit-fail-open",
      description =
          "Serve requests when the rate limit service fails or does not answer in time (by"
              + " default they are refused with 500).")
  boolean failOpen;

  @Option(
      names = "--rate-limit-enable-x-ratelimit-headers",
      description =
          "Envoy adds the X-RateLimit-Limit, -Remaining and -Reset headers (IETF draft 03) to"
              + " responses of rate limited routes.")
  boolean xRateLimitHeaders;

  @Option(
      names = "--rate-limit-enable-resource-exhausted-code",
      description =
          "A gRPC request over its limit is answered with RESOURCE_EXHAUSTED instead of"
              + " UNAVAILABLE.")
  boolean resourceExhaustedCode;

  /** The service, null without {@code --rate-limit-service}; an error names a bad flag. */
  RateLimitService service() {
    if (service == null || service.isEmpty()) {
      return null;
    }
    try {
      return RateLimitService.parse(
          service, domain, failOpen, xRateLimitHeaders, resourceExhaustedCode);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          (domain == null || domain.isEmpty() ? "--rate-limit-domain: " : "--rate-limit-service: ")
              + e.getMessage());
    }
  }
}
