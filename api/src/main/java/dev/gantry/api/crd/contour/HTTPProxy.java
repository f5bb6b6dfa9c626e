package dev.gantry.api.crd.contour;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Contour's HTTPProxy ({@code projectcontour.io/v1}), the subset Gantry serves. Field names and
 * shapes follow Contour's CRD so existing HTTPProxies apply unchanged.
 */
@Group("projectcontour.io")
@Version("v1")
@Kind("HTTPProxy")
@Plural("httpproxies")
@ShortNames({"proxy", "proxies"})
@AdditionalPrinterColumn(
    name = "FQDN",
    jsonPath = ".spec.virtualhost.fqdn",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Status",
    jsonPath = ".status.currentStatus",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Status Description",
    jsonPath = ".status.description",
    type = AdditionalPrinterColumn.Type.STRING)
public class HTTPProxy extends CustomResource<HTTPProxySpec, HTTPProxyStatus>
    implements Namespaced {
  public static final String CRD_NAME = "httpproxies.projectcontour.io";
  private static final long serialVersionUID = 1L;
}
