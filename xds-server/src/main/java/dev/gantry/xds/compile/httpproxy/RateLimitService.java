package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.GlobalRateLimitPolicy;
import dev.gantry.api.crd.contour.RateLimitPolicy;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.ir.GlobalRateLimit;
import dev.gantry.xds.ir.ProxyVerdict;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The hub's rate limit service, as Contour's {@code rateLimitService} configuration names it: an
 * ExtensionService {@code namespace/name}, the domain of its limits (Contour's default {@code
 * contour}), whether requests are served when it fails ({@code failOpen}, default false), and
 * whether Envoy adds the draft-03 X-RateLimit headers and answers an over-limit gRPC request with
 * RESOURCE_EXHAUSTED instead of UNAVAILABLE, and Contour's {@code defaultGlobalRateLimitPolicy}
 * (null: none): the descriptors of every HTTPProxy virtual host that has no global policy of its
 * own and does not disable it.
 */
public record RateLimitService(
    String namespace,
    String name,
    String domain,
    boolean failOpen,
    boolean xRateLimitHeaders,
    boolean resourceExhaustedCode,
    GlobalRateLimit defaultPolicy) {
  public static final String DEFAULT_DOMAIN = "contour";

  /** A service without a default policy. */
  public RateLimitService(
      String namespace,
      String name,
      String domain,
      boolean failOpen,
      boolean xRateLimitHeaders,
      boolean resourceExhaustedCode) {
    this(namespace, name, domain, failOpen, xRateLimitHeaders, resourceExhaustedCode, null);
  }

  public RateLimitService {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(domain, "domain");
  }

  /** The service named by {@code namespace/name}, with Contour's defaults for the rest. */
  public static RateLimitService of(String namespaceAndName) {
    return parse(namespaceAndName, DEFAULT_DOMAIN, false, false, false);
  }

  /**
   * The service named by {@code namespaceAndName} ({@code namespace/name}, each a DNS label as a
   * Kubernetes name is); an {@link IllegalArgumentException} says what is wrong with a bad one.
   */
  public static RateLimitService parse(
      String namespaceAndName,
      String domain,
      boolean failOpen,
      boolean xRateLimitHeaders,
      boolean resourceExhaustedCode) {
    String[] parts = namespaceAndName == null ? new String[0] : namespaceAndName.split("/", -1);
    if (parts.length != 2 || !label(parts[0]) || !subdomain(parts[1])) {
      throw new IllegalArgumentException(
          "'" + namespaceAndName + "' is not <namespace>/<name> of an ExtensionService");
    }
    if (domain == null || domain.isEmpty()) {
      throw new IllegalArgumentException("the rate limit domain must not be empty");
    }
    return new RateLimitService(
        parts[0], parts[1], domain, failOpen, xRateLimitHeaders, resourceExhaustedCode);
  }

  /**
   * This service with {@code policy} as the default of virtual hosts (null or disabled: none),
   * checked as a proxy's own is; an {@link IllegalArgumentException} names what is wrong with it.
   */
  public RateLimitService withDefaultPolicy(GlobalRateLimitPolicy policy) {
    RateLimitPolicy wrapper = new RateLimitPolicy();
    wrapper.setGlobal(policy);
    Outcome<Optional<GlobalRateLimit>> parsed =
        GlobalRateLimits.parse(wrapper, "defaultGlobalRateLimitPolicy", false, null);
    if (!parsed.ok()) {
      throw new IllegalArgumentException(
          parsed.errors().stream()
              .map(ProxyVerdict.Error::message)
              .map(m -> m.replace(".rateLimitPolicy.global", ""))
              .collect(Collectors.joining("; ")));
    }
    return new RateLimitService(
        namespace,
        name,
        domain,
        failOpen,
        xRateLimitHeaders,
        resourceExhaustedCode,
        parsed.value().orElse(null));
  }

  public String key() {
    return namespace + "/" + name;
  }

  /** As Envoy's filter calls {@code extension}, the valid ExtensionService this names. */
  GlobalRateLimit.Service on(ExtensionServices.Extension extension) {
    return new GlobalRateLimit.Service(
        extension.upstream().name(),
        extension.upstream().tls() == null ? null : extension.upstream().tls().sni(),
        extension.responseTimeout(),
        domain,
        failOpen,
        xRateLimitHeaders,
        resourceExhaustedCode);
  }

  private static boolean label(String s) {
    return s.length() <= 63 && s.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  }

  private static boolean subdomain(String s) {
    return s.length() <= 253
        && s.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  }
}
