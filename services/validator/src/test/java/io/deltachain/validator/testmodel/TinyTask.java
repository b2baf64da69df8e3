package io.deltachain.validator.testmodel;

import java.util.SplittableRandom;

/**
 * The synthetic task: inputs x ~ N(0, I) of dimension {@link #INPUTS}, labels from a fixed
 * random teacher MLP (argmax of its logits), with a fraction of labels replaced by random ones
 * so that a small shard has idiosyncrasies a trainer can fit (which Templar's shard-versus-
 * random check relies on). Every data set is a pure function of its seed.
 */
public final class TinyTask {
  /** Input dimension. */
  public static final int INPUTS = 24;
  /** Student hidden width. */
  public static final int HIDDEN = 32;
  /** Number of classes. */
  public static final int CLASSES = 6;
  /** Fraction of labels replaced at random. */
  public static final double LABEL_NOISE = 0.15;
  /** Examples per training shard. */
  public static final int SHARD_SIZE = 128;

  private static final int TEACHER_HIDDEN = 16;
  private final float[] t0;
  private final float[] t1;
  private final long datasetSeed;

  /** A labelled batch. */
  public record Data(float[][] x, int[] y) {
    /** Number of examples. */
    public int size() {
      return y.length;
    }
  }

  /** The task of the given dataset seed (the teacher is fixed by the seed too). */
  public TinyTask(long datasetSeed) {
    this.datasetSeed = datasetSeed;
    SplittableRandom r = new SplittableRandom(datasetSeed ^ 0x7EAC4E5L);
    t0 = new float[TEACHER_HIDDEN * INPUTS];
    t1 = new float[CLASSES * TEACHER_HIDDEN];
    for (int i = 0; i < t0.length; i++) {
      t0[i] = (float) (r.nextGaussian() / Math.sqrt(INPUTS) * 2.0);
    }
    for (int i = 0; i < t1.length; i++) {
      t1[i] = (float) (r.nextGaussian() / Math.sqrt(TEACHER_HIDDEN) * 3.0);
    }
  }

  /** {@code count} fresh examples drawn with the given seed. */
  public Data sample(long seed, int count) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + datasetSeed);
    float[][] x = new float[count][INPUTS];
    int[] y = new int[count];
    float[] h = new float[TEACHER_HIDDEN];
    for (int n = 0; n < count; n++) {
      for (int i = 0; i < INPUTS; i++) {
        x[n][i] = (float) r.nextGaussian();
      }
      for (int j = 0; j < TEACHER_HIDDEN; j++) {
        double s = 0;
        for (int i = 0; i < INPUTS; i++) {
          s += t0[j * INPUTS + i] * x[n][i];
        }
        h[j] = (float) Math.tanh(s);
      }
      int best = 0;
      double bestLogit = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < CLASSES; c++) {
        double s = 0;
        for (int j = 0; j < TEACHER_HIDDEN; j++) {
          s += t1[c * TEACHER_HIDDEN + j] * h[j];
        }
        if (s > bestLogit) {
          bestLogit = s;
          best = c;
        }
      }
      y[n] = r.nextDouble() < LABEL_NOISE ? r.nextInt(CLASSES) : best;
    }
    return new Data(x, y);
  }

  /** Training shard i. */
  public Data shard(int index) {
    return sample(1_000_003L * (index + 1), SHARD_SIZE);
  }

  /** The round's evaluation set for an eval seed. */
  public Data evalSet(long evalSeed) {
    return sample(0x5EEDL ^ (evalSeed * 31 + 7), 2000);
  }
}
