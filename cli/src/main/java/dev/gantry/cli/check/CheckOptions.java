package dev.gantry.cli.check;

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
record CheckOptions(String namespace, Duration tokenWarning, Duration timeout, Instant now) {}
