package dev.gantry.api;

/** The label and annotation keys Gantry puts on the objects it writes into the hub. */
public final class Labels {
  /** The remote cluster a mirrored object came from; the discoverer owns only its own value. */
  public static final String CLUSTER = "gantry.dev/cluster";

  /** The name of the remote Service an object mirrors. */
  public static final String SERVICE = "gantry.dev/service";

  /** Standard marker that Gantry manages the object. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  /** Value of {@link #MANAGED_BY} on every mirrored object. */
  public static final String MANAGED_BY_VALUE = "gantry";

  /** Annotation holding the UID of the remote object a mirror was made from. */
  public static final String SOURCE_UID = "gantry.dev/source-uid";

  /**
   * Annotation on a mirrored EndpointSlice: when (RFC 3339, UTC) the discoverer saw the remote
   * change this write carries. Set only on writes the change needs anyway; the hub measures from it
   * the time to Envoy's acknowledgement ({@code gantry_propagation_seconds}).
   */
  public static final String REMOTE_EVENT_TIME = "gantry.dev/remote-event-time";

  /** Annotation on a remote Service; {@code "false"} keeps it out of the hub. */
  public static final String EXPORT = "gantry.dev/export";

  /**
   * Annotation on a Service (a remote one, copied onto its mirror, or the hub's own): {@code dns}
   * asks for its endpoints to be found by the hub's cluster DNS, as an Envoy {@code STRICT_DNS}
   * cluster of its headless Service's name, rather than given to Envoy by EDS.
   */
  public static final String UPSTREAM_DISCOVERY = "gantry.dev/upstream-discovery";

  /** The value of {@link #UPSTREAM_DISCOVERY} that asks for DNS. */
  public static final String UPSTREAM_DISCOVERY_DNS = "dns";

  /** EndpointSlice label naming the Service the slice belongs to. */
  public static final String SERVICE_NAME = "kubernetes.io/service-name";

  /** EndpointSlice label naming the controller that manages the slice. */
  public static final String ENDPOINTSLICE_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";

  /** Value of {@link #ENDPOINTSLICE_MANAGED_BY} on mirrored slices. */
  public static final String ENDPOINTSLICE_MANAGED_BY_VALUE = "discoverer.gantry.dev";

  private Labels() {}
}
