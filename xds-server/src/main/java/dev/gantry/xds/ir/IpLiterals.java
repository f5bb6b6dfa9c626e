package dev.gantry.xds.ir;

/** IP address literals as Envoy reads them, checked by hand (per endpoint per build). */
public final class IpLiterals {
  private IpLiterals() {}

  /**
   * Whether Envoy can dial {@code address} as given. Host names never contain ':', so anything else
   * must be four decimal octets (0-255, no leading zeros): a name spelled with hex digits only
   * ("cafe.be") is not an address, and one such endpoint would make Envoy reject the whole
   * assignment. Checked per endpoint per build, so by hand rather than with a regular expression.
   */
  public static boolean ipLiteral(String address) {
    if (address.indexOf(':') >= 0) {
      for (int i = 0; i < address.length(); i++) {
        char c = address.charAt(i);
        boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex && c != ':' && c != '.') {
          return false;
        }
      }
      return true;
    }
    return ipv4(address);
  }

  /** Whether {@code address} is four decimal octets (0-255, no leading zeros). */
  public static boolean ipv4(String address) {
    int n = address.length();
    int i = 0;
    for (int octet = 1; ; octet++) {
      int start = i;
      int value = 0;
      while (i < n && i - start < 4 && address.charAt(i) >= '0' && address.charAt(i) <= '9') {
        value = value * 10 + (address.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0
          || digits > 3
          || value > 255
          || (digits > 1 && address.charAt(start) == '0')) {
        return false;
      }
      if (octet == 4) {
        return i == n;
      }
      if (i >= n || address.charAt(i) != '.') {
        return false;
      }
      i++;
    }
  }
}
