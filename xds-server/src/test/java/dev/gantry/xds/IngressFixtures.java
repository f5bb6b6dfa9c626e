package dev.gantry.xds;

import io.fabric8.kubernetes.api.model.TypedLocalObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackendBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder;
import java.util.List;

/** Fluent Ingresses for tests, like {@link Fixtures} for HTTPProxies. */
public final class IngressFixtures {
  private IngressFixtures() {}

  /** An Ingress of class {@code gantry} (by {@code spec.ingressClassName}), generation 1. */
  public static Builder ingress(String namespaceAndName) {
    return new Builder(namespaceAndName);
  }

  /** A path to a service port: {@code port} is a number (Integer) or a port name (String). */
  public static HTTPIngressPath path(String path, String pathType, String service, Object port) {
    return new HTTPIngressPathBuilder()
        .withPath(path)
        .withPathType(pathType)
        .withBackend(backend(service, port))
        .build();
  }

  /** A path whose backend is a resource (not supported by Gantry, as by Contour). */
  public static HTTPIngressPath resourcePath(String path) {
    return new HTTPIngressPathBuilder()
        .withPath(path)
        .withPathType("Prefix")
        .withBackend(
            new IngressBackendBuilder()
                .withResource(
                    new TypedLocalObjectReferenceBuilder()
                        .withApiGroup("k8s.example.com")
                        .withKind("StorageBucket")
                        .withName("static-assets")
                        .build())
                .build())
        .build();
  }

  public static IngressBackend backend(String service, Object port) {
    IngressBackendBuilder b = new IngressBackendBuilder();
    b.withNewService()
        .withName(service)
        .withNewPort()
        .withNumber(port instanceof Integer n ? n : null)
        .withName(port instanceof String s ? s : null)
        .endPort()
        .endService();
    return b.build();
  }

  public static final class Builder {
    private final IngressBuilder ingress;

    Builder(String key) {
      String[] parts = key.split("/");
      ingress =
          new IngressBuilder()
              .withNewMetadata()
              .withNamespace(parts[0])
              .withName(parts[1])
              .withGeneration(1L)
              .endMetadata()
              .withNewSpec()
              .withIngressClassName("gantry")
              .endSpec();
    }

    /** {@code spec.ingressClassName}; null leaves the class to the annotation. */
    public Builder className(String value) {
      ingress.editSpec().withIngressClassName(value).endSpec();
      return this;
    }

    public Builder annotation(String key, String value) {
      ingress.editMetadata().addToAnnotations(key, value).endMetadata();
      return this;
    }

    /** A rule for {@code host} (null: no host) with these paths. */
    public Builder rule(String host, HTTPIngressPath... paths) {
      ingress
          .editSpec()
          .addToRules(
              new IngressRuleBuilder()
                  .withHost(host)
                  .withNewHttp()
                  .withPaths(List.of(paths))
                  .endHttp()
                  .build())
          .endSpec();
      return this;
    }

    /** A rule with a host and no {@code http} section at all. */
    public Builder bareRule(String host) {
      ingress.editSpec().addToRules(new IngressRuleBuilder().withHost(host).build()).endSpec();
      return this;
    }

    public Builder defaultBackend(String service, Object port) {
      ingress.editSpec().withDefaultBackend(backend(service, port)).endSpec();
      return this;
    }

    public Builder tls(String secretName, String... hosts) {
      ingress
          .editSpec()
          .addToTls(new IngressTLSBuilder().withSecretName(secretName).withHosts(hosts).build())
          .endSpec();
      return this;
    }

    public Builder withoutSpec() {
      ingress.withSpec(null);
      return this;
    }

    public Ingress build() {
      return ingress.build();
    }
  }
}
