package dev.gantry.cli.check;

import io.fabric8.kubernetes.client.Config;
import java.time.Duration;
import java.time.Instant;

/**
 * What {@code gantry check} was asked.
 *
 * @param namespace the hub namespace of the kubeconfig Secrets
 * @param tokenWarning a token that expires sooner fails its check
 * @param timeout how long one request to a cluster or the hub may take
 * @param now the time tokens are judged at
 */
record CheckOptions(String namespace, Duration tokenWarning, Duration timeout, Instant now) {
  /** The client settings of a check: each request within the timeout, tried once. */
  Config bounded(Config config) {
    config.setConnectionTimeout((int) timeout.toMillis());
    config.setRequestTimeout((int) timeout.toMillis());
    config.setRequestRetryBackoffLimit(0);
    return config;
  }
}
