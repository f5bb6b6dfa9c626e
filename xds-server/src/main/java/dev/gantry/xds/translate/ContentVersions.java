package dev.gantry.xds.translate;

import com.google.protobuf.Message;
import dev.gantry.api.Digests;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Versions of resource lists as {@link Versions} makes them (SHA-256 over deterministic bytes, so
 * equal content has an equal version), from a digest per message kept by message instance: a
 * message reused from the last assembly ({@link Memo}) is not serialized again. A route
 * configuration's digest is made from its virtual hosts' digests, so one changed host costs that
 * host, not the whole configuration.
 */
final class ContentVersions {
  private final InstanceMemo<Message, byte[]> digests = new InstanceMemo<>();

  String of(Iterable<? extends Message> messages) {
    MessageDigest digest = Digests.sha256();
    for (Message m : messages) {
      digest.update(digest(m));
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
  }

  private byte[] digest(Message m) {
    byte[] d = digests.get(m);
    if (d == null) {
      d = digests.put(m, m instanceof RouteConfiguration config ? routeDigest(config) : sha(m));
    }
    return d;
  }

  private byte[] routeDigest(RouteConfiguration config) {
    if (!config.toBuilder().clearVirtualHosts().build().equals(onlyName(config))) {
      return sha(config); // more than a name and hosts: digest it whole
    }
    MessageDigest digest = Digests.sha256();
    digest.update(config.getName().getBytes(StandardCharsets.UTF_8));
    for (VirtualHost host : config.getVirtualHostsList()) {
      digest.update(digest(host));
    }
    return digest.digest();
  }

  private static RouteConfiguration onlyName(RouteConfiguration config) {
    return RouteConfiguration.newBuilder().setName(config.getName()).build();
  }

  private static byte[] sha(Message m) {
    return Digests.sha256().digest(Versions.deterministicBytes(m));
  }

  /** Ends an assembly: the digests it made or used are what the next one finds. */
  void roll() {
    digests.roll();
  }
}
