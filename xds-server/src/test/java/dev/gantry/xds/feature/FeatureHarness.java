package dev.gantry.xds.feature;

import com.google.protobuf.Message;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.HTTPProxyStatus;
import dev.gantry.api.federation.FederationSnapshot;
import dev.gantry.xds.TestCertificates;
import dev.gantry.xds.compile.httpproxy.ProxyCompiler;
import dev.gantry.xds.compile.ingress.IngressCompiler;
import dev.gantry.xds.compile.ingress.IngressConverter;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.tls.TlsSecrets;
import dev.gantry.xds.translate.XdsAssembler;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Runs the hub's whole build path, as the publisher does it, on Kubernetes objects and a federation
 * snapshot, and hands back what Envoy would be sent. The only door from the feature tests into the
 * main code: when the pipeline's classes move or change, this class changes and the tests do not.
 *
 * <h2>Adding a feature test</h2>
 *
 * <ol>
 *   <li>Write the input objects (HTTPProxy, Ingress, Secret) as YAML in a text block, as a user
 *       would apply them; several objects go in one text separated by {@code ---}, or as separate
 *       arguments. A {@code kubernetes.io/tls} Secret comes from {@link #tlsSecret} (keys are made
 *       by the test, never committed). Objects are of class {@value #INGRESS_CLASS}.
 *   <li>Take {@link Federations#standard()} or build a federation with {@link Federations.Builder}:
 *       each service with its clusters and endpoints; the mirrors {@code <cluster>-<service>} come
 *       with it.
 *   <li>Call {@link #build}, then compare what the feature is about, each type whole: {@code
 *       assertRoutes}, {@code assertClusters}, {@code assertEndpoints}, {@code assertListeners},
 *       {@code assertSecrets} take the expected resources as a YAML list in Envoy's own spelling
 *       (proto field names, {@code "@type"} for typed configs); {@code assertStatuses} takes the
 *       HTTPProxy statuses by {@code namespace/name}; {@code assertIngressWarnings} the lines the
 *       hub logs for Ingresses. {@link Expect} holds the fragments most tests repeat.
 *   <li>Work the expected resources out from the input and from what Contour and Envoy do with it,
 *       then run the test; a failure prints both sides as YAML. The feature tests alone: {@code mvn
 *       -pl xds-server -am test -Dtest='*FeatureTest' -Dsurefire.failIfNoSpecifiedTests=false}
 *       (surefire matches no class with {@code -Dtest='dev.gantry.xds.feature.*'}).
 * </ol>
 *
 * <h2>What is normalised, and why</h2>
 *
 * <ul>
 *   <li>Versions: only the resources are kept; a version is a hash of all of a type's content.
 *   <li>Cluster names end in a hash of the route's cluster policies ({@code
 *       demo/kuard/80/3f9a0c21be}); here the hash reads {@code <hash>} ({@code
 *       demo/kuard/80/<hash>}, stat name {@code demo_kuard_80_<hash>}) wherever the name appears. A
 *       test whose clusters differ only in the hash fails to build rather than blur them.
 *   <li>Certificates and keys are made afresh by each run; in secrets, the PEM of an input Secret
 *       reads {@code <tls.crt of namespace/name>} and {@code <tls.key of namespace/name>}, a CA
 *       bundle or revocation list {@code <ca.crt of namespace/name>}, {@code <crl.pem of
 *       namespace/name>}.
 *   <li>Statuses have no {@code lastTransitionTime}: it is a reading of the clock.
 *   <li>Objects without {@code metadata.generation} get 1, as the API server gives on creation.
 * </ul>
 *
 * Every result is also checked for references to resources it does not hold ({@link References}).
 */
public final class FeatureHarness {
  /** The hub's default ingress class; the objects of the tests are of it. */
  public static final String INGRESS_CLASS = "gantry";

  // The hub's defaults for Envoy's listeners (HubCommand).
  private static final String ENVOY_ADDRESS = "0.0.0.0";
  private static final int HTTP_PORT = 8080;
  private static final int HTTPS_PORT = 8443;

  private static final KubernetesSerialization KUBE = new KubernetesSerialization();
  private static final Pattern HASHED = Pattern.compile("(.+)/([0-9a-f]{10})");
  private static final String HASH = "<hash>";

  private FeatureHarness() {}

