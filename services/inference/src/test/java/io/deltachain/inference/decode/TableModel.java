package io.deltachain.inference.decode;

import java.util.ArrayList;
import java.util.List;

/**
 * A bigram language model in plain Java: the logits of the next token depend only on the last
 * token, through a fixed table. Small enough that exact sequence probabilities are known, which
 * is what the statistical test of speculative sampling needs. (Beside, not instead of, the DJL
 * model tests.)
 */
final class TableModel implements DecoderModel {
  private final String name;
  private final float[][] logits;
  private final long parameters;

  TableModel(String name, float[][] logits, long parameters) {
    this.name = name;
    this.logits = logits;
    this.parameters = parameters;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int vocabSize() {
    return logits.length;
  }

  @Override
  public long parameterCount() {
    return parameters;
  }

  @Override
  public int maxPositions() {
    return 4096;
  }

  float[] row(int previous) {
    return logits[previous].clone();
  }

  @Override
  public DecoderSession open() {
    return new DecoderSession() {
      private final List<Integer> seen = new ArrayList<>();

      @Override
      public int length() {
        return seen.size();
      }

      @Override
      public float[][] append(int[] tokens) {
        float[][] out = new float[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
          seen.add(tokens[i]);
          out[i] = row(tokens[i]);
        }
        return out;
      }

      @Override
      public void truncate(int length) {
        if (length > seen.size()) {
          throw new IllegalArgumentException("truncate beyond length");
        }
        while (seen.size() > length) {
          seen.remove(seen.size() - 1);
        }
      }

      @Override
      public void close() {
      }
    };
  }
}
