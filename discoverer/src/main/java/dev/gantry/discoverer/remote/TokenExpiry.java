package dev.gantry.discoverer.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * When a remote's bearer token expires, where it says so: a bound service account token (what
 * {@code link} issues) is a JWT with an {@code exp} claim. The signature is not checked: only the
 * apiserver can, and this is for the operator's gauge, not for trust.
 */
public final class TokenExpiry {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenExpiry() {}

  /** The token's expiry, or empty for no token, a token that is not a JWT, or one without exp. */
  public static Optional<Instant> of(String token) {
    if (token == null) {
      return Optional.empty();
    }
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      JsonNode exp = claims.get("exp");
      return exp != null && exp.canConvertToLong()
          ? Optional.of(Instant.ofEpochSecond(exp.asLong()))
          : Optional.empty();
    } catch (IllegalArgumentException | java.io.IOException notAJwt) {
      return Optional.empty();
    }
  }
}
