package dev.gantry.discoverer.link;

import dev.gantry.api.Labels;
import dev.gantry.api.crd.RemoteCluster;
import io.fabric8.kubernetes.api.model.AuthInfoBuilder;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.ClusterBuilder;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.Context;
import io.fabric8.kubernetes.api.model.ContextBuilder;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Gives a discoverer a least-privilege identity in a remote cluster and packs it as the kubeconfig
 * Secret the hub mounts: a ServiceAccount allowed only get/list/watch on Services and
 * EndpointSlices, and a token bound to an anchor Secret in the remote. Each link mints a new token;
 * the anchors of all but the two newest issued tokens are deleted, which revokes those tokens (the
 * previous token keeps working until the hub's Secret volume has the new one).
 */
public final class Linker {
  public static final String SERVICE_ACCOUNT = "gantry-discoverer";
  public static final String ROLE = "gantry-discoverer";
  static final String ANCHOR_LABEL = "gantry.dev/token-anchor";

  /**
   * The anchor label's value once its token is issued; links before this label value used it too.
   */
  static final String ANCHOR_ISSUED = "true";

  /** The anchor label's value from creation until its token is issued. */
  static final String ANCHOR_PENDING = "pending";

  static final int TOKENS_KEPT = 2;

  /** What one link did. */
  public record Result(Secret hubSecret, String anchor, List<String> revoked) {}

  private Linker() {}

  /**
   * Creates or updates the identity in {@code remote} and mints a token.
   *
   * @param server the remote API URL as the hub will reach it
   * @param caData base64 PEM of the remote's CA (the hub verifies the remote with it)
   */
  public static Result link(
      KubernetesClient remote, LinkOptions options, String server, String caData) {
    Identity identity = new Identity(remote, options.namespace());
    identity.applyServiceAccount();
    identity.applyRole();
    Secret anchor = identity.createPendingAnchor();
    String token = identity.issueToken(anchor, options.tokenTtl());
    List<String> revoked = identity.revokeOld();
    String kubeconfig =
        kubeconfig(options.clusterName(), server, caData, token, identity.userName());
    return new Result(hubSecret(options, kubeconfig), anchor.getMetadata().getName(), revoked);
  }

  /**
   * A kubeconfig with one cluster, one token user and one context named as the cluster, nothing
   * else.
   */
  static String kubeconfig(
      String cluster, String server, String caData, String token, String user) {
    Cluster remote =
        new ClusterBuilder().withServer(server).withCertificateAuthorityData(caData).build();
    Context context = new ContextBuilder().withCluster(cluster).withUser(user).build();
    return Serialization.asYaml(
        new ConfigBuilder()
            .withApiVersion("v1")
            .withKind("Config")
            .withClusters(new NamedCluster(remote, cluster))
            .withUsers(new NamedAuthInfo(user, new AuthInfoBuilder().withToken(token).build()))
            .withContexts(new NamedContext(context, cluster))
            .withCurrentContext(cluster)
            .build());
  }

  /** The Secret the hub mounts into the cluster's discoverer, key {@code kubeconfig}. */
  static Secret hubSecret(LinkOptions options, String kubeconfig) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(options.secretName())
        .withNamespace(options.hubNamespace())
        .addToLabels(Labels.CLUSTER, options.clusterName())
        .addToLabels(managed())
        .endMetadata()
        .withType("Opaque")
        .addToData(
            "kubeconfig",
            Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  /**
   * Removes the discoverer's identity from {@code remote}: its token anchors (which revokes every
   * token it was given), the ServiceAccount and the ClusterRoleBinding of {@code namespace}, and
   * the ClusterRole once no other binding uses it. The namespace stays (it may hold other things).
   *
   * @return what was deleted, one entry per object
   */
  public static List<String> unlinkRemote(KubernetesClient remote, String namespace) {
    List<String> removed = new ArrayList<>();
    int anchors =
        remote.secrets().inNamespace(namespace).withLabel(ANCHOR_LABEL).list().getItems().size();
    if (anchors > 0) {
      remote.secrets().inNamespace(namespace).withLabel(ANCHOR_LABEL).delete();
      removed.add(anchors + " token anchor(s) (every token revoked)");
    }
    if (!remote
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(SERVICE_ACCOUNT)
        .delete()
        .isEmpty()) {
      removed.add("ServiceAccount " + namespace + "/" + SERVICE_ACCOUNT);
    }
    String binding = ROLE + "-" + namespace;
    if (!remote.rbac().clusterRoleBindings().withName(binding).delete().isEmpty()) {
      removed.add("ClusterRoleBinding " + binding);
    }
    boolean roleInUse =
        remote.rbac().clusterRoleBindings().list().getItems().stream()
            .anyMatch(b -> ROLE.equals(b.getRoleRef().getName()));
    if (!roleInUse && !remote.rbac().clusterRoles().withName(ROLE).delete().isEmpty()) {
      removed.add("ClusterRole " + ROLE);
    }
    return removed;
  }

  /**
   * Removes the cluster from the hub: deletes its RemoteCluster (the hub then removes its mirrors
   * before the object goes, and a running discoverer stops) and the kubeconfig Secret.
   *
   * @return what was deleted, one entry per object
   */
  public static List<String> unlinkHub(
      KubernetesClient hub, String cluster, String hubNamespace, String secretName) {
    List<String> removed = new ArrayList<>();
    try {
      if (!hub.resources(RemoteCluster.class).withName(cluster).delete().isEmpty()) {
        removed.add("RemoteCluster " + cluster);
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      // No RemoteCluster CRD: nothing to delete.
    }
    if (!hub.secrets().inNamespace(hubNamespace).withName(secretName).delete().isEmpty()) {
      removed.add("Secret " + hubNamespace + "/" + secretName);
    }
    return removed;
  }

  /** Applies the Secret in the hub, creating its namespace when missing. */
  public static void apply(KubernetesClient hub, Secret secret) {
    hub.namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(secret.getMetadata().getNamespace())
                .endMetadata()
                .build())
        .serverSideApply();
    hub.secrets()
        .inNamespace(secret.getMetadata().getNamespace())
        .resource(secret)
        .forceConflicts()
        .serverSideApply();
  }

  private static Map<String, String> managed() {
    return Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
  }

  /**
   * The discoverer's identity in one remote cluster, in its namespace there: the steps of a link.
   */
  private record Identity(KubernetesClient client, String namespace) {
    /** The kubeconfig's name of the discoverer's identity. */
    String userName() {
      return SERVICE_ACCOUNT + "@" + namespace;
    }

    void applyServiceAccount() {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .serverSideApply();
      client
          .serviceAccounts()
          .inNamespace(namespace)
          .resource(
              new ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName(SERVICE_ACCOUNT)
                  .withNamespace(namespace)
                  .withLabels(managed())
                  .endMetadata()
                  .build())
          .serverSideApply();
    }

    /** The cluster role allowing get/list/watch on Services and EndpointSlices, and its binding. */
    void applyRole() {
      client
          .rbac()
          .clusterRoles()
          .resource(
              new ClusterRoleBuilder()
                  .withNewMetadata()
                  .withName(ROLE)
                  .withLabels(managed())
                  .endMetadata()
                  .withRules(
                      readOnly("", "services"), readOnly("discovery.k8s.io", "endpointslices"))
                  .build())
          .forceConflicts()
          .serverSideApply();
      client
          .rbac()
          .clusterRoleBindings()
          .resource(
              new ClusterRoleBindingBuilder()
                  .withNewMetadata()
                  .withName(ROLE + "-" + namespace)
                  .withLabels(managed())
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", ROLE)
                  .addNewSubject()
                  .withKind("ServiceAccount")
                  .withName(SERVICE_ACCOUNT)
                  .withNamespace(namespace)
                  .endSubject()
                  .build())
          .forceConflicts()
          .serverSideApply();
    }

    private static PolicyRule readOnly(String apiGroup, String resource) {
      return new PolicyRuleBuilder()
          .withApiGroups(apiGroup)
          .withResources(resource)
          .withVerbs("get", "list", "watch")
          .build();
    }

    /**
     * The anchor is created pending and marked issued only once its token exists: a failed
     * TokenRequest must not leave an anchor that counts as one of the tokens kept, or the next link
     * would revoke the previous token, which the hub may still be using.
     */
    Secret createPendingAnchor() {
      return client
          .secrets()
          .inNamespace(namespace)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withGenerateName(SERVICE_ACCOUNT + "-token-")
                  .withNamespace(namespace)
                  .addToLabels(ANCHOR_LABEL, ANCHOR_PENDING)
                  .addToLabels(managed())
                  .endMetadata()
                  .withType("Opaque")
                  .build())
          .create();
    }

    /**
     * Requests a token bound to {@code anchor}, then marks the anchor as holding an issued token;
     * on failure deletes the anchor.
     */
    String issueToken(Secret anchor, Duration ttl) {
      try {
        String token = requestToken(anchor, ttl);
        markIssued(anchor);
        return token;
      } catch (RuntimeException e) {
        deleteQuietly(anchor, e);
        throw e;
      }
    }

    private String requestToken(Secret anchor, Duration ttl) {
      return client
          .serviceAccounts()
          .inNamespace(namespace)
          .withName(SERVICE_ACCOUNT)
          .tokenRequest(
              new TokenRequestBuilder()
                  .withNewSpec()
                  .withExpirationSeconds(ttl.toSeconds())
                  .withNewBoundObjectRef()
                  .withApiVersion("v1")
                  .withKind("Secret")
                  .withName(anchor.getMetadata().getName())
                  .withUid(anchor.getMetadata().getUid())
                  .endBoundObjectRef()
                  .endSpec()
                  .build())
          .getStatus()
          .getToken();
    }

    private void markIssued(Secret anchor) {
      client
          .secrets()
          .inNamespace(namespace)
          .withName(anchor.getMetadata().getName())
          .edit(
              s ->
                  new SecretBuilder(s)
                      .editMetadata()
                      .addToLabels(ANCHOR_LABEL, ANCHOR_ISSUED)
                      .endMetadata()
                      .build());
    }

    /**
     * Deletes the anchor of a token that was never handed out (which revokes it, if it exists); a
     * failure to do so is added to {@code cause}: a pending anchor is never counted anyway.
     */
    private void deleteQuietly(Secret anchor, RuntimeException cause) {
      try {
        client.secrets().inNamespace(namespace).withName(anchor.getMetadata().getName()).delete();
      } catch (RuntimeException e) {
        cause.addSuppressed(e);
      }
    }

    /**
     * Deletes the anchors of all but the newest {@link #TOKENS_KEPT} issued tokens. Pending anchors
     * (a link that failed or is still running) are not tokens the hub can hold: never counted.
     */
    List<String> revokeOld() {
      List<Secret> anchors =
          client
              .secrets()
              .inNamespace(namespace)
              .withLabel(ANCHOR_LABEL, ANCHOR_ISSUED)
              .list()
              .getItems()
              .stream()
              .sorted(
                  Comparator.comparing((Secret s) -> s.getMetadata().getCreationTimestamp())
                      .thenComparing(s -> Long.parseLong(s.getMetadata().getResourceVersion()))
                      .reversed())
              .toList();
      List<Secret> old = anchors.stream().skip(TOKENS_KEPT).toList();
      for (Secret s : old) {
        client.secrets().inNamespace(namespace).withName(s.getMetadata().getName()).delete();
      }
      return old.stream().map(s -> s.getMetadata().getName()).toList();
    }
  }

  /** The options of one link. */
  public record LinkOptions(
      String clusterName,
      String namespace,
      Duration tokenTtl,
      String hubNamespace,
      String secretName) {}
}
