package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.IPFilterPolicy;
import dev.gantry.xds.compile.Outcome;
import dev.gantry.xds.ir.IpLiterals;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.RoutingTable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A virtual host's or route's {@code ipAllowPolicy} / {@code ipDenyPolicy}, validated as Contour
 * does: not both at once ({@code IncompatibleIPAddressFilters}); each {@code cidr} a CIDR range or
 * a bare address ({@code /32} or {@code /128}), host bits cleared ({@code InvalidCIDR} otherwise);
 * {@code source} {@code Peer} or {@code Remote}. Errors make a failed outcome, under the condition
 * type {@code IPFilterError}; nothing is thrown.
 */
public final class IpFilters {
  static final String IP_FILTER_ERROR = "IPFilterError";

  private IpFilters() {}

  /** The filter of {@code field} (e.g. {@code spec.virtualhost}), absent when it has none. */
  public static Outcome<Optional<RoutingTable.IpFilter>> parse(
      List<IPFilterPolicy> allow, List<IPFilterPolicy> deny, String field) {
    boolean allows = allow != null && !allow.isEmpty();
    boolean denies = deny != null && !deny.isEmpty();
    if (allows && denies) {
      return Outcome.failed(
          error(
              "IncompatibleIPAddressFilters",
              field + ": cannot specify both `ipAllowPolicy` and `ipDenyPolicy`"));
    }
    if (!allows && !denies) {
      return Outcome.of(Optional.empty());
    }
    List<IPFilterPolicy> policies = allows ? allow : deny;
    String list = field + (allows ? ".ipAllowPolicy" : ".ipDenyPolicy");
    List<ProxyVerdict.Error> errors = new ArrayList<>();
    List<RoutingTable.IpRule> rules = new ArrayList<>();
    for (int i = 0; i < policies.size(); i++) {
      rule(policies.get(i), list + "[" + i + "]", errors).ifPresent(rules::add);
    }
    return Outcome.unless(errors, () -> Optional.of(new RoutingTable.IpFilter(allows, rules)));
  }

  private static Optional<RoutingTable.IpRule> rule(
      IPFilterPolicy policy, String where, List<ProxyVerdict.Error> errors) {
    if (policy == null) {
      errors.add(error("InvalidCIDR", where + ": a rule needs a cidr and a source"));
      return Optional.empty();
    }
    String source = policy.getSource();
    boolean sourceOk = "Peer".equals(source) || "Remote".equals(source);
    if (!sourceOk) {
      errors.add(
          error(
              "IPFilterPolicyNotValid",
              where + ".source: " + quoted(source) + " is not Peer or Remote"));
    }
    Optional<RoutingTable.IpRule> rule = cidr(policy.getCidr(), "Remote".equals(source));
    if (rule.isEmpty()) {
      errors.add(
          error(
              "InvalidCIDR",
              where
                  + ".cidr: "
                  + quoted(policy.getCidr())
                  + " failed to parse: not an address or a CIDR range (10.8.0.0/16, fd00::/8)"));
    }
    return sourceOk ? rule : Optional.empty();
  }

  /** {@code text} as a range: {@code address[/prefix]}, the address's host bits cleared. */
  static Optional<RoutingTable.IpRule> cidr(String text, boolean remote) {
    if (text == null) {
      return Optional.empty();
    }
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    boolean v6 = address.indexOf(':') >= 0;
    if (v6 ? !IpLiterals.ipLiteral(address) : !IpLiterals.ipv4(address)) {
      return Optional.empty();
    }
    int bits = v6 ? 128 : 32;
    int prefix = bits;
    if (slash >= 0) {
      String length = text.substring(slash + 1);
      if (!length.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(length) > bits) {
        return Optional.empty();
      }
      prefix = Integer.parseInt(length);
    }
    byte[] bytes;
    try {
      // A literal (checked above): parsed, never looked up.
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
    if (bytes.length * 8 != bits) {
      // An IPv4-mapped IPv6 literal (::ffff:10.0.0.1) reads as IPv4: keep the two apart.
      return Optional.empty();
    }
    for (int bit = prefix; bit < bits; bit++) {
      bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    try {
      String network = InetAddress.getByAddress(bytes).getHostAddress();
      return Optional.of(new RoutingTable.IpRule(remote, network, prefix));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static String quoted(String value) {
    return value == null ? "(none)" : "\"" + value + "\"";
  }

  private static ProxyVerdict.Error error(String reason, String message) {
    return new ProxyVerdict.Error(IP_FILTER_ERROR, reason, message);
  }
}
