package dev.gantry.xds.ir;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
  @Test
  void duplicateFqdnIsRejectedNamingTheHost() {
    List<RoutingTable.VirtualHost> hosts =
        List.of(
            Routes.host("kuard.example.com", List.of()),
            Routes.host("kuard.example.com", List.of()));

    assertThatThrownBy(() -> new RoutingTable(hosts, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("virtualHosts")
        .hasMessageContaining("kuard.example.com");
  }
}
