package io.deltachain.inference.decode;

/**
 * One decoding stream over a {@link DecoderModel}: a KV cache of the tokens consumed so far. Not
 * thread-safe; one request owns one session.
 */
public interface DecoderSession extends AutoCloseable {
  /** @return tokens consumed so far */
  int length();

  /**
   * Consumes tokens in one forward pass.
   *
   * @param tokens tokens to append (at least one)
   * @return logits after each appended token, {@code [tokens.length][vocab]}: row i predicts the
   *     token following {@code tokens[i]}
   */
  float[][] append(int[] tokens);

  /**
   * Forgets the tokens from position {@code length} on.
   *
   * @param length tokens to keep, at most {@link #length()}
   */
  void truncate(int length);

  @Override
  void close();
}
