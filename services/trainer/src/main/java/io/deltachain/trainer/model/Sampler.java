package io.deltachain.trainer.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Turns logits into the distribution a decoder samples from (temperature, top-k, top-p) and draws
 * from it. Shared by plain and speculative decoding, so both sample from exactly the same
 * distribution. Temperature 0 means greedy: the distribution puts all mass on the arg-max (the
 * lowest id on ties).
 *
 * @param temperature 0 for greedy, else the softmax temperature
 * @param topK keep the k most likely tokens (0 = all)
 * @param topP keep the smallest set of most likely tokens whose mass reaches p (1 = all)
 */
public record Sampler(double temperature, int topK, double topP) {
  /** Greedy decoding. */
  public static final Sampler GREEDY = new Sampler(0, 0, 1);

  /** Validates the settings. */
  public Sampler {
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("top_k must be >= 0 (0 = no limit), got " + topK);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
    }
  }

  /** @return whether this is greedy decoding */
  public boolean greedy() {
    return temperature == 0;
  }

  /**
   * The distribution to sample from.
   *
   * @param logits one position's logits
   * @return probabilities summing to 1 (exactly one 1.0 for greedy)
   */
  public double[] distribution(float[] logits) {
    int v = logits.length;
    double[] p = new double[v];
    if (greedy()) {
      p[argmax(logits)] = 1.0;
      return p;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (int i = 0; i < v; i++) {
      p[i] = Math.exp((logits[i] - max) / temperature);
      sum += p[i];
    }
    for (int i = 0; i < v; i++) {
      p[i] /= sum;
    }
    if ((topK == 0 || topK >= v) && topP >= 1) {
      return p;
    }
    Integer[] order = new Integer[v];
    for (int i = 0; i < v; i++) {
      order[i] = i;
    }
    // Most likely first, lower id first on ties, so the kept set is well defined.
    Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
    int keep = topK == 0 ? v : Math.min(topK, v);
    double mass = 0;
    for (int i = 0; i < keep; i++) {
      mass += p[order[i]];
      if (mass >= topP) {
        keep = i + 1;
        break;
      }
    }
    double[] out = new double[v];
    double kept = 0;
    for (int i = 0; i < keep; i++) {
      kept += p[order[i]];
    }
    for (int i = 0; i < keep; i++) {
      out[order[i]] = p[order[i]] / kept;
    }
    return out;
  }

  /**
   * Draws one token.
   *
   * @param logits one position's logits
   * @param random the random source (unused when greedy)
   * @return the token id
   */
  public int sample(float[] logits, SplittableRandom random) {
    return greedy() ? argmax(logits) : draw(distribution(logits), random);
  }

  /**
   * Draws from a distribution by inversion.
   *
   * @param p probabilities (need not be normalised; must have positive mass)
   * @param random the random source
   * @return an index with probability proportional to {@code p}
   */
  public static int draw(double[] p, SplittableRandom random) {
    double sum = 0;
    int last = -1;
    for (int i = 0; i < p.length; i++) {
      sum += p[i];
      if (p[i] > 0) {
        last = i;
      }
    }
    if (last < 0) {
      throw new IllegalArgumentException("cannot sample from a distribution without mass");
    }
    double u = random.nextDouble() * sum;
    for (int i = 0; i < p.length; i++) {
      u -= p[i];
      if (u < 0) {
        return i;
      }
    }
    return last;
  }

  /**
   * @param logits one position's logits
   * @return the index of the largest logit, the lowest on ties
   */
  public static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }
}
