package dev.gantry.xds.translate;

import dev.gantry.xds.ir.RoutingTable;
import dev.gantry.xds.ir.VirtualHostTls;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SDS secrets of the HTTPS listener's terminating hosts, named {@code namespace/name}: a
 * rotated certificate changes the secret only, so Envoy swaps it without draining the listener.
 */
public final class SecretTranslator {
  private SecretTranslator() {}

  /** One SDS secret per certificate, by name (hosts may share one), sorted. */
  public static List<Secret> translate(RoutingTable table) {
    Map<String, VirtualHostTls.Certificate> byName = new TreeMap<>();
    for (RoutingTable.VirtualHost host : table.virtualHosts()) {
      if (host.tls() != null && host.tls().certificate() != null) {
        byName.put(host.tls().certificate().name(), host.tls().certificate());
      }
    }
    return byName.values().stream()
        .map(
            c ->
                Secret.newBuilder()
                    .setName(c.name())
                    .setTlsCertificate(
                        TlsCertificate.newBuilder()
                            .setCertificateChain(
                                DataSource.newBuilder().setInlineString(c.chainPem()))
                            .setPrivateKey(
                                DataSource.newBuilder().setInlineString(c.privateKeyPem())))
                    .build())
        .toList();
  }
}
