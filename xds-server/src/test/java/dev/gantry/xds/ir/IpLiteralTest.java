package dev.gantry.xds.ir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link IpLiterals#ipLiteral}: by hand, exactly what the regular expressions accept. */
class IpLiteralTest {
  private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern IPV4 = Pattern.compile("(" + OCTET + "\\.){3}" + OCTET);
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");

  private static boolean oracle(String a) {
    return a.indexOf(':') >= 0 ? IPV6.matcher(a).matches() : IPV4.matcher(a).matches();
  }

  @ParameterizedTest
  @CsvSource({
    "10.0.0.1, true",
    "0.0.0.0, true",
    "255.255.255.255, true",
    "198.18.0.1, true",
    "256.0.0.1, false",
    "01.2.3.4, false",
    "1.2.3, false",
    "1.2.3.4.5, false",
    "1.2.3.4., false",
    ".1.2.3.4, false",
    "1..2.3, false",
    "1234.1.1.1, false",
    "cafe.be, false",
    "web.shop.svc, false",
    "fd00::1, true",
    "::ffff:10.0.0.1, true",
    "fd00::g, false",
    "'', false"
  })
  void acceptsExactlyDialableLiterals(String address, boolean dialable) {
    assertThat(IpLiterals.ipLiteral(address)).isEqualTo(dialable);
    assertThat(oracle(address)).isEqualTo(dialable);
  }

  @Test
  void agreesWithTheRegularExpressionsOnEveryOctetAndOnNoise() {
    List<String> cases = new ArrayList<>();
    for (int v = 0; v < 1000; v++) {
      cases.add(v + ".1.2.3");
      cases.add("1.2.3." + v);
      cases.add("0" + v + ".1.2.3");
      cases.add("1.00" + v + ".2.3");
    }
    Random random = new Random(7);
    String alphabet = "0123456789.:abcfgxAF-";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(18);
      for (int i = 0; i < length; i++) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      cases.add(s.toString());
    }
    for (String c : cases) {
      assertThat(IpLiterals.ipLiteral(c)).as("'%s'", c).isEqualTo(oracle(c));
    }
  }
}
