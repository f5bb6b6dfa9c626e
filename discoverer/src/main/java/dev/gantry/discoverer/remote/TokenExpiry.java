package dev.gantry.discoverer.remote;

import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * When a remote's bearer token expires, where it says so: a bound service account token (what
 * {@code link} issues) is a JWT with an {@code exp} claim. The signature is not checked: only the
 * apiserver can, and this is for the operator's gauge, not for trust.
 */
public final class TokenExpiry {
  private static final ObjectMapper JSON = JsonMapper.shared();

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
    } catch (IllegalArgumentException | JacksonException notAJwt) {
      return Optional.empty();
    }
  }
}
