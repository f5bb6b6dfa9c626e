package dev.gantry.xds.feature;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Envoy resources as YAML, the way Envoy's own documentation and config dumps write them: proto3
 * JSON with the proto field names ({@code route_config_name}), {@code Any} spelled out with its
 * {@code "@type"}. Both directions use the same mapping, so a printed resource parses back to
 * itself.
 */
final class ProtoYaml {
  /** Every message our resources pack into an {@code Any}: JSON needs to know them by name. */
  private static final JsonFormat.TypeRegistry TYPES =
      JsonFormat.TypeRegistry.newBuilder()
          .add(HttpConnectionManager.getDescriptor())
          .add(Router.getDescriptor())
          .add(Cors.getDescriptor())
          .add(CorsPolicy.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.getDescriptor())
          .add(
              io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                  .getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua.getDescriptor())
          .add(TlsInspector.getDescriptor())
          .add(TcpProxy.getDescriptor())
          .add(DownstreamTlsContext.getDescriptor())
          .add(UpstreamTlsContext.getDescriptor())
          .add(HttpProtocolOptions.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog.getDescriptor())
          .add(
              io.envoyproxy.envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol
                  .getDescriptor())
          .build();

  /** With Jackson 2's defaults, as fabric8 reads and writes the model classes. */
  static final ObjectMapper YAML =
      YAMLMapper.builder()
          .configureForJackson2()
          .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
          .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
          .enable(YAMLWriteFeature.INDENT_ARRAYS_WITH_INDICATOR)
          .build();

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().usingTypeRegistry(TYPES);
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().usingTypeRegistry(TYPES).preservingProtoFieldNames();

  private ProtoYaml() {}

  /** A YAML list of resources of one type (an empty text or {@code []} for none). */
  @SuppressWarnings("unchecked")
  static <T extends Message> List<T> parseList(String yaml, Supplier<Message.Builder> builder) {
    JsonNode tree = read(yaml);
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return List.of();
    }
    if (!tree.isArray()) {
      throw new IllegalArgumentException("expected a YAML list of resources, got:\n" + yaml);
    }
    List<T> out = new ArrayList<>();
    for (JsonNode item : tree) {
      out.add((T) parse(item.toString(), builder.get()));
    }
    return out;
  }

  static Message parse(String json, Message.Builder builder) {
    try {
      PARSER.merge(json, builder);
      return builder.build();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "cannot read " + builder.getDescriptorForType().getFullName() + ": " + e.getMessage(), e);
    }
  }

  static String json(Message message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getDescriptorForType(), e);
    }
  }

  /** The resources as one YAML list, in the given order. */
  static String yaml(List<? extends Message> messages) {
    ArrayNode list = YAML.createArrayNode();
    for (Message m : messages) {
      list.add(read(json(m)));
    }
    return write(list);
  }

  static JsonNode read(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not YAML: " + e.getOriginalMessage() + "\n" + yaml, e);
    }
  }

  static String write(Object value) {
    return YAML.writeValueAsString(value);
  }
}
