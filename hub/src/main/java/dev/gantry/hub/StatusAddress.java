package dev.gantry.hub;

import dev.gantry.runtime.informer.RetryingInformers;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where clients reach Envoy, for {@code status.loadBalancer} of HTTPProxies and Ingresses (so
 * external-dns and {@code kubectl get} show it), as Contour finds it: a fixed address given to the
 * hub ({@code --ingress-status-address}), else the Envoy Service's {@code status.loadBalancer}
 * ({@code --envoy-service-namespace}/{@code --envoy-service-name}), watched. Until an address is
 * known nothing is written, and an address that goes away is not cleared (Contour writes only
 * addresses).
 */
public final class StatusAddress implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusAddress.class);
  // An IPv4 or IPv6 literal, as Go's net.ParseIP tells them from host names.
  private static final Pattern IPV4 = Pattern.compile("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$");

  /**
   * Where the address comes from: {@code fixed} (comma-separated IPs and host names), else the
   * Service {@code serviceNamespace/serviceName}.
   */
  public record Source(String serviceNamespace, String serviceName, String fixed) {
    public Source {
      boolean service = serviceNamespace != null || serviceName != null;
      if (service && (blank(serviceNamespace) || blank(serviceName))) {
        throw new IllegalArgumentException(
            "--envoy-service-namespace and --envoy-service-name go together");
      }
      if (fixed != null && parse(fixed).getIngress().isEmpty()) {
        throw new IllegalArgumentException(
            "--ingress-status-address must name at least one address or host name");
      }
    }

    public static Source fixed(String addresses) {
      return new Source(null, null, addresses);
    }

    public static Source service(String namespace, String name) {
      return new Source(namespace, name, null);
    }

    private static boolean blank(String s) {
      return s == null || s.isBlank();
    }
  }

  private final AtomicReference<LoadBalancerStatus> current = new AtomicReference<>();
  private final SharedIndexInformer<Service> service;

  /**
   * A fixed address, or a watch (started by {@link #start}) of the Service {@code source} names.
   */
  StatusAddress(KubernetesClient hub, RetryingInformers informers, Source source) {
    if (source.fixed() != null) {
      current.set(parse(source.fixed()));
      service = null;
    } else {
      service =
          informers.retrying(
              hub.services()
                  .inNamespace(source.serviceNamespace())
                  .withField("metadata.name", source.serviceName())
                  .runnableInformer(0),
              "the Envoy Service " + source.serviceNamespace() + "/" + source.serviceName());
    }
  }

  /** Starts watching the Service, if any; {@code changed} is told each new address. */
  StatusAddress start(Runnable changed) {
    if (service == null) {
      return this;
    }
    service.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Service s) {
            seen(s, changed);
          }

          @Override
          public void onUpdate(Service before, Service after) {
            seen(after, changed);
          }

          @Override
          public void onDelete(Service s, boolean deletedFinalStateUnknown) {
            // Contour writes no empty address: the last one stays where it was written.
          }
        });
    service.start();
    return this;
  }

  private void seen(Service s, Runnable changed) {
    LoadBalancerStatus next = of(s);
    if (next.getIngress().isEmpty()) {
      return;
    }
    LoadBalancerStatus before = current.getAndSet(next);
    if (!next.equals(before)) {
      log.info(
          "Envoy Service {}/{}: status address {}",
          s.getMetadata().getNamespace(),
          s.getMetadata().getName(),
          describe(next));
      changed.run();
    }
  }

  /** The address to write, or null while none is known. */
  LoadBalancerStatus current() {
    return current.get();
  }

  /**
   * Contour's reading of {@code --ingress-status-address}: comma-separated entries, each an IP if
   * it parses as one, else a host name; blanks skipped.
   */
  static LoadBalancerStatus parse(String addresses) {
    List<LoadBalancerIngress> ingress = new ArrayList<>();
    for (String item : addresses.split(",")) {
      String entry = item.strip();
      if (entry.isEmpty()) {
        continue;
      }
      ingress.add(
          ipLiteral(entry)
              ? new LoadBalancerIngressBuilder().withIp(entry).build()
              : new LoadBalancerIngressBuilder().withHostname(entry).build());
    }
    return new LoadBalancerStatus(ingress);
  }

  /**
   * The Service's load balancer ingress points; without any (a Service of another type, or a load
   * balancer not yet provisioned), its {@code spec.externalIPs}, where clients reach it too.
   */
  static LoadBalancerStatus of(Service s) {
    List<LoadBalancerIngress> ingress =
        s.getStatus() == null || s.getStatus().getLoadBalancer() == null
            ? null
            : s.getStatus().getLoadBalancer().getIngress();
    if (ingress != null && !ingress.isEmpty()) {
      return new LoadBalancerStatus(List.copyOf(ingress));
    }
    List<LoadBalancerIngress> external = new ArrayList<>();
    if (s.getSpec() != null && s.getSpec().getExternalIPs() != null) {
      for (String ip : s.getSpec().getExternalIPs()) {
        external.add(new LoadBalancerIngressBuilder().withIp(ip).build());
      }
    }
    return new LoadBalancerStatus(external);
  }

  static boolean ipLiteral(String s) {
    if (IPV4.matcher(s).matches()) {
      for (String octet : s.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return true;
    }
    if (!IPV6.matcher(s).matches()) {
      return false;
    }
    try {
      // With a colon Java parses an IPv6 literal and never looks the name up.
      InetAddress.getByName(s);
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  static String describe(LoadBalancerStatus status) {
    return String.join(
        ",",
        status.getIngress().stream()
            .map(i -> Objects.requireNonNullElse(i.getIp(), i.getHostname()))
            .toList());
  }

  @Override
  public void close() {
    if (service != null) {
      service.close();
    }
  }
}
