package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.ExtensionService;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.ir.GlobalRateLimit;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.Upstream;
import dev.gantry.xds.tls.TlsSecrets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Pure compilation of HTTPProxies against the federation snapshot into a {@link RoutingTable} and
 * one {@link ProxyVerdict} per proxy of our ingress class. An invalid proxy is left out and
 * explained; the others keep serving. No I/O, no clock.
 */
public final class ProxyCompiler {
  private final String ingressClass;
  private final String fallbackCertificate;
  private final RateLimitService rateLimitService;
  private final ExternalNames externalNames;
  private final RootMemo memo;

  public ProxyCompiler(String ingressClass) {
    this(ingressClass, null, null);
  }

  /**
   * @param fallbackCertificate the Secret ({@code namespace/name}) served to clients without a
   *     known SNI by hosts with {@code tls.enableFallbackCertificate}; null: the hub has none
   */
  public ProxyCompiler(String ingressClass, String fallbackCertificate) {
    this(ingressClass, fallbackCertificate, null);
  }

  /** A compiler whose global rate limits are counted by {@code rateLimitService} (null: none). */
  public ProxyCompiler(String ingressClass, RateLimitService rateLimitService) {
    this(ingressClass, null, rateLimitService);
  }

  /** A compiler with the hub's fallback certificate and rate limit service (each null: none). */
  public ProxyCompiler(
      String ingressClass, String fallbackCertificate, RateLimitService rateLimitService) {
    this(ingressClass, fallbackCertificate, rateLimitService, ExternalNames.DISABLED);
  }

  /**
   * A compiler of the proxies of {@code ingressClass}; routes reach ExternalName Services as {@code
   * externalNames} says (the hub's {@code --enable-external-name-service}).
   */
  public ProxyCompiler(String ingressClass, ExternalNames externalNames) {
    this(ingressClass, null, null, externalNames);
  }

  /** As the others, with everything the hub gives. */
  public ProxyCompiler(
      String ingressClass,
      String fallbackCertificate,
      RateLimitService rateLimitService,
      ExternalNames externalNames) {
    this.ingressClass = Objects.requireNonNull(ingressClass, "ingressClass");
    this.fallbackCertificate = fallbackCertificate;
    this.rateLimitService = rateLimitService;
    this.externalNames = Objects.requireNonNull(externalNames, "externalNames");
    this.memo = null;
  }

  private ProxyCompiler(ProxyCompiler settings, RootMemo memo) {
    this.ingressClass = settings.ingressClass;
    this.fallbackCertificate = settings.fallbackCertificate;
    this.rateLimitService = settings.rateLimitService;
    this.externalNames = settings.externalNames;
    this.memo = memo;
  }

  /**
   * A compiler with the same settings that reuses, from one compilation to the next, the virtual
   * host of every root whose inputs did not change (see {@link RootMemo}): for one caller that
   * compiles again and again, one at a time. Its results equal a fresh compiler's.
   */
  public ProxyCompiler memoizing() {
    return new ProxyCompiler(this, new RootMemo());
  }

  /** How many roots the last compilation took from the memo (0 when not {@link #memoizing}). */
  public int reusedRoots() {
    return memo == null ? 0 : memo.reused();
  }

  /** How many services the last compilation looked up to tell roots unchanged (for tests). */
  int checkedServices() {
    return memo == null ? 0 : memo.checked();
  }

  public String ingressClass() {
    return ingressClass;
  }

  /** The hub's rate limit service; null when it has none. */
  public RateLimitService rateLimitService() {
    return rateLimitService;
  }

  /** Whether routes may reach ExternalName Services; Ingresses compiled beside follow it too. */
  public ExternalNames externalNames() {
    return externalNames;
  }

  /** The compiled table and the verdicts, both deterministic for the same input. */
  public record Result(
      RoutingTable table,
      List<ProxyVerdict> verdicts,
      List<ExtensionServices.Verdict> extensionVerdicts) {
    public Result(RoutingTable table, List<ProxyVerdict> verdicts) {
      this(table, verdicts, List.of());
    }
  }

  /** Whether {@code proxy} belongs to this server's ingress class. */
  public boolean ours(HTTPProxy proxy) {
    return ours(
        proxy.getSpec() == null ? null : proxy.getSpec().getIngressClassName(),
        proxy.getMetadata().getAnnotations());
  }

  /**
   * Whether a proxy with this {@code spec.ingressClassName} (null when absent) and these
   * annotations belongs to this server's ingress class; for proxies known only by their raw form.
   */
  public boolean ours(String byField, Map<String, String> annotations) {
    String byAnnotation =
        annotations == null
            ? null
            : annotations.getOrDefault(
                "projectcontour.io/ingress.class", annotations.get("kubernetes.io/ingress.class"));
    return ingressClass.equals(byField != null ? byField : byAnnotation);
  }

  /**
   * Compiles {@code proxies} of our ingress class, with the Secrets that {@code
   * spec.virtualhost.tls.secretName} may name, validated ({@link TlsSecrets#validateAll}), by
   * {@code namespace/name}.
   */
  public Result compile(
      List<HTTPProxy> proxies,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates) {
    return compile(proxies, snapshot, certificates, Delegations.NONE);
  }

