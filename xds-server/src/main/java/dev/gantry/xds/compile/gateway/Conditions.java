package dev.gantry.xds.compile.gateway;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The conditions one Gateway API object (or one listener, or one route parent) is given, in the
 * order they are set; a type set again replaces the earlier one. No transition time: the status
 * writer stamps it.
 */
final class Conditions {
  private final long generation;
  private final List<Condition> conditions = new ArrayList<>();

  Conditions(Long generation) {
    this.generation = generation == null ? 0 : generation;
  }

  Conditions set(String type, boolean status, String reason, String message) {
    conditions.removeIf(c -> c.getType().equals(type));
    conditions.add(
        new ConditionBuilder()
            .withType(type)
            .withStatus(status ? "True" : "False")
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .build());
    return this;
  }

  boolean isTrue(String type) {
    return conditions.stream()
        .anyMatch(c -> c.getType().equals(type) && "True".equals(c.getStatus()));
  }

  boolean has(String type) {
    return conditions.stream().anyMatch(c -> c.getType().equals(type));
  }

  List<Condition> list() {
    return List.copyOf(conditions);
  }
}
