package dev.gantry.xds.compile.gateway;

import dev.gantry.api.crd.contour.HTTPProxySpec;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.compile.ExternalNames;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.compile.ServiceResolver;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.Upstream;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's reference to a backend, resolved as HTTPProxy resolves a service ({@link
 * ServiceResolver}): a core Service by its name (the federated service, or one cluster's mirror
 * {@code <cluster>-<svc>}), or an MCS ServiceImport (group {@code multicluster.x-k8s.io}), which
 * names the federated service of its name. Another namespace only with a ReferenceGrant there. A
 * failure is a {@code ResolvedRefs} reason: BackendNotFound, InvalidKind, RefNotPermitted or
 * UnsupportedProtocol.
 */
final class BackendRefs {
  static final String MCS_GROUP = "multicluster.x-k8s.io";
  static final String SERVICE_IMPORT = "ServiceImport";

  private BackendRefs() {}

  /** What a backend reference says, whichever type held it. */
  record Ref(String group, String kind, String name, String namespace, Integer port) {}

  static Outcome<Upstream> resolve(
      Ref ref,
      String routeKind,
      String routeNs,
      FederationSnapshot snapshot,
      ExternalNames externalNames,
      ReferenceGrants grants,
      String where) {
    return resolve(ref, routeKind, routeNs, snapshot, externalNames, grants, false, where);
  }

  /**
   * As above; with {@code http2} (a GRPCRoute's backends) the cluster speaks HTTP/2 whatever the
   * Service's port says: h2c, or h2 where the port speaks TLS.
   */
  static Outcome<Upstream> resolve(
      Ref ref,
      String routeKind,
      String routeNs,
      FederationSnapshot snapshot,
      ExternalNames externalNames,
      ReferenceGrants grants,
      boolean http2,
      String where) {
    String group = ReferenceGrants.group(ref.group());
    String kind = ref.kind() == null ? "Service" : ref.kind();
    boolean service = group.isEmpty() && "Service".equals(kind);
    boolean serviceImport = MCS_GROUP.equals(group) && SERVICE_IMPORT.equals(kind);
    if (!service && !serviceImport) {
      return failed(
          "InvalidKind",
          where
              + ": "
              + (group.isEmpty() ? "" : group + "/")
              + kind
              + " is not a Service or "
              + MCS_GROUP
              + "/"
              + SERVICE_IMPORT);
    }
    String ns = ref.namespace() == null || ref.namespace().isEmpty() ? routeNs : ref.namespace();
    if (!grants.permits(
        ReferenceGrants.GATEWAY_GROUP, routeKind, routeNs, group, kind, ns, ref.name())) {
      return failed(
          "RefNotPermitted",
          where
              + ": "
              + kind
              + " "
              + ns
              + "/"
              + ref.name()
              + " is in another namespace and no ReferenceGrant there permits it");
    }
    if (ref.name() == null || ref.name().isEmpty()) {
      return failed("BackendNotFound", where + ": name is empty");
    }
    if (ref.port() == null) {
      return failed("BackendNotFound", where + ": port is required");
    }
    Outcome<Upstream> resolved =
        ServiceResolver.resolve(ns, ref.name(), ref.port(), null, snapshot, externalNames, where);
    if (!resolved.ok()) {
      return failed(
          "BackendNotFound",
          resolved.errors().stream()
              .map(ProxyVerdict.Error::message)
              .reduce((a, b) -> a + "; " + b)
              .orElse(where));
    }
    Upstream upstream = resolved.value();
    if (serviceImport && !upstream.federated()) {
      return failed(
          "BackendNotFound",
          where
              + ": ServiceImport "
              + ns
              + "/"
              + ref.name()
              + " names one cluster's mirror, not a federated service");
    }
    String protocol = upstream.port().protocol();
    if (!"TCP".equals(protocol)) {
      return failed(
          "UnsupportedProtocol",
          where + ": port " + ref.port() + " of " + ns + "/" + ref.name() + " is " + protocol);
    }
    if (http2 && !upstream.protocol().http2()) {
      HTTPProxySpec.RouteService asH2 = new HTTPProxySpec.RouteService();
      asH2.setName(ref.name());
      asH2.setPort(ref.port());
      asH2.setProtocol(upstream.protocol().tls() ? "h2" : "h2c");
      List<ProxyVerdict.Error> errors = new ArrayList<>();
      Upstream h2 =
          ServiceResolver.resolve(
              ns,
              asH2,
              snapshot,
              externalNames,
              ServiceResolver.ClusterPolicies.DEFAULT,
              null,
              where,
              errors);
      return h2 == null ? failed("UnsupportedProtocol", where + ": " + errors) : Outcome.of(h2);
    }
    return Outcome.of(upstream);
  }

  static <T> Outcome<T> failed(String reason, String message) {
    return Outcome.failed(new ProxyVerdict.Error("ResolvedRefs", reason, message));
  }
}
