package dev.gantry.hub;

import dev.gantry.runtime.informer.RetryingInformers;
import dev.gantry.xds.compile.gateway.GatewayApiObjects;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Gateway API's objects in the hub (v1 GatewayClasses, Gateways, HTTPRoutes, GRPCRoutes, TLSRoutes
 * and ReferenceGrants), each kind watched once the API serves its CRD: a hub without Gateway API
 * works as before and says so once (a hub without the TLSRoute CRD serves the others). Every object
 * is read on its own, so one that does not read is left out (and logged) and the others are served.
 * Once all six have listed, every change of what routes are compiled from hands all six lists on
 * together; a status write (ours, or another controller's) changes nothing compiled and hands
 * nothing on. Namespaces are watched too, for their labels, which listeners' {@code
 * allowedRoutes.namespaces.from: Selector} match; a change of them is a change only while some
 * listener has such a selector.
 */
final class GatewayApiSources implements AutoCloseable {
  private final OptionalWatch<GatewayClass> classes;
  private final OptionalWatch<Gateway> gateways;
  private final OptionalWatch<HTTPRoute> httpRoutes;
  private final OptionalWatch<GRPCRoute> grpcRoutes;
  private final OptionalWatch<TLSRoute> tlsRoutes;
  private final OptionalWatch<ReferenceGrant> grants;
  // Always watched (a few small objects, metadata only): whether Gateway API is served is the other
  // watches' to find out, and a selector must match on the first build that has a Gateway.
  private final OptionalWatch<Namespace> namespaces;
  private Consumer<GatewayApiObjects> publish;
  private Runnable onListed;
  // What was last handed on, reduced to what a build reads (see compiledFrom).
  private List<String> handed;

  GatewayApiSources(
      KubernetesClient hub, RetryingInformers informers, ScheduledExecutorService scheduler) {
    // One warning for the API as a whole: the CRDs come together.
    this.classes =
        new OptionalWatch<>(
            hub,
            informers,
            scheduler,
            GatewayClass.class,
            "gatewayclasses.gateway.networking.k8s.io",
            "GatewayClasses in the hub",
            "no Gateway, HTTPRoute or GRPCRoute (Gateway API) is compiled");
    this.gateways = quiet(hub, informers, scheduler, Gateway.class, "gateways", "Gateways");
    this.httpRoutes = quiet(hub, informers, scheduler, HTTPRoute.class, "httproutes", "HTTPRoutes");
    this.grpcRoutes = quiet(hub, informers, scheduler, GRPCRoute.class, "grpcroutes", "GRPCRoutes");
    this.tlsRoutes = quiet(hub, informers, scheduler, TLSRoute.class, "tlsroutes", "TLSRoutes");
    this.grants =
        quiet(
            hub, informers, scheduler, ReferenceGrant.class, "referencegrants", "ReferenceGrants");
    // Refused by an older chart's RBAC, it lists empty after the deadline: selectors then match
    // namespaces by name only, as before.
    this.namespaces =
        new OptionalWatch<>(
            hub,
            informers,
            scheduler,
            Namespace.class,
            "namespaces",
            "Namespaces in the hub",
            null);
  }

  private static <T extends HasMetadata> OptionalWatch<T> quiet(
      KubernetesClient hub,
      RetryingInformers informers,
      ScheduledExecutorService scheduler,
      Class<T> kind,
      String plural,
      String what) {
    return new OptionalWatch<>(
        hub,
        informers,
        scheduler,
        kind,
        plural + ".gateway.networking.k8s.io",
        what + " in the hub",
        null);
  }

  /**
   * Starts the watches: {@code publish} gets all five lists (and namespaces' labels) once all have
   * listed and after each change, then {@code onListed} runs (and after each kind's listing).
   */
  GatewayApiSources start(Consumer<GatewayApiObjects> publish, Runnable onListed) {
    this.publish = publish;
    this.onListed = onListed;
    for (OptionalWatch<?> w : watches()) {
      w.start(this::listedOne, objects -> changed());
    }
    return this;
  }

  /** Whether every kind has listed, is known not to be served, or is past its deadline. */
  boolean listed() {
    return watches().stream().allMatch(OptionalWatch::listed);
  }

  private void listedOne() {
    changed();
    onListed.run();
  }

