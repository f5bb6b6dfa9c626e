package dev.gantry.xds.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.compile.ingress.IngressCompiler;
import dev.gantry.xds.translate.XdsAssembler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The warm-up input goes all the way through a build, as a real proxy does. */
class WarmUpTest {
  @Test
  void theWarmUpProxyIsValidAndAssemblesIntoAClusterARouteAndAnAssignment() {
    IngressCompiler.Result result =
        new IngressCompiler(new ProxyCompiler("gantry"))
            .compile(List.of(WarmUp.proxy("gantry")), List.of(), WarmUp.federation(), Map.of());

    assertThat(result.verdicts()).singleElement().satisfies(v -> assertThat(v.valid()).isTrue());
    XdsAssembler.Assembly assembly =
        new XdsAssembler("127.0.0.1", 8080, 8443).assemble(result.table());
    assertThat(assembly.snapshot().clusters().resources()).hasSize(1);
    assertThat(assembly.snapshot().routes().resources().toString())
        .contains("warm-up.gantry.invalid");
    assertThat(assembly.changed()).singleElement().asString().contains("198.18.0.1");
  }
}