  /**
   * What the hub sends Envoy for these inputs: each a YAML text of one or more objects, or a
   * fabric8 object (HTTPProxy, Ingress or Secret).
   */
  public static FeatureResult build(FederationSnapshot federation, Object... inputs) {
    Inputs in = inputs(inputs);

    // As XdsPublisher: Secrets validated once, then compiled, then assembled.
    Map<String, TlsSecrets.Outcome> certificates =
        TlsSecrets.validateAll(in.secrets(), Map.of(), Map.of());
    IngressCompiler.Result compiled =
        new IngressCompiler(new ProxyCompiler(INGRESS_CLASS))
            .compile(in.proxies(), in.ingresses(), federation, certificates);
    XdsAssembler.Assembly assembly =
        new XdsAssembler(ENVOY_ADDRESS, HTTP_PORT, HTTPS_PORT).assemble(compiled.table());
    Snapshot snapshot = assembly.snapshot();

    List<String> dangling =
        References.dangling(
            snapshot.listeners().resources(),
            snapshot.routes().resources(),
            snapshot.clusters().resources(),
            assembly.assignments(),
            snapshot.secrets().resources());
    if (!dangling.isEmpty()) {
      throw new AssertionError("the snapshot refers to what it does not hold:\n" + dangling);
    }

    Map<String, String> renames = hashRenames(snapshot.clusters().resources().keySet());
    Map<String, HTTPProxyStatus> statuses = new TreeMap<>();
    for (ProxyVerdict verdict : compiled.verdicts()) {
      statuses.put(verdict.key(), verdict.status(null, null));
    }
    List<String> warnings = new ArrayList<>();
    for (IngressConverter.Warning w : compiled.warnings()) {
      warnings.add(w.ingress() + ": " + w.message());
    }
    Map<String, Secret> envoySecrets = new TreeMap<>();
    snapshot
        .secrets()
        .resources()
        .forEach((name, secret) -> envoySecrets.put(name, withoutPem(secret, in.secrets())));
    return new FeatureResult(
        renamed(snapshot.listeners().resources(), renames),
        renamed(snapshot.routes().resources(), renames),
        renamed(snapshot.clusters().resources(), renames),
        renamed(assembly.assignments(), renames),
        envoySecrets,
        statuses,
        warnings);
  }

  /** The inputs by kind; Secrets by {@code namespace/name}, as the hub's Secret cache keys them. */
  private record Inputs(
      List<HTTPProxy> proxies,
      List<Ingress> ingresses,
      Map<String, io.fabric8.kubernetes.api.model.Secret> secrets) {}

