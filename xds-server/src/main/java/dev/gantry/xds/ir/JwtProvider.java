package dev.gantry.xds.ir;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A virtual host's verifier of JSON Web Tokens (Contour's {@code jwtProviders[]}): the issuer and
 * audiences a token must carry (null issuer, empty audiences: any), the key set its signature is
 * checked with, fetched from {@code uri} through {@code cluster} within {@code timeout} and kept
 * for {@code cacheDuration} (null: Envoy's default), and whether the token goes on to the backend.
 *
 * @param isDefault routes of the host without a policy of their own require this provider
 */
public record JwtProvider(
    String name,
    boolean isDefault,
    String issuer,
    List<String> audiences,
    String uri,
    Duration timeout,
    Duration cacheDuration,
    boolean forward,
    JwksCluster cluster) {
  public JwtProvider {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(cluster, "cluster");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a JWT provider needs a name");
    }
    audiences = List.copyOf(audiences);
  }

  /**
   * The Envoy cluster a key set is fetched through: the URI's host (a DNS name, resolved by Envoy,
   * or an address) and port, resolved as {@code family} says (null: as the hub's DNS clusters are,
   * {@code --dns-lookup-family}, as Contour's unset {@code dnsLookupFamily} follows its {@code
   * cluster.dnsLookupFamily}), over TLS when {@code tls} is set (https), with its server name and
   * certificate validation.
   */
  public record JwksCluster(
      String name, String host, int port, DnsLookupFamily family, UpstreamTls tls) {
    public JwksCluster {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(host, "host");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(name + ": port " + port + " is not 1-65535");
      }
    }
  }
}
