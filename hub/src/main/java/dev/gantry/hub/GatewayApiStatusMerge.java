package dev.gantry.hub;

import dev.gantry.xds.compile.gateway.GatewayApiCompiler;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The status to write on a Gateway API object, from what the compiler computed and what the object
 * holds: conditions keep their {@code lastTransitionTime} while their status stays (as Kubernetes'
 * {@code meta.SetStatusCondition} does) and take {@code now} when it changes or they are new; a
 * route's parent entries of other controllers are kept, ours replaced, and conditions of types the
 * compiler never sets (another party's) are kept as they are. Pure: the inputs are never changed.
 */
final class GatewayApiStatusMerge {
  /** Ours, in GatewayClasses' {@code controllerName} and routes' parent entries. */
  static final String CONTROLLER = GatewayApiCompiler.CONTROLLER_NAME;

  private final KubernetesSerialization serialization;

  GatewayApiStatusMerge(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  GatewayClassStatus gatewayClass(GatewayClassStatus current, GatewayClassStatus next, String now) {
    GatewayClassStatus merged = serialization.clone(next);
    merged.setConditions(
        conditions(current == null ? null : current.getConditions(), next.getConditions(), now));
    return merged;
  }

  /**
   * @param addresses where clients reach Envoy, for a status that names none; null when unknown
   *     (the addresses the Gateway holds are kept)
   */
  GatewayStatus gateway(
      GatewayStatus current, GatewayStatus next, List<GatewayStatusAddress> addresses, String now) {
    GatewayStatus merged = serialization.clone(next);
    merged.setConditions(
        conditions(current == null ? null : current.getConditions(), next.getConditions(), now));
    List<ListenerStatus> listeners = new ArrayList<>();
    for (ListenerStatus listener : nonNull(merged.getListeners())) {
      ListenerStatus was =
          current == null
              ? null
              : nonNull(current.getListeners()).stream()
                  .filter(l -> Objects.equals(l.getName(), listener.getName()))
                  .findFirst()
                  .orElse(null);
      listener.setConditions(
          conditions(was == null ? null : was.getConditions(), listener.getConditions(), now));
      listeners.add(listener);
    }
    merged.setListeners(listeners);
    if (nonNull(merged.getAddresses()).isEmpty()) {
      if (addresses != null) {
        merged.setAddresses(List.copyOf(addresses));
      } else if (current != null) {
        merged.setAddresses(current.getAddresses());
      }
    }
    return merged;
  }

  /**
   * A route's parent entries: those of other controllers as they are, in their order, then ours as
   * the compiler gives them (each entry's conditions merged with ours for the same parent).
   */
  List<RouteParentStatus> parents(
      List<RouteParentStatus> current, List<RouteParentStatus> next, String now) {
    List<RouteParentStatus> merged = new ArrayList<>();
    for (RouteParentStatus p : nonNull(current)) {
      if (!CONTROLLER.equals(p.getControllerName())) {
        merged.add(p);
      }
    }
    for (RouteParentStatus p : nonNull(next)) {
      RouteParentStatus copy = serialization.clone(p);
      if (copy.getControllerName() == null) {
        copy.setControllerName(CONTROLLER);
      }
      RouteParentStatus was =
          nonNull(current).stream()
              .filter(c -> CONTROLLER.equals(c.getControllerName()))
              .filter(c -> Objects.equals(c.getParentRef(), p.getParentRef()))
              .findFirst()
              .orElse(null);
      copy.setConditions(
          conditions(was == null ? null : was.getConditions(), p.getConditions(), now));
      merged.add(copy);
    }
    return merged;
  }

  /** The condition types the compiler sets; any other is another party's, kept as it is. */
  static final java.util.Set<String> OUR_TYPES =
      java.util.Set.of("Accepted", "Programmed", "ResolvedRefs", "Conflicted", "SupportedVersion");

  static List<Condition> conditions(List<Condition> current, List<Condition> next, String now) {
    List<Condition> merged = new ArrayList<>();
    for (Condition c : nonNull(next)) {
      Condition was =
          nonNull(current).stream()
              .filter(x -> Objects.equals(x.getType(), c.getType()))
              .findFirst()
              .orElse(null);
      Condition copy =
          new Condition(
              was != null
                      && Objects.equals(was.getStatus(), c.getStatus())
                      && was.getLastTransitionTime() != null
                  ? was.getLastTransitionTime()
                  : now,
              c.getMessage() == null ? "" : c.getMessage(),
              c.getObservedGeneration(),
              c.getReason(),
              c.getStatus(),
              c.getType());
      merged.add(copy);
    }
    // Conditions of types we do not set belong to someone else: never removed nor changed.
    for (Condition c : nonNull(current)) {
      if (!OUR_TYPES.contains(c.getType())
          && nonNull(next).stream().noneMatch(x -> Objects.equals(x.getType(), c.getType()))) {
        merged.add(c);
      }
    }
    return merged;
  }

  /**
   * Whether two statuses say the same, transition times aside, and parent entries compared in any
   * order (another controller may have put its own anywhere).
   */
  boolean same(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    return normal(serialization.convertValue(a, Object.class))
        .equals(normal(serialization.convertValue(b, Object.class)));
  }

  private Object normal(Object json) {
    if (json instanceof Map<?, ?> m) {
      Map<String, Object> out = new java.util.TreeMap<>();
      m.forEach(
          (k, v) -> {
            // Absent, null and empty say the same.
            if (!"lastTransitionTime".equals(k)
                && v != null
                && !(v instanceof List<?> l && l.isEmpty())) {
              out.put((String) k, "parents".equals(k) ? sorted(normal(v)) : normal(v));
            }
          });
      return out;
    }
    if (json instanceof List<?> l) {
      return l.stream().map(this::normal).toList();
    }
    return json;
  }

  private static Object sorted(Object list) {
    if (list instanceof List<?> l) {
      return l.stream().sorted(Comparator.comparing(Object::toString)).toList();
    }
    return list;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
