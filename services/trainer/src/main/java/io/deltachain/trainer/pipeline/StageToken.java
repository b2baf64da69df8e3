package io.deltachain.trainer.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The shared secret of one deployment's pipeline stages. A stage given a token answers only calls
 * that carry it ({@code authorization: Bearer <token>} in the gRPC metadata), from the coordinator
 * and from the neighbouring stage alike, and sends it on its own calls to the next stage.
 */
public final class StageToken {
  /** The metadata key. */
  static final String HEADER = "authorization";
  private static final int MIN_LENGTH = 16;

  private StageToken() {}

  /**
   * Checks a token's form.
   *
   * @param token the token
   * @param what how errors name it (a config key or an option)
   * @return the token
   * @throws IllegalArgumentException naming what is wrong
   */
  public static String check(String token, String what) {
    if (token == null || token.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(what + " must have at least " + MIN_LENGTH + " characters"
          + (token == null ? "" : ", it has " + token.length()));
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException(what + " may hold printable ASCII characters only, no spaces (character "
            + (i + 1) + " is not)");
      }
    }
    return token;
  }

  /** @return the header value carrying the token */
  static String header(String token) {
    return "Bearer " + token;
  }

  /** @return whether a received header value carries the token (compared in constant time) */
  static boolean matches(String received, String token) {
    return received != null && MessageDigest.isEqual(received.getBytes(StandardCharsets.UTF_8),
        header(token).getBytes(StandardCharsets.UTF_8));
  }
}
