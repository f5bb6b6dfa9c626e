package dev.gantry.xds.compile.gateway;

import dev.gantry.xds.compile.HeaderValues;
import dev.gantry.xds.compile.Syntax;
import dev.gantry.xds.ir.HeaderPolicy;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestRedirectFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPURLRewriteFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of HTTPRoute filters that need no backend: header modifiers as {@link HeaderPolicy}, a
 * redirect, a URL rewrite. A value Envoy or the spec refuses is an {@code UnsupportedValue} error
 * added to {@code errors}.
 */
final class RouteFilters {
  private RouteFilters() {}

  /** A header modifier as a policy; null (with an error) when a name or value is refused. */
  static HeaderPolicy headers(HTTPHeaderFilter f, String where, List<ProxyVerdict.Error> errors) {
    if (f == null) {
      return refuse(where + " is missing", errors);
    }
    Map<String, String> set = new LinkedHashMap<>();
    Map<String, String> add = new LinkedHashMap<>();
    List<String> remove = new ArrayList<>();
    if (!values(f.getSet(), where + ".set", set, errors)
        || !values(f.getAdd(), where + ".add", add, errors)) {
      return null;
    }
    for (String name : f.getRemove() == null ? List.<String>of() : f.getRemove()) {
      if (name == null || !Syntax.token(name)) {
        return refuse(where + ".remove: \"" + name + "\" is not a header name", errors);
      }
      remove.add(name.toLowerCase(Locale.ROOT));
    }
    if (add.containsKey("host")) {
      return refuse(where + ".add: host cannot be appended to", errors);
    }
    return new HeaderPolicy(set, remove, add);
  }

  private static boolean values(
      List<HTTPHeader> headers,
      String where,
      Map<String, String> out,
      List<ProxyVerdict.Error> errors) {
    for (HTTPHeader h : headers == null ? List.<HTTPHeader>of() : headers) {
      String name = h.getName();
      if (name == null || !Syntax.token(name) || name.startsWith(":")) {
        refuse(where + ": \"" + name + "\" is not a header name", errors);
        return false;
      }
      String value = h.getValue() == null ? "" : h.getValue();
      String problem = HeaderValues.problem(value);
      if (problem != null) {
        refuse(where + ": " + name + ": " + problem, errors);
        return false;
      }
      String lower = name.toLowerCase(Locale.ROOT);
      // Host is set as Envoy's host rewrite, a literal; the others are format strings.
      out.putIfAbsent(lower, lower.equals("host") ? value : HeaderValues.escape(value, Map.of()));
    }
    return true;
  }

  /** A redirect; {@code prefix} of the result is the written ReplacePrefixMatch (split later). */
  static RoutingTable.Redirect redirect(
      HTTPRequestRedirectFilter f, String where, List<ProxyVerdict.Error> errors) {
    if (f == null) {
      return refuse(where + " is missing", errors);
    }
    String scheme = f.getScheme();
    if (scheme != null && !scheme.equals("http") && !scheme.equals("https")) {
      return refuse(where + ".scheme " + scheme + " is not http or https", errors);
    }
    int status = f.getStatusCode() == null ? 302 : f.getStatusCode();
    if (!java.util.Set.of(301, 302, 303, 307, 308).contains(status)) {
      return refuse(where + ".statusCode " + status + " is not 301, 302, 303, 307 or 308", errors);
    }
    String host = f.getHostname();
    if (host != null && !Syntax.hostname(host)) {
      return refuse(where + ".hostname \"" + host + "\" is not a host name", errors);
    }
    Integer port = f.getPort();
    if (port != null && (port < 1 || port > 65535)) {
      return refuse(where + ".port " + port + " is not 1-65535", errors);
    }
    Path path = path(f.getPath(), where + ".path", errors);
    if (path == null) {
      return null;
    }
    return new RoutingTable.Redirect(scheme, host, port, path.full(), path.prefix(), status);
  }

  /** A path modifier: exactly one of its values; both null when there is none. */
  record Path(String full, String prefix) {
    static final Path NONE = new Path(null, null);
  }

  static Path path(HTTPPathModifier m, String where, List<ProxyVerdict.Error> errors) {
    if (m == null) {
      return Path.NONE;
    }
    String type = m.getType() == null ? "" : m.getType();
    String value =
        switch (type) {
          case "ReplaceFullPath" -> m.getReplaceFullPath();
          case "ReplacePrefixMatch" -> m.getReplacePrefixMatch();
          default -> null;
        };
    if (value == null || !value.startsWith("/") || value.contains("?") || value.contains("#")) {
      return refuse(where + ": " + type + " \"" + value + "\" is not a path", errors);
    }
    return type.equals("ReplaceFullPath") ? new Path(value, null) : new Path(null, value);
  }

  /** A URL rewrite: its host (null: unchanged) and path. */
  record Rewrite(String host, Path path) {}

  static Rewrite rewrite(HTTPURLRewriteFilter f, String where, List<ProxyVerdict.Error> errors) {
    if (f == null) {
      return refuse(where + " is missing", errors);
    }
    if (f.getHostname() != null && !Syntax.hostname(f.getHostname())) {
      return refuse(where + ".hostname \"" + f.getHostname() + "\" is not a host name", errors);
    }
    Path path = path(f.getPath(), where + ".path", errors);
    return path == null ? null : new Rewrite(f.getHostname(), path);
  }

  static <T> T refuse(String message, List<ProxyVerdict.Error> errors) {
    errors.add(new ProxyVerdict.Error("Accepted", "UnsupportedValue", message));
    return null;
  }
}
