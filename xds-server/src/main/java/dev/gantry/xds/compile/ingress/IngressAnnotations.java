package dev.gantry.xds.compile.ingress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The annotations of an Ingress that ask an ingress controller for something (those under the
 * prefixes controllers read), judged as the HTTPProxy fields we do not implement are: one that
 * restricts who may reach what (authentication, client certificates, IP allow and deny lists, rate
 * limits, JWT) leaves the whole Ingress unserved, for served without it the Ingress would be open
 * to everyone; any other we do not implement is served without and named in a warning.
 */
final class IngressAnnotations {
  /** What Gantry reads of an Ingress's annotations. */
  static final Set<String> IMPLEMENTED =
      java.util.stream.Stream.concat(
              IngressPolicies.NAMES.stream(),
              java.util.stream.Stream.of(
                  IngressConverter.CLASS_ANNOTATION, IngressConverter.FORCE_SSL_REDIRECT))
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** Prefixes of the annotations that ingress controllers (Contour's and others) read. */
  private static final List<String> CONTROLLER_PREFIXES =
      List.of(
          "projectcontour.io/",
          "contour.heptio.com/",
          "ingress.kubernetes.io/",
          "nginx.ingress.kubernetes.io/",
          "nginx.org/",
          "traefik.ingress.kubernetes.io/",
          "haproxy.org/",
          "haproxy.router.openshift.io/",
          "alb.ingress.kubernetes.io/",
          "konghq.com/",
          "gloo.solo.io/");

  /** Words in an annotation name that mean it restricts access. */
  private static final Pattern RESTRICTS =
      Pattern.compile(
          "auth|whitelist|allowlist|denylist|blacklist|source-range|ip-allow|ip-deny"
              + "|client-cert|client-ca|verify-client|mtls|jwt|oidc|limit-rps|limit-rpm"
              + "|limit-connections|rate-limit|ratelimit");

  private IngressAnnotations() {}

  /** What the annotations ask that Gantry does not do, by kind. */
  record Judgement(List<String> refused, List<String> ignored) {}

  static Judgement judge(Map<String, String> annotations) {
    List<String> refused = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    if (annotations != null) {
      for (String name : new TreeMap<>(annotations).keySet()) {
        if (IMPLEMENTED.contains(name) || !forController(name)) {
          continue;
        }
        (RESTRICTS.matcher(name).find() ? refused : ignored).add(name);
      }
    }
    return new Judgement(refused, ignored);
  }

  private static boolean forController(String name) {
    return CONTROLLER_PREFIXES.stream().anyMatch(name::startsWith);
  }
}
