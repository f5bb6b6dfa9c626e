package dev.gantry.discoverer.mirror;

import dev.gantry.api.Labels;
import io.fabric8.kubernetes.api.model.Service;
import java.util.Map;
import java.util.Set;

/**
 * Which remote Services are mirrored: namespace include/exclude lists, a label selector, the {@code
 * gantry.dev/export: "false"} opt-out, and loop prevention (objects that already carry {@code
 * gantry.dev/cluster} came from another discoverer).
 */
public record MirrorScope(
    Set<String> namespaces, Set<String> excludedNamespaces, LabelSelector selector) {
  /** Namespaces never mirrored unless listed explicitly in {@code --namespaces}. */
  public static final Set<String> DEFAULT_EXCLUDED =
      Set.of("kube-system", "kube-public", "kube-node-lease");

  public MirrorScope {
    namespaces = Set.copyOf(namespaces);
    excludedNamespaces = Set.copyOf(excludedNamespaces);
  }

  public static MirrorScope allNamespaces() {
    return new MirrorScope(Set.of(), DEFAULT_EXCLUDED, LabelSelector.everything());
  }

  public boolean namespaceIncluded(String namespace) {
    if (!namespaces.isEmpty()) {
      return namespaces.contains(namespace);
    }
    return !excludedNamespaces.contains(namespace);
  }

  /** Why {@code service} is not mirrored, or null when it is. */
  public String exclusionReason(Service service) {
    String namespace = service.getMetadata().getNamespace();
    Map<String, String> labels = service.getMetadata().getLabels();
    Map<String, String> annotations = service.getMetadata().getAnnotations();
    if (!namespaceIncluded(namespace)) {
      return "namespace " + namespace + " is not mirrored";
    }
    if ("default".equals(namespace) && "kubernetes".equals(service.getMetadata().getName())) {
      return "the apiserver's own Service is never mirrored";
    }
    if (labels != null && labels.containsKey(Labels.CLUSTER)) {
      return "it is itself a mirror (label " + Labels.CLUSTER + ")";
    }
    if (annotations != null && "false".equalsIgnoreCase(annotations.get(Labels.EXPORT))) {
      return "annotated " + Labels.EXPORT + "=false";
    }
    if (!selector.matches(labels)) {
      return "labels do not match --service-selector " + selector;
    }
    return null;
  }
}