  private static Inputs inputs(Object... inputs) {
    List<HTTPProxy> proxies = new ArrayList<>();
    List<Ingress> ingresses = new ArrayList<>();
    Map<String, io.fabric8.kubernetes.api.model.Secret> secrets = new HashMap<>();
    for (Object input : inputs) {
      List<HasMetadata> objects =
          input instanceof String yaml ? read(yaml) : List.of(object(input));
      for (HasMetadata o : objects) {
        if (o.getMetadata().getGeneration() == null) {
          o.getMetadata().setGeneration(1L);
        }
        if (o instanceof HTTPProxy p) {
          proxies.add(p);
        } else if (o instanceof Ingress i) {
          ingresses.add(i);
        } else if (o instanceof io.fabric8.kubernetes.api.model.Secret s) {
          secrets.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s);
        } else {
          throw new IllegalArgumentException("not an input: " + o.getKind());
        }
      }
    }
    return new Inputs(proxies, ingresses, Map.copyOf(secrets));
  }

  /** A {@code kubernetes.io/tls} Secret with a fresh self-signed certificate for the names. */
  public static io.fabric8.kubernetes.api.model.Secret tlsSecret(
      String namespaceAndName, String... dnsNames) {
    return TestCertificates.tlsSecret(
        namespaceAndName, TestCertificates.ecdsa(dnsNames[0], dnsNames));
  }

  private static HasMetadata object(Object input) {
    if (input instanceof HasMetadata o) {
      return o;
    }
    throw new IllegalArgumentException("an input is YAML text or a Kubernetes object: " + input);
  }

  /** The objects of a YAML text, one per document. */
  private static List<HasMetadata> read(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.isBlank()) {
        continue;
      }
      JsonNode kind = ProtoYaml.read(doc).path("kind");
      out.add(
          switch (kind.asString()) {
            case "HTTPProxy" -> KUBE.unmarshal(doc, HTTPProxy.class);
            case "Ingress" -> KUBE.unmarshal(doc, Ingress.class);
            case "Secret" -> KUBE.unmarshal(doc, io.fabric8.kubernetes.api.model.Secret.class);
            default -> throw new IllegalArgumentException("unknown kind " + kind + " in\n" + doc);
          });
    }
    return out;
  }

  /** Cluster name and stat name to their forms with {@code <hash>}, for each hashed name. */
  private static Map<String, String> hashRenames(Iterable<String> clusterNames) {
    Map<String, String> renames = new LinkedHashMap<>();
    Map<String, String> taken = new HashMap<>();
    for (String name : clusterNames) {
      Matcher m = HASHED.matcher(name);
      if (!m.matches()) {
        continue;
      }
      String plain = m.group(1) + "/" + HASH;
      String other = taken.put(plain, name);
      if (other != null) {
        throw new IllegalStateException(
            "clusters " + other + " and " + name + " differ only in their hash: compare them raw");
      }
      renames.put(name, plain);
      renames.put(name.replace('/', '_'), plain.replace('/', '_'));
    }
    return renames;
  }

  /** The resources with the hashes of cluster names replaced, wherever the names appear. */
  private static <T extends Message> Map<String, T> renamed(
      Map<String, T> resources, Map<String, String> renames) {
    Map<String, T> out = new TreeMap<>();
    resources.forEach(
        (name, resource) -> {
          String json = ProtoYaml.json(resource);
          for (Map.Entry<String, String> r : renames.entrySet()) {
            json = json.replace(r.getKey(), r.getValue());
          }
          @SuppressWarnings("unchecked")
          T copy = (T) ProtoYaml.parse(json, resource.newBuilderForType());
          out.put(renames.getOrDefault(name, name), copy);
        });
    return out;
  }

  /**
   * The secret with the PEM of the input Secrets it holds named rather than spelled out: a
   * certificate secret is named after its Secret, a validation context after the Secrets and keys
   * it takes its CAs and revocation lists from ({@code ns/ca/ca.crt+ns/crl/crl.pem}).
   */
  private static Secret withoutPem(
      Secret secret, Map<String, io.fabric8.kubernetes.api.model.Secret> inputs) {
    Secret.Builder out = secret.toBuilder();
    if (secret.hasValidationContext()) {
      var context = out.getValidationContextBuilder();
      for (String part : secret.getName().split("\\+")) {
        String key = part.substring(0, part.lastIndexOf('/'));
        String dataKey = part.substring(part.lastIndexOf('/') + 1);
        String placeholder = "<" + dataKey + " of " + key + ">";
        String pem = inputs.containsKey(key) ? decoded(inputs.get(key), dataKey) : null;
        if (dataKey.equals("ca.crt") && context.getTrustedCa().getInlineString().equals(pem)) {
          context.setTrustedCa(DataSource.newBuilder().setInlineString(placeholder));
        }
        if (dataKey.equals("crl.pem") && context.getCrl().getInlineString().equals(pem)) {
          context.setCrl(DataSource.newBuilder().setInlineString(placeholder));
        }
      }
      return out.build();
    }
    io.fabric8.kubernetes.api.model.Secret input = inputs.get(secret.getName());
    if (input == null || !secret.hasTlsCertificate()) {
      return secret;
    }
    String key = secret.getName();
    var tls = out.getTlsCertificateBuilder();
    if (tls.getCertificateChain().getInlineString().equals(decoded(input, "tls.crt"))) {
      tls.setCertificateChain(DataSource.newBuilder().setInlineString("<tls.crt of " + key + ">"));
    }
    if (tls.getPrivateKey().getInlineString().equals(decoded(input, "tls.key"))) {
      tls.setPrivateKey(DataSource.newBuilder().setInlineString("<tls.key of " + key + ">"));
    }
    return out.build();
  }

  private static String decoded(io.fabric8.kubernetes.api.model.Secret secret, String key) {
    String value = secret.getData() == null ? null : secret.getData().get(key);
    return value == null
        ? null
        : new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
  }
}
