package dev.gantry.xds.server;

import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.envoy.config.core.v3.Node;

/**
 * Sorts xDS clients into the snapshot they get: proxyless gRPC clients get API listeners named by
 * fqdn, everything else (Envoy) the socket listeners. Envoy accepts API listeners only from its
 * bootstrap and skips them in LDS with a warning per listener and update, so it never gets them.
 */
public final class ClientGroup implements NodeGroup<String> {
  public static final String ENVOY = "envoy";
  public static final String PROXYLESS = "proxyless";

  @Override
  public String hash(Node node) {
    return of(node.getUserAgentName());
  }

  /**
   * The group for a node's {@code user_agent_name}: every gRPC implementation names itself "gRPC
   * &lt;language&gt;" ("gRPC Java", "gRPC Go", "gRPC C-core"), Envoy "envoy"; an unknown client
   * keeps what it got before gRPC clients were served.
   */
  public static String of(String userAgentName) {
    return userAgentName.startsWith("gRPC ") ? PROXYLESS : ENVOY;
  }
}
