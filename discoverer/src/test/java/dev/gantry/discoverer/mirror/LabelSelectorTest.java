package dev.gantry.discoverer.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LabelSelectorTest {
  private static final Map<String, String> WEB_FRONTEND =
      Map.of("app", "web", "tier", "frontend", "env", "prod");

  /** A selector, the labels it is matched against, and whether it must match. */
  record Case(String selector, Map<String, String> labels, boolean matches) {
    @Override
    public String toString() {
      return "'" + selector + "' " + (matches ? "matches " : "does not match ") + labels;
    }
  }

  static Stream<Case> matching() {
    return Stream.of(
        new Case("app=web", WEB_FRONTEND, true),
        new Case("app=api", WEB_FRONTEND, false),
        new Case("app=web", Map.of(), false),
        new Case("app==web", WEB_FRONTEND, true),
        new Case("app==api", WEB_FRONTEND, false),
        new Case("app!=api", WEB_FRONTEND, true),
        new Case("app!=web", WEB_FRONTEND, false),
        new Case("owner!=ops", WEB_FRONTEND, true), // absent label is not equal to anything
        new Case("app=", Map.of("app", ""), true),
        new Case("app=", WEB_FRONTEND, false),
        new Case("env in (prod,staging)", WEB_FRONTEND, true),
        new Case("env in (dev, staging)", WEB_FRONTEND, false),
        new Case("owner in (ops)", WEB_FRONTEND, false),
        new Case("env notin (dev,staging)", WEB_FRONTEND, true),
        new Case("env notin (prod)", WEB_FRONTEND, false),
        new Case("owner notin (ops)", WEB_FRONTEND, true), // absent label is in no set
        new Case("tier", WEB_FRONTEND, true),
        new Case("owner", WEB_FRONTEND, false),
        new Case("!owner", WEB_FRONTEND, true),
        new Case("!tier", WEB_FRONTEND, false),
        new Case("app.kubernetes.io/name=web", Map.of("app.kubernetes.io/name", "web"), true),
        new Case("app=web,tier!=db,env in (prod,staging),!legacy", WEB_FRONTEND, true),
        new Case("app=web,tier!=frontend", WEB_FRONTEND, false),
        new Case("app=web, env in (prod), !tier", WEB_FRONTEND, false),
        new Case("  app = web ,  tier  ", WEB_FRONTEND, true),
        new Case("", WEB_FRONTEND, true),
        new Case("", Map.of(), true),
        new Case("   ", Map.of(), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matching")
  void matchesLikeKubernetes(Case c) {
    assertThat(LabelSelector.parse(c.selector()).matches(c.labels())).isEqualTo(c.matches());
  }

  @Test
  void nullLabelsAreNoLabels() {
    assertThat(LabelSelector.parse("!legacy").matches(null)).isTrue();
    assertThat(LabelSelector.parse("app=web").matches(null)).isFalse();
    assertThat(LabelSelector.everything().matches(null)).isTrue();
  }

  @Test
  void nullSelectorSelectsEverything() {
    assertThat(LabelSelector.parse(null).matches(Map.of("a", "b"))).isTrue();
    assertThat(LabelSelector.parse(null)).hasToString("");
  }

  @Test
  void printsAsWritten() {
    assertThat(LabelSelector.parse("  app=web,env in (a,b) ")).hasToString("app=web,env in (a,b)");
  }

  /** A selector that does not parse and the message expected. */
  record Bad(String selector, String message) {
    @Override
    public String toString() {
      return "'" + selector + "'";
    }
  }

  static Stream<Bad> malformed() {
    return Stream.of(
        new Bad("env in ()", "label selector 'env in ()': 'env in ()' has an empty value set"),
        new Bad(
            "app=web,env notin ( , )",
            "label selector 'app=web,env notin ( , )': 'env notin ( , )' has an empty value set"),
        new Bad("app=web=api", "label selector 'app=web=api': cannot parse 'app=web=api'"),
        new Bad("app web", "label selector 'app web': cannot parse 'app web'"),
        new Bad("=web", "label selector '=web': cannot parse '=web'"),
        new Bad("env in (a,b", "label selector 'env in (a,b': cannot parse 'env in (a,b'"),
        new Bad("app=web, ?!", "label selector 'app=web, ?!': cannot parse '?!'"),
        new Bad("app=web,,tier", "label selector 'app=web,,tier' has an empty requirement"),
        new Bad("app=web,", "label selector 'app=web,' has an empty requirement"),
        new Bad(",app=web", "label selector ',app=web' has an empty requirement"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedSelectorIsRejectedNamingTheRequirement(Bad c) {
    assertThatThrownBy(() -> LabelSelector.parse(c.selector()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(c.message());
  }
}
