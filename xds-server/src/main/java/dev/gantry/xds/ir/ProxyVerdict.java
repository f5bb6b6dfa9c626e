package dev.gantry.xds.ir;

import dev.gantry.api.crd.contour.HTTPProxyStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the compiler concluded about one HTTPProxy, in Contour's terms: {@code valid}, {@code
 * invalid} or {@code orphaned}, with errors (type, reason, message) and warnings (input ignored
 * without making the proxy invalid).
 */
public record ProxyVerdict(
    String namespace,
    String name,
    long generation,
    String currentStatus,
    String description,
    List<Error> errors,
    List<Error> warnings) {
  public static final String VALID = "valid";
  public static final String INVALID = "invalid";
  public static final String ORPHANED = "orphaned";

  // Error types of Contour's Valid condition.
  public static final String SPEC_ERROR = "SpecError";
  public static final String VIRTUAL_HOST_ERROR = "VirtualHostError";
  public static final String ROUTE_ERROR = "RouteError";
  public static final String SERVICE_ERROR = "ServiceError";
  public static final String INCLUDE_ERROR = "IncludeError";
  public static final String TLS_ERROR = "TLSError";
  public static final String TCP_PROXY_ERROR = "TCPProxyError";
  public static final String TCP_PROXY_INCLUDE_ERROR = "TCPProxyIncludeError";
  public static final String CORS_ERROR = "CORSError";
  public static final String AUTH_ERROR = "AuthError";
  public static final String JWT_VERIFICATION_ERROR = "JWTVerificationError";
  public static final String ORPHANED_ERROR = "Orphaned";

  public ProxyVerdict {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
  }

  /** A verdict without warnings. */
  public ProxyVerdict(
      String namespace,
      String name,
      long generation,
      String currentStatus,
      String description,
      List<Error> errors) {
    this(namespace, name, generation, currentStatus, description, errors, List.of());
  }

  /**
   * The verdict on a proxy that does not read into our model ({@code problem} names the field):
   * invalid, never served, whatever else it holds.
   */
  public static ProxyVerdict unreadable(
      String namespace, String name, long generation, String problem) {
    Error error = new Error(SPEC_ERROR, "FieldInvalid", problem + "; the proxy is not served");
    return new ProxyVerdict(namespace, name, generation, INVALID, error.message(), List.of(error));
  }

  public boolean valid() {
    return VALID.equals(currentStatus);
  }

  public String key() {
    return namespace + "/" + name;
  }

  /**
   * One reason a proxy is not valid: a Contour error type like {@link #ROUTE_ERROR}, a reason, a
   * message.
   */
  public record Error(String type, String reason, String message) {}

  /**
   * The HTTPProxy status that says this verdict, as Contour writes it; the transition time is kept
   * when the condition did not change.
   */
  public HTTPProxyStatus status(HTTPProxyStatus previous, String now) {
    HTTPProxyStatus status = new HTTPProxyStatus();
    status.setCurrentStatus(currentStatus());
    status.setDescription(description());
    status.setConditions(
        List.of(
            validCondition(
                "HTTPProxy",
                valid(),
                generation(),
                errors(),
                warnings(),
                previous == null ? null : previous.getConditions(),
                now)));
    // The addresses are not the verdict's: kept as they were, as Contour keeps them.
    status.setLoadBalancer(previous == null ? null : previous.getLoadBalancer());
    return status;
  }

  /**
   * Contour's {@code Valid} condition of an object of {@code kind} ({@code Valid <kind>} when
   * valid), with its errors and warnings; the transition time of the {@code previous} one is kept
   * when the status did not change.
   */
  public static HTTPProxyStatus.DetailedCondition validCondition(
      String kind,
      boolean isValid,
      long generation,
      List<Error> errorList,
      List<Error> warningList,
      List<HTTPProxyStatus.DetailedCondition> previous,
      String now) {
    HTTPProxyStatus.DetailedCondition valid = new HTTPProxyStatus.DetailedCondition();
    valid.setType("Valid");
    valid.setStatus(isValid ? "True" : "False");
    valid.setObservedGeneration(generation);
    valid.setReason(isValid ? "Valid" : "ErrorPresent");
    valid.setMessage(
        isValid ? "Valid " + kind : "At least one error present, see Errors for details");
    List<HTTPProxyStatus.SubCondition> errors = new ArrayList<>();
    for (Error e : errorList) {
      errors.add(new HTTPProxyStatus.SubCondition(e.type(), e.reason(), e.message()));
    }
    valid.setErrors(errors);
    List<HTTPProxyStatus.SubCondition> warnings = new ArrayList<>();
    for (Error w : warningList) {
      warnings.add(new HTTPProxyStatus.SubCondition(w.type(), w.reason(), w.message()));
    }
    valid.setWarnings(warnings);
    HTTPProxyStatus.DetailedCondition before =
        previous == null
            ? null
            : previous.stream().filter(c -> "Valid".equals(c.getType())).findFirst().orElse(null);
    valid.setLastTransitionTime(
        before != null
                && Objects.equals(before.getStatus(), valid.getStatus())
                && before.getLastTransitionTime() != null
            ? before.getLastTransitionTime()
            : now);
    return valid;
  }
}
