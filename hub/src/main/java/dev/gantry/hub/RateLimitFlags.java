package dev.gantry.hub;

import dev.gantry.api.crd.UnknownFields;
import dev.gantry.api.crd.contour.GlobalRateLimitPolicy;
import dev.gantry.xds.compile.httpproxy.RateLimitService;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Set;
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

  @Option(
      names = "--rate-limit-default-global-policy",
      description =
          "Contour's defaultGlobalRateLimitPolicy, in YAML or JSON, e.g. '{descriptors:"
              + " [{entries: [{remoteAddress: {}}]}]}': the global rate limit of every HTTPProxy"
              + " virtual host that neither has nor disables its own.")
  String defaultPolicy;

  /** The service, null without {@code --rate-limit-service}; an error names a bad flag. */
  RateLimitService service() {
    if (service == null || service.isEmpty()) {
      if (defaultPolicy != null && !defaultPolicy.isBlank()) {
        throw new IllegalArgumentException(
            "--rate-limit-default-global-policy needs --rate-limit-service");
      }
      return null;
    }
    RateLimitService parsed;
    try {
      parsed =
          RateLimitService.parse(
              service, domain, failOpen, xRateLimitHeaders, resourceExhaustedCode);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          (domain == null || domain.isEmpty() ? "--rate-limit-domain: " : "--rate-limit-service: ")
              + e.getMessage());
    }
    if (defaultPolicy == null || defaultPolicy.isBlank()) {
      return parsed;
    }
    String flag = "--rate-limit-default-global-policy: ";
    GlobalRateLimitPolicy policy;
    try {
      // As a YAML document: a flow mapping such as {descriptors: [...]} is YAML, not JSON.
      policy = Serialization.unmarshal("---\n" + defaultPolicy, GlobalRateLimitPolicy.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(flag + "not a policy in YAML or JSON: " + e.getMessage());
    }
    if (policy == null) {
      throw new IllegalArgumentException(flag + "not a policy in YAML or JSON");
    }
    Set<String> unknown = UnknownFields.collect(policy, "defaultGlobalRateLimitPolicy").keySet();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(flag + "unknown fields " + String.join(", ", unknown));
    }
    try {
      return parsed.withDefaultPolicy(policy);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + e.getMessage());
    }
  }
}