  /** As {@link #compile(List, FederationSnapshot, Map)}, with the Secrets delegated to others. */
  public Result compile(
      List<HTTPProxy> proxies,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates,
      Delegations delegations) {
    return compile(proxies, snapshot, certificates, delegations, List.of());
  }

  /**
   * As {@link #compile(List, FederationSnapshot, Map, Delegations)}, with the ExtensionServices
   * that virtual hosts may name as their authorization servers.
   */
  public Result compile(
      List<HTTPProxy> proxies,
      FederationSnapshot snapshot,
      Map<String, TlsSecrets.Outcome> certificates,
      Delegations delegations,
      List<ExtensionService> extensionServices) {
    ExtensionServices.Result extensions =
        ExtensionServices.compile(extensionServices, snapshot, certificates, delegations);
    List<HTTPProxy> mine =
        proxies.stream()
            .filter(this::ours)
            .sorted(
                Comparator.comparing((HTTPProxy p) -> p.getMetadata().getNamespace())
                    .thenComparing(p -> p.getMetadata().getName()))
            .toList();
    Delegation delegation = new Delegation(mine);
    Map<String, Upstream> upstreams = new TreeMap<>();
    GlobalRateLimit.Service limits = null;
    String rateLimitProblem;
    if (rateLimitService == null) {
      rateLimitProblem = "no rate limit service is configured on the hub (--rate-limit-service)";
    } else {
      ExtensionServices.Extension extension = extensions.extensions().get(rateLimitService.key());
      if (extension == null) {
        rateLimitProblem =
            "the hub's rate limit service, ExtensionService \""
                + rateLimitService.key()
                + "\", is not found or not valid";
      } else {
        rateLimitProblem = null;
        limits = rateLimitService.on(extension);
        upstreams.put(extension.upstream().name(), extension.upstream());
      }
    }
    RootCompiler roots =
        new RootCompiler(
            mine,
            delegation,
            snapshot,
            certificates,
            delegations,
            extensions.extensions(),
            fallbackCertificate,
            rateLimitProblem,
            rateLimitService == null ? null : rateLimitService.defaultPolicy(),
            externalNames);
    if (memo != null) {
      memo.begin(
          new RootMemo.Shared(
              certificates, delegations, extensions.extensions(), rateLimitProblem));
    }
    List<RoutingTable.VirtualHost> hosts = new ArrayList<>();
    for (HTTPProxy root : mine) {
      if (Proxies.fqdn(root) != null) {
        compile(roots, delegation, snapshot, root)
            .ifPresent(
                host -> {
                  hosts.add(host.host());
                  upstreams.putAll(host.upstreams());
                });
      }
    }
    if (memo != null) {
      memo.end();
    }
    List<ProxyVerdict> verdicts = mine.stream().map(p -> verdict(p, delegation.found(p))).toList();
    hosts.sort(Comparator.comparing(RoutingTable.VirtualHost::fqdn));
    return new Result(new RoutingTable(hosts, upstreams, limits), verdicts, extensions.verdicts());
  }

  /**
   * One root's host: as the last compilation left it when the memo has it and nothing it was
   * compiled from changed, else compiled (and remembered, when it reads no other proxy).
   */
  private Optional<RootCompiler.Host> compile(
      RootCompiler roots, Delegation delegation, FederationSnapshot snapshot, HTTPProxy root) {
    String key = Proxies.key(root);
    if (memo == null
        || !RootMemo.selfContained(root)
        || !roots.soleClaim(root)
        // Another root's include already reported on it: not this root's own findings.
        || delegation.found(root) != null) {
      return roots.compile(root);
    }
    Optional<RootCompiler.Host> reused = memo.reuse(key, root, snapshot, delegation.findings(key));
    if (reused != null) {
      return reused;
    }
    try (ServiceResolver.Lookups asked = ServiceResolver.Lookups.record()) {
      Optional<RootCompiler.Host> host = roots.compile(root);
      memo.remember(key, root, host, delegation.findings(key), asked.names(), snapshot);
      return host;
    }
  }

  /** The verdict on {@code p} from what was found about it; null findings for an orphan. */
  private static ProxyVerdict verdict(HTTPProxy p, Findings f) {
    if (f == null) {
      String message = "this HTTPProxy is not part of a delegation chain from a root HTTPProxy";
      return verdict(
          p,
          ProxyVerdict.ORPHANED,
          message,
          List.of(new ProxyVerdict.Error(ProxyVerdict.ORPHANED_ERROR, "Orphaned", message)),
          List.of());
    }
    if (f.errors.isEmpty()) {
      return verdict(p, ProxyVerdict.VALID, "Valid HTTPProxy", List.of(), List.copyOf(f.warnings));
    }
    List<ProxyVerdict.Error> errors = List.copyOf(f.errors);
    return verdict(
        p, ProxyVerdict.INVALID, errors.get(0).message(), errors, List.copyOf(f.warnings));
  }

  private static ProxyVerdict verdict(
      HTTPProxy p,
      String status,
      String description,
      List<ProxyVerdict.Error> errors,
      List<ProxyVerdict.Error> warnings) {
    Long generation = p.getMetadata().getGeneration();
    return new ProxyVerdict(
        p.getMetadata().getNamespace(),
        p.getMetadata().getName(),
        generation == null ? 0 : generation,
        status,
        description,
        errors,
        warnings);
  }
}
