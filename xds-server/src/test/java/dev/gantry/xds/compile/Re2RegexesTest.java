package dev.gantry.xds.compile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The program size bound against RE2's own count (RE2's {@code ProgramSize}, as Envoy 1.40 reports
 * it), and RE2's syntax errors. A random corpus of 32,000 regexes checked the same way found no
 * bound below RE2's count.
 */
class Re2RegexesTest {
  @ParameterizedTest(name = "{0}: RE2 {1}")
  @CsvSource(
      delimiter = '\t',
      quoteCharacter = '`',
      value = {
        "/api/v[0-9]+/.*\t21",
        "^/api/v[0-9]+/(users|groups)/[^/]+$\t30",
        ".*\\.(jpg|png|gif|css|js)$\t29",
        "/(?i)admin/.*\t19",
        "/orders/[0-9]{1,10}/items\t37",
        "(?i)^(chrome|firefox|safari)\t25",
        "/[a-z]{30}\t35",
        "/[a-z]{200}\t205",
        "(?:a?){20}\t44",
        "(?:x*y*)*z\t12",
        "(?:(?:a?b?)*c?)*\t18",
        "(?i)kkkk\t20",
        "[^é]+\t22",
        "(?i)[^s]{5}\t94",
        "(?:.?){1000}\t9004",
      })
  void theBoundIsNeverBelowRe2sCount(String regex, long re2) {
    Re2ProgramSize.Estimate estimate = Re2ProgramSize.estimate(regex);
    assertThat(estimate.unsupported()).isNull();
    assertThat(estimate.size()).isGreaterThanOrEqualTo(re2).isLessThanOrEqualTo(re2 * 12 + 20);
    assertThat(Re2Regexes.problem(regex) == null).isEqualTo(estimate.size() <= 100);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '\t',
      quoteCharacter = '`',
      value = {
        "/a\\Z", "(?x)a", "\\h", "a{1001}", "x{2}{3}", "a**", "\\8", "\\1", "(?=a)", "(?<=a)b",
        "(?P=n)", "[z-a]", "[[:foo:]]", "(a", "a)", "[a", "*a", "{2}", "\\x{110000}", "\\§",
        "(?i)*",
      })
  void whatRe2RefusesIsRefused(String regex) {
    assertThat(Re2Regexes.problem(regex)).isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '\t',
      quoteCharacter = '`',
      value = {
        "\\_", "\\-", "\\/", "(?<n>a)", "(?P<n>a)", "\\z", "[a&&b]", "\\C", "[[:alpha:]]",
        "\\Qa.b\\E", "(?U)a*", "(?m)^a", "[\\d-z]", "é", "\\x{10FFFF}", "a{2,}?", "a{", "(?:)",
      })
  void whatRe2AcceptsIsAccepted(String regex) {
    assertThat(Re2Regexes.problem(regex)).isNull();
  }

  @org.junit.jupiter.api.Test
  void unicodeClassesAreRefusedAndQuotedLiteralsStayLiteral() {
    assertThat(Re2Regexes.problem("\\pL")).contains("Unicode classes");
    assertThat(Re2Regexes.quote("/a.b/§_x")).isEqualTo("/a\\.b/§_x");
    assertThat(Re2Regexes.problem(Re2Regexes.quote("/v1.0+(x)/§"))).isNull();
  }
}
