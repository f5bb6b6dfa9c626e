package dev.gantry.api;

import java.util.regex.Pattern;

/**
 * Names of hub mirrors: remote Service {@code ns/svc} from cluster {@code east} becomes {@code
 * ns/east-svc}, shortened to a 63-character DNS-1035 label with a content hash when longer.
 */
public final class MirrorNames {
  /**
   * The cluster name under which the hub's own Services take part in federated services: no remote
   * cluster may have it.
   */
  public static final String LOCAL_CLUSTER = "hub";

  /** Longest Service name Kubernetes accepts (a DNS-1035 label). */
  public static final int MAX_LENGTH = 63;

  private static final int HASH_CHARS = 10;
  private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

  private MirrorNames() {}

  /**
   * Returns why {@code clusterName} cannot name a cluster, or {@code null} when it can. Mirror
   * names start with the cluster name and Service names must be DNS-1035 labels, so a cluster name
   * must be one too: lower-case letters, digits and '-', starting with a letter.
   */
  public static String clusterNameProblem(String clusterName) {
    if (clusterName == null || clusterName.isEmpty()) {
      return "cluster name must not be empty";
    }
    if (clusterName.length() > MAX_LENGTH) {
      return "cluster name '%s' is longer than %d characters".formatted(clusterName, MAX_LENGTH);
    }
    if (!DNS_1035_LABEL.matcher(clusterName).matches()) {
      return ("cluster name '%s' must consist of lower-case letters, digits and '-', start with a"
              + " letter and end with a letter or digit")
          .formatted(clusterName);
    }
    if (LOCAL_CLUSTER.equals(clusterName)) {
      return "cluster name '%s' is reserved for the hub's own Services".formatted(clusterName);
    }
    return null;
  }

  /** The hub name of the mirror of Service {@code service} from cluster {@code cluster}. */
  public static String mirrorServiceName(String cluster, String service) {
    String problem = clusterNameProblem(cluster);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    if (service == null || service.isEmpty()) {
      throw new IllegalArgumentException("service name must not be empty");
    }
    String full = cluster + "-" + service;
    if (full.length() <= MAX_LENGTH) {
      return full;
    }
    // Keep a readable prefix and make the name unique with a hash of the untruncated pair.
    String hash = Digests.sha256Hex(cluster + "/" + service).substring(0, HASH_CHARS);
    String prefix = full.substring(0, MAX_LENGTH - HASH_CHARS - 1);
    while (prefix.endsWith("-")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return prefix + "-" + hash;
  }
}
