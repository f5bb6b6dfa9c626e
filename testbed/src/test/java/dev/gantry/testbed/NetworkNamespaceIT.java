package dev.gantry.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A backend in a test-made network namespace answers from the root namespace, then is gone. */
class NetworkNamespaceIT {

  @Test
  void backendInANamespaceAnswersAndEverythingIsRemovedOnClose() throws Exception {
    Path dir = Testbed.workDirectory().resolve("netns-" + System.nanoTime());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    String name;
    String address;
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      name = ns.name();
      address = ns.address();
      assertThat(address).startsWith("10.251.").endsWith(".2");
      ns.httpBackend("backend", 8080, "hello from " + name, dir.resolve("backend.log"));
      URI uri = URI.create("http://" + address + ":8080/");
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(
                          http.send(
                                  HttpRequest.newBuilder(uri)
                                      .timeout(Duration.ofSeconds(2))
                                      .build(),
                                  HttpResponse.BodyHandlers.ofString())
                              .body())
                      .isEqualTo("hello from " + name));
    }
    Process list = new ProcessBuilder("ip", "netns", "list").start();
    assertThat(new String(list.getInputStream().readAllBytes())).doesNotContain(name);
    Process addrs = new ProcessBuilder("ip", "-o", "addr", "show").start();
    assertThat(new String(addrs.getInputStream().readAllBytes()))
        .doesNotContain(address.replace(".2", ".1") + "/");
  }
}
