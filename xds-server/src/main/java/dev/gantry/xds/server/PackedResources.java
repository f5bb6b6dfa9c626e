package dev.gantry.xds.server;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.server.serializer.ProtoResourcesSerializer;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;

/**
 * Packs each resource message into the {@link Any} a response carries once for as long as the
 * message lives, by the message instance: the assembler reuses the messages that did not change, so
 * a state-of-the-world response of every cluster after one was added serializes that one, not all
 * of them, and every Envoy of a fleet is sent the bytes serialized for the first. Entries go with
 * their message (weak keys, compared by identity). Endpoints are packed each time: an assignment is
 * sent when it changes, and keeping the bytes of every one would grow with the estate.
 */
final class PackedResources implements ProtoResourcesSerializer {
  private final Cache<Message, Any> packed = CacheBuilder.newBuilder().weakKeys().build();

  @Override
  public Any serialize(Message resource, Resources.ApiVersion apiVersion) {
    if (resource instanceof ClusterLoadAssignment) {
      return Any.pack(resource);
    }
    return packed.asMap().computeIfAbsent(resource, Any::pack);
  }

  /** How many messages it holds packed (for tests). */
  long size() {
    packed.cleanUp();
    return packed.size();
  }
}