  /**
   * Hands the five lists and namespaces' labels on when what a build reads of them changed. Under
   * the lock, so a later list never overtakes an earlier one.
   */
  private synchronized void changed() {
    if (!listed()) {
      return;
    }
    GatewayApiObjects objects =
        new GatewayApiObjects(
            classes.list(),
            gateways.list(),
            httpRoutes.list(),
            grpcRoutes.list(),
            grants.list(),
            labels(namespaces.list()),
            tlsRoutes.list());
    List<String> now = compiledFrom(objects);
    if (!now.equals(handed)) {
      handed = now;
      publish.accept(objects);
    }
  }

  /** Each namespace's labels by its name (those without labels are left out). */
  static Map<String, Map<String, String>> labels(List<Namespace> namespaces) {
    return namespaces.stream()
        .filter(n -> n.getMetadata().getLabels() != null && !n.getMetadata().getLabels().isEmpty())
        .collect(
            Collectors.toMap(
                n -> n.getMetadata().getName(), n -> Map.copyOf(n.getMetadata().getLabels())));
  }

  /**
   * What a build reads of the objects, in a stable order: each one's identity, generation (which
   * every spec change bumps), labels and annotations; not its status, which the status writer reads
   * from the caches itself. Namespaces' labels only while some listener selects namespaces by
   * label: otherwise no build reads them, and relabelling a namespace builds nothing.
   */
  static List<String> compiledFrom(GatewayApiObjects objects) {
    List<String> keys = new ArrayList<>();
    Stream.of(
            objects.gatewayClasses(),
            objects.gateways(),
            objects.httpRoutes(),
            objects.grpcRoutes(),
            objects.tlsRoutes(),
            objects.referenceGrants())
        .flatMap(List::stream)
        .map(GatewayApiSources::compiledFrom)
        .sorted(Comparator.naturalOrder())
        .forEach(keys::add);
    if (selectsNamespaces(objects)) {
      new TreeMap<>(objects.namespaceLabels())
          .forEach((name, labels) -> keys.add("Namespace|" + name + "|" + new TreeMap<>(labels)));
    }
    return keys;
  }

  private static boolean selectsNamespaces(GatewayApiObjects objects) {
    return objects.gateways().stream()
        .filter(g -> g.getSpec() != null && g.getSpec().getListeners() != null)
        .flatMap(g -> g.getSpec().getListeners().stream())
        .anyMatch(
            l ->
                l != null
                    && l.getAllowedRoutes() != null
                    && l.getAllowedRoutes().getNamespaces() != null
                    && "Selector".equals(l.getAllowedRoutes().getNamespaces().getFrom()));
  }

  private static String compiledFrom(HasMetadata o) {
    ObjectMeta m = o.getMetadata();
    return String.join(
        "|",
        o.getKind(),
        Objects.toString(m.getNamespace(), ""),
        m.getName(),
        Objects.toString(m.getUid(), ""),
        Objects.toString(m.getGeneration(), ""),
        Objects.toString(m.getDeletionTimestamp(), ""),
        m.getLabels() == null ? "" : new TreeMap<>(m.getLabels()).toString(),
        m.getAnnotations() == null ? "" : new TreeMap<>(m.getAnnotations()).toString());
  }

  /** The GatewayClass as cached (read into the model), or null. */
  GatewayClass cachedClass(String name) {
    return classes.get(null, name);
  }

  /** The Gateway as cached, or null. */
  Gateway cachedGateway(String namespace, String name) {
    return gateways.get(namespace, name);
  }

  /** The HTTPRoute as cached, or null. */
  HTTPRoute cachedHttpRoute(String namespace, String name) {
    return httpRoutes.get(namespace, name);
  }

  /** The GRPCRoute as cached, or null. */
  GRPCRoute cachedGrpcRoute(String namespace, String name) {
    return grpcRoutes.get(namespace, name);
  }

  /** The TLSRoute as cached, or null. */
  TLSRoute cachedTlsRoute(String namespace, String name) {
    return tlsRoutes.get(namespace, name);
  }

  private List<OptionalWatch<?>> watches() {
    return List.of(classes, gateways, httpRoutes, grpcRoutes, tlsRoutes, grants, namespaces);
  }

  @Override
  public void close() {
    watches().forEach(OptionalWatch::close);
  }
}
