package dev.gantry.xds;

import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.api.federation.FederationUpdate;
import dev.gantry.xds.publish.XdsPublisher;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Inputs to a build loop as tests give them: every HTTPProxy (no Ingresses), or a whole federation
 * snapshot, from which the update the aggregator would send is computed against the last one fed.
 */
public final class Feeds {
  private static final Map<XdsPublisher, FederationSnapshot> LAST = new WeakHashMap<>();

  private Feeds() {}

  public static void proxies(XdsPublisher publisher, List<HTTPProxy> proxies) {
    publisher.routesChanged(proxies, List.of(), List.of());
  }

  public static void federation(XdsPublisher publisher, FederationSnapshot snapshot) {
    FederationUpdate update;
    synchronized (LAST) {
      update =
          FederationUpdate.between(
              LAST.getOrDefault(publisher, FederationSnapshot.empty()), snapshot);
      LAST.put(publisher, snapshot);
    }
    publisher.federationChanged(update);
  }
}
