package dev.gantry.xds.ir;

import java.time.Duration;
import java.util.List;

/**
 * A virtual host's or route's global rate limit: the descriptors Envoy's rate limit filter sends to
 * the hub's rate limit service for each request, which counts them for all Envoys and answers
 * whether the request is over a limit. On a route, {@code disabled} leaves out its virtual host's
 * descriptors (and then it has none of its own, as Contour reads it).
 */
public record GlobalRateLimit(List<Descriptor> descriptors, boolean disabled) {
  /** A route that opts out of its virtual host's descriptors. */
  public static final GlobalRateLimit DISABLED = new GlobalRateLimit(List.of(), true);

  public GlobalRateLimit {
    descriptors = List.copyOf(descriptors);
    if (disabled && !descriptors.isEmpty()) {
      throw new IllegalArgumentException("a disabled global rate limit has no descriptors");
    }
  }

  /** Whether requests here are counted by the service: there are descriptors to send. */
  public boolean limits() {
    return !descriptors.isEmpty();
  }

  /** One descriptor: its entries, sent together in this order. */
  public record Descriptor(List<Entry> entries) {
    public Descriptor {
      entries = List.copyOf(entries);
      if (entries.isEmpty()) {
        throw new IllegalArgumentException("a descriptor has at least one entry");
      }
    }
  }

  /** One entry of a descriptor: Envoy's rate limit action that makes it. */
  public sealed interface Entry
      permits GenericKey, RequestHeader, HeaderValueMatch, RemoteAddress {}

  /** A fixed value under {@code key} (null: Envoy's {@code generic_key}). */
  public record GenericKey(String key, String value) implements Entry {}

  /** The value of request header {@code headerName} under {@code descriptorKey}. */
  public record RequestHeader(String headerName, String descriptorKey) implements Entry {}

  /**
   * {@code value} under Envoy's {@code header_match} when the request's headers match all of {@code
   * headers} ({@code expectMatch}) or do not.
   */
  public record HeaderValueMatch(
      List<RoutingTable.HeaderMatch> headers, String value, boolean expectMatch) implements Entry {
    public HeaderValueMatch {
      headers = List.copyOf(headers);
    }
  }

  /** The client's address (from X-Forwarded-For as the listener trusts it) as remote_address. */
  public record RemoteAddress() implements Entry {}

  /**
   * The hub's rate limit service, as Contour's {@code rateLimitService} configures it: the Envoy
   * cluster of its ExtensionService and the authority of its calls (null: the cluster's name), how
   * long to wait for its answer (null: Envoy's default, 20 ms; {@link Duration#ZERO}: no limit),
   * the domain its limits are in, whether a request is served when the service fails, and whether
   * the answer adds the draft-03 X-RateLimit headers and reports over-limit gRPC requests as
   * RESOURCE_EXHAUSTED.
   */
  public record Service(
      String cluster,
      String authority,
      Duration timeout,
      String domain,
      boolean failOpen,
      boolean xRateLimitHeaders,
      boolean resourceExhaustedCode) {}
}
