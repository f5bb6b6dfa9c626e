package dev.gantry.xds.compile.httpproxy;

import dev.gantry.api.crd.contour.DownstreamValidation;
import dev.gantry.api.crd.contour.HTTPProxy;
import dev.gantry.api.crd.contour.TLS;
import dev.gantry.xds.compile.Delegations;
import dev.gantry.xds.ir.ProxyVerdict;
import dev.gantry.xds.ir.VirtualHostTls;
import dev.gantry.xds.tls.TlsSecrets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Compiles a terminated host's {@code tls.clientValidation} with Contour's TLSError reasons
 * (ClientValidationInvalid, DelegationNotPermitted). Pure: Secrets come in as validated outcomes.
 */
final class ClientValidations {
  private static final String INVALID = "ClientValidationInvalid";
  private static final String PREFIX = "Spec.VirtualHost.TLS client validation is invalid: ";

  private ClientValidations() {}

  /**
   * The client validation of {@code tls} (which has one), or null after adding why not to {@code
   * errors}; fields it ignores go to {@code warnings}.
   */
  static VirtualHostTls.ClientValidation compile(
      HTTPProxy p,
      TLS tls,
      Map<String, TlsSecrets.Outcome> secrets,
      Delegations delegations,
      List<ProxyVerdict.Error> errors,
      Collection<ProxyVerdict.Error> warnings) {
    DownstreamValidation cv = tls.getClientValidation();
    String ns = p.getMetadata().getNamespace();
    boolean skip = Boolean.TRUE.equals(cv.getSkipClientCertValidation());
    List<ProxyVerdict.Error> found = new ArrayList<>();
    String caKey = null;
    String caPem = null;
    if (!SecretRefs.isBlank(cv.getCaSecret())) {
      caKey = delegations.key(cv.getCaSecret(), ns);
      caPem = pem("CA", cv.getCaSecret(), caKey, ns, secrets, TlsSecrets.Outcome::ca, found);
    } else if (!skip) {
      found.add(tlsError(INVALID, PREFIX + "CA Secret must be specified"));
    }
    String crlKey = null;
    String crlPem = null;
    if (!SecretRefs.isBlank(cv.getCrlSecret())) {
      crlKey = delegations.key(cv.getCrlSecret(), ns);
      crlPem = pem("CRL", cv.getCrlSecret(), crlKey, ns, secrets, TlsSecrets.Outcome::crl, found);
      if (SecretRefs.isBlank(cv.getCaSecret()) && skip) {
        // Contour lets this through; Envoy refuses a revocation list without trusted CAs ("Failed
        // to load CRL ... without trusted CA") and with it the whole listener update.
        found.add(
            tlsError(
                INVALID,
                PREFIX
                    + "a CRL Secret needs a CA Secret: Envoy checks revocation lists against the"
                    + " CAs it trusts"));
      }
    } else if (Boolean.TRUE.equals(cv.getCrlOnlyVerifyLeafCert())) {
      warnings.add(
          tlsError(
              "IgnoredField",
              "Spec.VirtualHost.TLS.ClientValidation.CRLOnlyVerifyLeafCert is ignored without"
                  + " CRLSecret: there is no revocation list to check"));
    }
    if (!found.isEmpty()) {
      errors.addAll(found);
      return null;
    }
    return new VirtualHostTls.ClientValidation(
        caKey == null ? null : VirtualHostTls.TrustBundle.of(caKey, caPem, crlKey, crlPem),
        skip,
        Boolean.TRUE.equals(cv.getOptionalClientCertificate()),
        crlKey != null && Boolean.TRUE.equals(cv.getCrlOnlyVerifyLeafCert()),
        forwarded(cv.getForwardClientCertificate()));
  }

  /**
   * The PEM that {@code part} takes from the Secret written {@code written} (at {@code key}, null
   * when in another namespace), or null after adding Contour's error for it to {@code errors}.
   */
  private static String pem(
      String kind,
      String written,
      String key,
      String ns,
      Map<String, TlsSecrets.Outcome> secrets,
      Function<TlsSecrets.Outcome, TlsSecrets.Pem> part,
      List<ProxyVerdict.Error> errors) {
    if (key == null) {
      errors.add(
          tlsError(
              "DelegationNotPermitted",
              "Spec.VirtualHost.TLS "
                  + kind
                  + " Secret \""
                  + written
                  + "\" is invalid: Certificate delegation not permitted"
                  + Delegations.howToDelegate(written, ns)));
      return null;
    }
    TlsSecrets.Pem pem = part.apply(secrets.getOrDefault(key, TlsSecrets.NOT_FOUND));
    if (pem.error() != null) {
      errors.add(
          tlsError(
              INVALID, PREFIX + "invalid " + kind + " Secret \"" + key + "\": " + pem.error()));
      return null;
    }
    return pem.pem();
  }

  private static VirtualHostTls.ForwardedDetails forwarded(
      DownstreamValidation.ClientCertificateDetails details) {
    if (details == null) {
      return null;
    }
    return new VirtualHostTls.ForwardedDetails(
        Boolean.TRUE.equals(details.getSubject()),
        Boolean.TRUE.equals(details.getCert()),
        Boolean.TRUE.equals(details.getChain()),
        Boolean.TRUE.equals(details.getDns()),
        Boolean.TRUE.equals(details.getUri()));
  }

  private static ProxyVerdict.Error tlsError(String reason, String message) {
    return new ProxyVerdict.Error(ProxyVerdict.TLS_ERROR, reason, message);
  }
}
