package dev.gantry.discoverer.status;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Why the remote cluster cannot be watched, as the RemoteCluster's {@code Ready} condition tells
 * it: each calls for a different fix (the network, a new token, the RBAC the link grants).
 */
public enum RemoteProblem {
  /** No answer: the apiserver is down or out of reach. */
  UNREACHABLE("RemoteUnreachable", "the remote apiserver does not answer (down or out of reach)"),
  /** 401: the token expired or was revoked; link the cluster again or rotate the Secret. */
  UNAUTHORIZED(
      "RemoteUnauthorized",
      "the remote apiserver refuses the discoverer's credentials (expired or revoked token; run"
          + " link again)"),
  /** 403: the identity lacks the RBAC to list and watch Services and EndpointSlices. */
  FORBIDDEN(
      "RemoteForbidden",
      "the discoverer's identity may not list Services in the remote cluster (RBAC missing; run"
          + " link again)");

  private final String reason;
  private final String meaning;

  RemoteProblem(String reason, String meaning) {
    this.reason = reason;
    this.meaning = meaning;
  }

  /** The condition reason, e.g. {@code RemoteForbidden}. */
  public String reason() {
    return reason;
  }

  /** What it means for the user, for the condition message. */
  public String meaning() {
    return meaning;
  }

  /** The problem a failed call to the remote shows: by its HTTP status, else unreachable. */
  public static RemoteProblem of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KubernetesClientException k) {
        if (k.getCode() == 401) {
          return UNAUTHORIZED;
        }
        if (k.getCode() == 403) {
          return FORBIDDEN;
        }
      }
    }
    return UNREACHABLE;
  }
}
