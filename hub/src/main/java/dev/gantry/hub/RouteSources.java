package dev.gantry.hub;

import dev.gantry.api.crd.contour.ExtensionService;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxyStatus;
import dev.gantry.api.crd.contour.TLSCertificateDelegation;
import dev.gantry.runtime.informer.LeanItemStore;
import dev.gantry.runtime.informer.RetryingInformers;
import dev.gantry.runtime.informer.TolerantInformer;
import dev.gantry.xds.publish.UnreadableProxy;
import dev.gantry.xds.publish.XdsPublisher;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What routes are compiled from, watched in the hub: HTTPProxies (read object by object),
 * Ingresses, Secrets, and TLSCertificateDelegations, ExtensionServices and Gateway API's kinds
 * (when the API serves them). Hands every change to the build loop once all have listed, and
 * answers the status writer with what the cache holds.
 */
final class RouteSources implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RouteSources.class);

  private final KubernetesClient hub;
  private final XdsPublisher publisher;
  // Read object by object: one proxy written against a richer CRD (Contour's) must not stop the
  // watch of all of them.
  private final TolerantInformer<HTTPProxy> proxies;
  private final SharedIndexInformer<Ingress> ingresses;
  // All Secrets, so that a wrong type is reported as such; kubernetes.io/tls ones keep their data,
  // the others only ca.crt and crl.pem (TlsSecretStore).
  private final SharedIndexInformer<Secret> secrets;
  // Started only once the API is known to serve them.
  private final OptionalWatch<TLSCertificateDelegation> delegations;
  private final OptionalWatch<ExtensionService> extensionServices;
  private final GatewayApiSources gatewayApi;
  private volatile boolean proxiesListed;
  private volatile boolean ingressesListed;
  private volatile boolean secretsListed;

  RouteSources(
      KubernetesClient hub,
      RetryingInformers informers,
      ScheduledExecutorService scheduler,
      XdsPublisher publisher) {
    this.hub = hub;
    this.publisher = publisher;
    this.proxies = TolerantInformer.of(hub, HTTPProxy.class, informers, "HTTPProxies in the hub");
    this.ingresses =
        informers.retrying(
            hub.network()
                .v1()
                .ingresses()
                .inAnyNamespace()
                .runnableInformer(0)
                .itemStore(new LeanItemStore<>()),
            "Ingresses in the hub");
    this.secrets =
        informers.retrying(
            hub.secrets().inAnyNamespace().runnableInformer(0).itemStore(new TlsSecretStore()),
            "Secrets in the hub");
    this.delegations =
        new OptionalWatch<>(
            hub,
            informers,
            scheduler,
            TLSCertificateDelegation.class,
            TLSCertificateDelegation.CRD_NAME,
            "TLSCertificateDelegations in the hub",
            "no Secret of another namespace can be delegated");
    this.extensionServices =
        new OptionalWatch<>(
            hub,
            informers,
            scheduler,
            ExtensionService.class,
            ExtensionService.CRD_NAME,
            "ExtensionServices in the hub",
            "virtual hosts with authorization are reported invalid");
    this.gatewayApi = new GatewayApiSources(hub, informers, scheduler);
  }

  RouteSources start() {
    proxies.informer().addEventHandler(specChanges());
    ingresses.addEventHandler(specChanges());
    secrets.addEventHandler(secretChanges());
    proxies.start().thenRun(() -> listed(() -> proxiesListed = true));
    delegations.start(this::routesChanged, publisher::delegationsChanged);
    extensionServices.start(this::routesChanged, publisher::extensionServicesChanged);
    gatewayApi.start(publisher::gatewayApiChanged, this::routesChanged);
    RetryingInformers.startApart(ingresses).thenRun(() -> listed(() -> ingressesListed = true));
    RetryingInformers.startApart(secrets)
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                // Serve what needs no certificate; TLS proxies say their Secret is not found.
                log.error(
                    "cannot list Secrets ({}): HTTPProxies with TLS are reported invalid",
                    failure.getMessage());
              }
              secretsListed = true;
              secretsChanged();
              routesChanged();
            });
    return this;
  }

  /**
   * Whether HTTPProxies, Ingresses, Secrets, TLSCertificateDelegations, ExtensionServices and
   * Gateway API's kinds have all been listed.
   */
  boolean listed() {
    return proxiesListed
        && ingressesListed
        && secretsListed
        && delegations.listed()
        && extensionServices.listed()
        && gatewayApi.listed();
  }

  private void listed(Runnable mark) {
    mark.run();
    routesChanged();
  }

  private void routesChanged() {
    // Until the first lists complete the stores are partial; the last completion publishes them.
    if (listed()) {
      publisher.routesChanged(
          proxies.list(),
          proxies.unreadable().stream().map(RouteSources::unreadable).toList(),
          ingresses.getStore().list());
    }
  }

  private void secretsChanged() {
    if (secretsListed) {
      Map<String, Secret> byKey = new HashMap<>();
      for (Secret s : secrets.getStore().list()) {
        byKey.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
      }
      publisher.secretsChanged(byKey);
    }
  }

  /** A rebuild on changes of spec, generation or annotations (not of status). */
  private <T extends HasMetadata> ResourceEventHandler<T> specChanges() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        routesChanged();
      }

      @Override
      public void onUpdate(T before, T after) {
        // Our own status writes come back as updates: a spec change bumps the generation.
        if (!Objects.equals(
                before.getMetadata().getGeneration(), after.getMetadata().getGeneration())
            || !Objects.equals(
                before.getMetadata().getAnnotations(), after.getMetadata().getAnnotations())) {
          routesChanged();
        }
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        routesChanged();
      }
    };
  }

  private ResourceEventHandler<Secret> secretChanges() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Secret obj) {
        secretsChanged();
      }

      @Override
      public void onUpdate(Secret before, Secret after) {
        if (!Objects.equals(
            before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())) {
          secretsChanged();
        }
      }

      @Override
      public void onDelete(Secret obj, boolean deletedFinalStateUnknown) {
        secretsChanged();
      }
    };
  }

  /** The ExtensionService as the cache holds it, or null. */
  ExtensionService cachedExtension(String namespace, String name) {
    return extensionServices.get(namespace, name);
  }

  /** Gateway API's objects as the caches hold them, for their status writer. */
  GatewayApiSources gatewayApi() {
    return gatewayApi;
  }

  /** Every Ingress as the cache holds it. */
  List<Ingress> cachedIngresses() {
    return ingresses.getStore().list();
  }

  /** {@code changed} is told of every Ingress added or updated (its status included). */
  void onIngressChange(Runnable changed) {
    ingresses.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Ingress obj) {
            changed.run();
          }

          @Override
          public void onUpdate(Ingress before, Ingress after) {
            changed.run();
          }

          @Override
          public void onDelete(Ingress obj, boolean deletedFinalStateUnknown) {}
        });
  }

  /** A proxy's metadata and status as cached, whether or not it reads into our model. */
  ProxyStatusWriter.Current cachedStatus(String namespace, String name) {
    HTTPProxy proxy = proxies.get(namespace, name);
    if (proxy != null) {
      return new ProxyStatusWriter.Current(proxy.getMetadata(), proxy.getStatus());
    }
    TolerantInformer.Unreadable raw = proxies.getUnreadable(namespace, name);
    if (raw == null) {
      return null;
    }
    HTTPProxyStatus status;
    try {
      status =
          hub.getKubernetesSerialization()
              .convertValue(
                  raw.object().getAdditionalProperties().get("status"), HTTPProxyStatus.class);
    } catch (IllegalArgumentException unreadableStatus) {
      status = null; // rewritten whole
    }
    return new ProxyStatusWriter.Current(raw.object().getMetadata(), status);
  }

  /** What the compiler needs of a proxy that does not read: whose class it is, and why. */
  private static UnreadableProxy unreadable(TolerantInformer.Unreadable u) {
    Object spec = u.object().getAdditionalProperties().get("spec");
    Object byField = spec instanceof Map<?, ?> m ? m.get("ingressClassName") : null;
    Long generation = u.object().getMetadata().getGeneration();
    return new UnreadableProxy(
        u.namespace(),
        u.name(),
        generation == null ? 0 : generation,
        byField instanceof String name ? name : null,
        u.object().getMetadata().getAnnotations(),
        u.problem());
  }

  @Override
  public void close() {
    proxies.close();
    secrets.close();
    ingresses.close();
    delegations.close();
    extensionServices.close();
    gatewayApi.close();
  }
}
