package dev.gantry.xds.translate;

import com.google.protobuf.Any;
import dev.gantry.xds.ir.CookieRewrite;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua;
import io.envoyproxy.envoy.extensions.filters.http.lua.v3.LuaPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Set-Cookie rewriting, as Contour does it: a Lua filter in each connection manager that does
 * nothing by itself, and on each weighted cluster whose route or service has {@code
 * cookieRewritePolicies} a per-route script that rewrites the attributes of the named cookies in
 * the response's Set-Cookie headers. The filter has a name of its own: the HTTPS connection
 * managers' other Lua filter (see {@link HttpsConnectionManagers#misdirected}) must not take these
 * scripts for its own.
 */
final class SetCookieRewrites {
  static final String FILTER = "gantry.cookie_rewrite";

  private SetCookieRewrites() {}

  /** The filter of the connection managers: inert until a route hands it a script. */
  static HttpFilter filter() {
    return HttpFilter.newBuilder()
        .setName(FILTER)
        .setTypedConfig(
            Any.pack(
                Lua.newBuilder()
                    .setDefaultSourceCode(
                        DataSource.newBuilder()
                            .setInlineString("-- Set-Cookie rewrites come per route."))
                    .build()))
        .build();
  }

  /**
   * The per-route config of a cluster: the route's rules with the cluster's over them, a cookie's
   * attributes merged as Contour merges them (the cluster's win).
   */
  static Any perRoute(List<CookieRewrite> route, List<CookieRewrite> cluster) {
    Map<String, CookieRewrite> merged = new TreeMap<>();
    for (CookieRewrite rule : route) {
      merged.merge(rule.name(), rule, CookieRewrite::over);
    }
    for (CookieRewrite rule : cluster) {
      merged.merge(rule.name(), rule, CookieRewrite::over);
    }
    return Any.pack(
        LuaPerRoute.newBuilder()
            .setSourceCode(DataSource.newBuilder().setInlineString(script(merged.values())))
            .build());
  }

  /**
   * The script: each Set-Cookie header of a named cookie is taken apart into its name=value and its
   * attributes (keyed by name, case-insensitively), the rule's attributes replace or remove theirs,
   * and the header is put back together in its original attribute order, new attributes last.
   * Values go into the code as escaped Lua strings.
   */
  static String script(java.util.Collection<CookieRewrite> rules) {
    StringBuilder table = new StringBuilder("local rules = {\n");
    for (CookieRewrite rule : rules) {
      table.append("  [").append(lua(rule.name())).append("] = {");
      if (rule.path() != null) {
        table.append("{\"path\", ").append(lua("Path=" + rule.path())).append("}, ");
      }
      if (rule.domain() != null) {
        table.append("{\"domain\", ").append(lua("Domain=" + rule.domain())).append("}, ");
      }
      if (rule.sameSite() != null) {
        table.append("{\"samesite\", ").append(lua("SameSite=" + rule.sameSite())).append("}, ");
      }
      if (rule.secure() != null) {
        table.append("{\"secure\", ").append(rule.secure() ? lua("Secure") : "false").append("}, ");
      }
      table.append("},\n");
    }
    table.append("}\n");
    return table
        + "local function rewrite(cookie)\n"
        + "  local name = string.match(cookie, \"^%s*([^=;]+)=\")\n"
        + "  local rule = name and rules[name]\n"
        + "  if rule == nil then\n"
        + "    return cookie\n"
        + "  end\n"
        + "  local parts = {}\n"
        + "  for part in string.gmatch(cookie, \"[^;]+\") do\n"
        + "    table.insert(parts, (string.gsub(part, \"^%s*(.-)%s*$\", \"%1\")))\n"
        + "  end\n"
        + "  local out = {parts[1]}\n"
        + "  local done = {}\n"
        + "  for i = 2, #parts do\n"
        + "    local key = string.lower(string.match(parts[i], \"^([^=]*)\"))\n"
        + "    local replaced = false\n"
        + "    for _, r in ipairs(rule) do\n"
        + "      if r[1] == key then\n"
        + "        replaced = true\n"
        + "        if not done[key] and r[2] then\n"
        + "          table.insert(out, r[2])\n"
        + "        end\n"
        + "        done[key] = true\n"
        + "      end\n"
        + "    end\n"
        + "    if not replaced then\n"
        + "      table.insert(out, parts[i])\n"
        + "    end\n"
        + "  end\n"
        + "  for _, r in ipairs(rule) do\n"
        + "    if not done[r[1]] and r[2] then\n"
        + "      table.insert(out, r[2])\n"
        + "    end\n"
        + "  end\n"
        + "  return table.concat(out, \"; \")\n"
        + "end\n"
        + "function envoy_on_response(response_handle)\n"
        + "  local headers = response_handle:headers()\n"
        + "  if headers:get(\"set-cookie\") == nil then\n"
        + "    return\n"
        + "  end\n"
        + "  local cookies = {}\n"
        + "  for i = 0, headers:getNumValues(\"set-cookie\") - 1 do\n"
        + "    table.insert(cookies, rewrite(headers:getAtIndex(\"set-cookie\", i)))\n"
        + "  end\n"
        + "  headers:remove(\"set-cookie\")\n"
        + "  for _, cookie in ipairs(cookies) do\n"
        + "    headers:add(\"set-cookie\", cookie)\n"
        + "  end\n"
        + "end\n";
  }

  /** {@code s} as a Lua string literal: quotes, backslashes and every non-printable escaped. */
  static String lua(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c == '"' || c == '\\') {
        out.append('\\').append((char) c);
      } else if (c < 0x20 || c >= 0x7f) {
        out.append('\\').append(String.format("%03d", c));
      } else {
        out.append((char) c);
      }
    }
    return out.append('"').toString();
  }
}
