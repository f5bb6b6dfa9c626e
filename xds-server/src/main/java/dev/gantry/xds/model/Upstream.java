package dev.gantry.xds.model;

import dev.gantry.api.federation.FederatedService;
import dev.gantry.api.federation.ServicePortSpec;

/**
 * One Envoy cluster: a service port, either federated (every cluster's endpoints, one locality
 * each) or one hub Service (a cluster's mirror, or the hub's own).
 *
 * @param name the Envoy cluster name, Contour's shape {@code namespace/service/port/<hash>}
 */
public record Upstream(
    String name, FederatedService service, ServicePortSpec port, boolean federated) {}
