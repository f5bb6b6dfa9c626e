package dev.gantry.xds.compile.gateway;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The statuses of our GatewayClasses and Gateways. */
final class GatewayStatuses {
  private GatewayStatuses() {}

  /**
   * The names of our GatewayClasses that Gateways may use, their statuses added to {@code out}: a
   * class with {@code parametersRef} is not accepted (Gantry takes no parameters).
   */
  static List<String> classes(List<GatewayClass> all, Map<String, GatewayClassStatus> out) {
    List<String> usable = new ArrayList<>();
    for (GatewayClass gc : all) {
      if (gc.getSpec() == null
          || !GatewayApiCompiler.CONTROLLER_NAME.equals(gc.getSpec().getControllerName())) {
        continue;
      }
      Conditions c = new Conditions(gc.getMetadata().getGeneration());
      if (gc.getSpec().getParametersRef() != null) {
        c.set(
            "Accepted",
            false,
            "InvalidParameters",
            "parametersRef is not supported: "
                + GatewayApiCompiler.CONTROLLER_NAME
                + " takes no parameters");
      } else {
        c.set("Accepted", true, "Accepted", "accepted by " + GatewayApiCompiler.CONTROLLER_NAME);
        usable.add(gc.getMetadata().getName());
      }
      c.set(
          "SupportedVersion",
          true,
          "SupportedVersion",
          "Gateway API v1.7.0 standard channel (v1 types of Gateway API 1.6)");
      GatewayClassStatus status = new GatewayClassStatus();
      status.setConditions(c.list());
      out.put(gc.getMetadata().getName(), status);
    }
    return usable;
  }

  /**
   * The conditions of a Gateway Gantry refuses as a whole (empty when it does not): addresses are
   * the Envoy Service's, and frontend or backend TLS settings and ListenerSets are not supported.
   */
  static Conditions refusal(Gateway g) {
    Conditions c = new Conditions(g.getMetadata().getGeneration());
    String problem = null;
    String reason = "Invalid";
    if (g.getSpec().getAddresses() != null && !g.getSpec().getAddresses().isEmpty()) {
      problem = "spec.addresses cannot be requested: a Gateway's address is the Envoy Service's";
      reason = "UnsupportedAddress";
    } else if (g.getSpec().getTls() != null) {
      problem = "spec.tls (frontend or backend TLS settings) is not supported";
    } else if (g.getSpec().getAllowedListeners() != null
        && g.getSpec().getAllowedListeners().getNamespaces() != null
        && g.getSpec().getAllowedListeners().getNamespaces().getFrom() != null
        && !"None".equals(g.getSpec().getAllowedListeners().getNamespaces().getFrom())) {
      problem = "spec.allowedListeners: ListenerSets are not supported";
    } else if (!g.getSpec().getAdditionalProperties().isEmpty()) {
      problem = "spec." + g.getSpec().getAdditionalProperties().keySet() + " is not supported";
    }
    if (problem != null) {
      c.set("Accepted", false, reason, problem);
      c.set("Programmed", false, "Invalid", "not served: " + problem);
    }
    return c;
  }

  static Map<String, GatewayStatus> gateways(
      List<Gateway> gateways, Map<String, Conditions> conditions, List<Listeners.Model> listeners) {
    Map<String, GatewayStatus> out = new TreeMap<>();
    for (Gateway g : gateways) {
      String key = GatewayApiCompiler.key(g.getMetadata());
      Conditions c = conditions.get(key);
      List<ListenerStatus> statuses = new ArrayList<>();
      boolean accepted = false;
      boolean refused = false;
      boolean programmed = false;
      for (Listeners.Model l : listeners) {
        if (!l.gateway.equals(key)) {
          continue;
        }
        accepted |= l.conditions.isTrue("Accepted");
        refused |= !l.conditions.isTrue("Accepted");
        programmed |= l.ready();
        statuses.add(
            new ListenerStatus(
                l.attachedRoutes, l.conditions.list(), l.name, List.copyOf(l.supportedKinds)));
      }
      if (!c.has("Accepted")) {
        // Accepted with some listeners refused is still ListenersNotValid, as the spec has it.
        c.set(
            "Accepted",
            accepted,
            accepted && !refused ? "Accepted" : "ListenersNotValid",
            !accepted
                ? "no listener is valid"
                : refused ? "accepted; some listeners are not valid" : "accepted");
        c.set(
            "Programmed",
            programmed,
            programmed ? "Programmed" : "Invalid",
            programmed ? "served by the hub's Envoy" : "no listener is programmed");
      }
      GatewayStatus status = new GatewayStatus();
      status.setConditions(c.list());
      status.setListeners(statuses);
      out.put(key, status);
    }
    return out;
  }
}
