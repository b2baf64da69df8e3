package io.deltachain.trainer.data;

/**
 * One batch of packed sequences: {@code labels[b][t] = next token after inputs[b][t]}.
 *
 * @param inputs token ids {@code [B][T]}
 * @param labels target ids {@code [B][T]}
 */
public record Batch(long[][] inputs, long[][] labels) {

  /** @return batch size */
  public int size() {
    return inputs.length;
  }

  /** @return sequence length */
  public int length() {
    return inputs[0].length;
  }

  /** @return tokens in the batch */
  public long tokens() {
    return (long) size() * length();
  }

  /** @return inputs flattened row-major */
  public long[] flatInputs() {
    return flatten(inputs);
  }

  /** @return labels flattened row-major */
  public long[] flatLabels() {
    return flatten(labels);
  }

  private static long[] flatten(long[][] rows) {
    int t = rows[0].length;
    long[] out = new long[rows.length * t];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * t, t);
    }
    return out;
  }
}
