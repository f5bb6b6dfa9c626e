package dev.gantry.cli.check;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** When a ServiceAccount token expires, read from its JWT payload (not verified: only shown). */
final class Tokens {
  private static final ObjectMapper JSON = JsonMapper.shared();

  private Tokens() {}

  /** The {@code exp} claim of {@code token}; empty for a token that is no JWT or has none. */
  static Optional<Instant> expiry(String token) {
    if (token == null) {
      return Optional.empty();
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
      JsonNode exp = JSON.readTree(new String(payload, StandardCharsets.UTF_8)).get("exp");
      return exp != null && exp.canConvertToLong()
          ? Optional.of(Instant.ofEpochSecond(exp.asLong()))
          : Optional.empty();
    } catch (IllegalArgumentException | JacksonException e) {
      return Optional.empty();
    }
  }
}
