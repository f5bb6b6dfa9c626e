package dev.gantry.xds.ir;

import static dev.gantry.xds.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.api.federation.FederatedService;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamTest {
  private static final FederatedService A =
      service("auth/a").port("grpc", 9000).cluster("east", 0, 1, "grpc", "10.0.0.1:9000").build();
  private static final FederatedService B =
      service("auth/b").port("grpc", 9000).cluster("east", 0, 1, "grpc", "10.2.0.1:9000").build();

  @Test
  void oneServiceIsItsOnlyMemberAndHasNoShares() {
    Upstream u = ofA().build();

    assertThat(u.members()).containsExactly(new Upstream.Share(A, A.ports().get(0), true, 1));
    assertThat(u.shares()).isEmpty();
    assertThat(u.service()).isSameAs(A);
    assertThat(u.port()).isEqualTo(A.ports().get(0));
    assertThat(u.federated()).isTrue();
    assertThat(u.sources()).containsExactly(A);
  }

  @Test
  void oneShareWhateverItsWeightIsTheUpstreamOfThatServiceAlone() {
    Upstream shared =
        Upstream.of("auth/a/9000/x", List.of(new Upstream.Share(A, A.ports().get(0), false, 7)))
            .build();

    assertThat(shared).isEqualTo(Upstream.of("auth/a/9000/x", A, A.ports().get(0), false).build());
    assertThat(shared.shares()).isEmpty();
  }

  @Test
  void severalSharesNameTheFirstOnesServicePortAndPlace() {
    Upstream u = Upstream.of("x", shares(A, B)).build();

    assertThat(u.shares()).isEqualTo(shares(A, B));
    assertThat(u.members()).isEqualTo(u.shares());
    assertThat(u.service()).isSameAs(A);
    assertThat(u.federated()).isTrue();
    assertThat(u.sources()).containsExactly(A, B);
  }

  @Test
  void theShapeLeavesEveryServiceOutAndKeepsEverythingElse() {
    Upstream u = Upstream.of("x", shares(A, B)).build();

    Upstream shape = u.withService(null);

    assertThat(shape.sources()).containsExactly(null, null);
    assertThat(shape.withServices(List.of(A, B))).isEqualTo(u);
    assertThatThrownBy(() -> u.withService(A))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("withServices");
  }

  @Test
  void oneServiceTakesWithServicesAsWithService() {
    Upstream u = ofA().strategy(Upstream.Strategy.RANDOM).build();

    assertThat(u.withServices(List.of(B))).isEqualTo(u.withService(B));
    assertThat(u.withService(B).strategy()).isEqualTo(Upstream.Strategy.RANDOM);
    assertThatThrownBy(() -> u.withServices(List.of(A, B)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 services for 1");
  }

  @Test
  void toBuilderCopiesEveryPolicy() {
    Upstream u =
        ofA()
            .strategy(Upstream.Strategy.WEIGHTED_LEAST_REQUEST)
            .idleConnectionTimeout(java.time.Duration.ofSeconds(3))
            .protocol(UpstreamProtocol.H2C)
            .slowStart(new Upstream.SlowStart(java.time.Duration.ofSeconds(10), 1.0, 10))
            .build();

    assertThat(u.toBuilder().build()).isEqualTo(u);
  }

  @Test
  void theBuilderValidatesAsTheCanonicalConstructor() {
    assertThatThrownBy(() -> Upstream.of("x", List.of()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no service");
    assertThatThrownBy(
            () ->
                Upstream.of("x", shares(A, B))
                    .dns(List.of(new Upstream.DnsTarget("east", 0, 1, "a.example.com")))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clusters of endpoints");
    assertThatThrownBy(() -> ofA().tls(new UpstreamTls("a.example.com", null)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TLS protocol");
  }

  private static List<Upstream.Share> shares(FederatedService... services) {
    return java.util.Arrays.stream(services)
        .map(s -> new Upstream.Share(s, s.ports().get(0), true, 1))
        .toList();
  }

  /** The upstream of A alone, federated. */
  private static Upstream.Builder ofA() {
    return Upstream.of("auth/a/9000/x", A, A.ports().get(0), true);
  }
}
