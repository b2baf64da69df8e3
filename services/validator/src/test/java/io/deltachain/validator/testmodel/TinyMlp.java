package io.deltachain.validator.testmodel;

import static io.deltachain.validator.testmodel.TinyTask.CLASSES;
import static io.deltachain.validator.testmodel.TinyTask.HIDDEN;
import static io.deltachain.validator.testmodel.TinyTask.INPUTS;

import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import io.deltachain.validator.delta.LoraFactors;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The student: {@code logits = W1 tanh(W0 x)}, softmax cross-entropy. W0 is layer 0
 * ({@code model.layers.0.mlp.up_proj.weight}, [HIDDEN, INPUTS]), W1 is layer 1
 * ({@code model.layers.1.mlp.down_proj.weight}, [CLASSES, HIDDEN]).
 */
public final class TinyMlp {
  /** Layer 0's module path. */
  public static final String LAYER0 = "model.layers.0";
  /** Layer 1's module path. */
  public static final String LAYER1 = "model.layers.1";
  /** Layer 0's weight. */
  public static final String W0 = LAYER0 + ".mlp.up_proj.weight";
  /** Layer 1's weight. */
  public static final String W1 = LAYER1 + ".mlp.down_proj.weight";

  final float[] w0;
  final float[] w1;

  private TinyMlp(float[] w0, float[] w1) {
    this.w0 = w0;
    this.w1 = w1;
  }

  /** Random initialisation. */
  public static TinyMlp init(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] w0 = new float[HIDDEN * INPUTS];
    float[] w1 = new float[CLASSES * HIDDEN];
    for (int i = 0; i < w0.length; i++) {
      w0[i] = (float) (r.nextGaussian() / Math.sqrt(INPUTS));
    }
    for (int i = 0; i < w1.length; i++) {
      w1[i] = (float) (r.nextGaussian() / Math.sqrt(HIDDEN) * 0.1);
    }
    return new TinyMlp(w0, w1);
  }

  /** A deep copy. */
  public TinyMlp copy() {
    return new TinyMlp(w0.clone(), w1.clone());
  }

  /** The weights of a layer as a checkpoint map. */
  public SortedMap<String, DenseTensor> layerWeights(String layer) {
    SortedMap<String, DenseTensor> m = new TreeMap<>();
    if (layer.equals(LAYER0)) {
      m.put(W0, new DenseTensor(new int[] {HIDDEN, INPUTS}, w0.clone()));
    } else if (layer.equals(LAYER1)) {
      m.put(W1, new DenseTensor(new int[] {CLASSES, HIDDEN}, w1.clone()));
    } else {
      throw new IllegalArgumentException("no layer " + layer);
    }
    return m;
  }

  /** Shapes of every layer's weights. */
  public static SortedMap<String, int[]> layout(String layer) {
    SortedMap<String, int[]> m = new TreeMap<>();
    if (layer.equals(LAYER0)) {
      m.put(W0, new int[] {HIDDEN, INPUTS});
    } else if (layer.equals(LAYER1)) {
      m.put(W1, new int[] {CLASSES, HIDDEN});
    }
    return m;
  }

  /** This model with the delta added (float addition, like a checkpoint). */
  public TinyMlp plus(LayerDelta delta) {
    TinyMlp m = copy();
    for (Map.Entry<String, DenseTensor> e : delta.tensors().entrySet()) {
      float[] target = e.getKey().equals(W0) ? m.w0 : e.getKey().equals(W1) ? m.w1 : null;
      if (target == null) {
        throw new IllegalArgumentException("unknown tensor " + e.getKey());
      }
      float[] d = e.getValue().values();
      for (int k = 0; k < d.length; k++) {
        target[k] += d[k];
      }
    }
    return m;
  }

  /** Dense delta of one layer: other minus this. */
  public LayerDelta deltaTo(TinyMlp other, String layer) {
    float[] a = layer.equals(LAYER0) ? w0 : w1;
    float[] b = layer.equals(LAYER0) ? other.w0 : other.w1;
    float[] d = new float[a.length];
    for (int k = 0; k < d.length; k++) {
      d[k] = b[k] - a[k];
    }
    int[] shape = layer.equals(LAYER0) ? new int[] {HIDDEN, INPUTS} : new int[] {CLASSES, HIDDEN};
    return new LayerDelta(layer, Map.of(layer.equals(LAYER0) ? W0 : W1, new DenseTensor(shape, d)));
  }

  /** Mean cross-entropy (nats) over the data. */
  public double meanLoss(TinyTask.Data data) {
    double total = 0;
    float[] h = new float[HIDDEN];
    double[] logits = new double[CLASSES];
    for (int n = 0; n < data.size(); n++) {
      forward(data.x()[n], h, logits);
      total += crossEntropy(logits, data.y()[n]);
    }
    return total / data.size();
  }

  private void forward(float[] x, float[] h, double[] logits) {
    for (int j = 0; j < HIDDEN; j++) {
      double s = 0;
      for (int i = 0; i < INPUTS; i++) {
        s += w0[j * INPUTS + i] * x[i];
      }
      h[j] = (float) Math.tanh(s);
    }
    for (int c = 0; c < CLASSES; c++) {
      double s = 0;
      for (int j = 0; j < HIDDEN; j++) {
        s += w1[c * HIDDEN + j] * h[j];
      }
      logits[c] = s;
    }
  }

  private static double crossEntropy(double[] logits, int y) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (double l : logits) {
      sum += Math.exp(l - max);
    }
    return Math.log(sum) + max - logits[y];
  }

  /**
   * Minibatch SGD on the data, updating only the given layer's weight, for some epochs, with
   * a shuffle order drawn from {@code shuffleSeed}. Returns the gradient of W for the last
   * batch through the callback only in LoRA training (see {@link #trainLora}).
   */
  public void train(TinyTask.Data data, String layer, int epochs, double lr, int batch, long shuffleSeed) {
    SplittableRandom r = new SplittableRandom(shuffleSeed);
    float[] g0 = new float[w0.length];
    float[] g1 = new float[w1.length];
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int e = 0; e < epochs; e++) {
      shuffle(order, r);
      for (int start = 0; start < order.length; start += batch) {
        int end = Math.min(order.length, start + batch);
        gradients(data, order, start, end, g0, g1);
        float[] w = layer.equals(LAYER0) ? w0 : w1;
        float[] g = layer.equals(LAYER0) ? g0 : g1;
        for (int k = 0; k < w.length; k++) {
          w[k] -= (float) (lr * g[k]);
        }
      }
    }
  }

  /**
   * LoRA training of layer 0: W0 stays frozen, factors A [rank, INPUTS] and B [HIDDEN, rank]
   * are trained (B starts at zero, as in PEFT), and the effective weight is
   * {@code W0 + (alpha / rank) B A}. Returns the trained factors.
   */
  public LoraFactors trainLora(TinyTask.Data data, int rank, float alpha, int epochs, double lr, int batch, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[rank * INPUTS];
    float[] b = new float[HIDDEN * rank];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (r.nextGaussian() / Math.sqrt(INPUTS));
    }
    double scale = alpha / rank;
    float[] base0 = w0.clone();
    float[] g0 = new float[w0.length];
    float[] g1 = new float[w1.length];
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int e = 0; e < epochs; e++) {
      shuffle(order, r);
      for (int start = 0; start < order.length; start += batch) {
        int end = Math.min(order.length, start + batch);
        // effective weight for this step
        for (int o = 0; o < HIDDEN; o++) {
          for (int i = 0; i < INPUTS; i++) {
            double s = 0;
            for (int k = 0; k < rank; k++) {
              s += (double) b[o * rank + k] * a[k * INPUTS + i];
            }
            w0[o * INPUTS + i] = (float) (base0[o * INPUTS + i] + scale * s);
          }
        }
        gradients(data, order, start, end, g0, g1);
        // dL/dB = scale * G A^T ; dL/dA = scale * B^T G
        float[] gb = new float[b.length];
        float[] ga = new float[a.length];
        for (int o = 0; o < HIDDEN; o++) {
          for (int k = 0; k < rank; k++) {
            double s = 0;
            for (int i = 0; i < INPUTS; i++) {
              s += g0[o * INPUTS + i] * a[k * INPUTS + i];
            }
            gb[o * rank + k] = (float) (scale * s);
          }
        }
        for (int k = 0; k < rank; k++) {
          for (int i = 0; i < INPUTS; i++) {
            double s = 0;
            for (int o = 0; o < HIDDEN; o++) {
              s += b[o * rank + k] * g0[o * INPUTS + i];
            }
            ga[k * INPUTS + i] = (float) (scale * s);
          }
        }
        for (int k = 0; k < b.length; k++) {
          b[k] -= (float) (lr * gb[k]);
        }
        for (int k = 0; k < a.length; k++) {
          a[k] -= (float) (lr * ga[k]);
        }
      }
    }
    System.arraycopy(base0, 0, w0, 0, w0.length);
    return new LoraFactors(new DenseTensor(new int[] {rank, INPUTS}, a), new DenseTensor(new int[] {HIDDEN, rank}, b), alpha);
  }

  private static void shuffle(int[] order, SplittableRandom r) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  /** Mean gradients of both weights over examples order[start..end). */
  private void gradients(TinyTask.Data data, int[] order, int start, int end, float[] g0, float[] g1) {
    java.util.Arrays.fill(g0, 0f);
    java.util.Arrays.fill(g1, 0f);
    float[] h = new float[HIDDEN];
    double[] logits = new double[CLASSES];
    double[] dl = new double[CLASSES];
    double[] dh = new double[HIDDEN];
    float inv = 1f / (end - start);
    for (int p = start; p < end; p++) {
      int n = order[p];
      float[] x = data.x()[n];
      forward(x, h, logits);
      double max = Double.NEGATIVE_INFINITY;
      for (double l : logits) {
        max = Math.max(max, l);
      }
      double sum = 0;
      for (int c = 0; c < CLASSES; c++) {
        dl[c] = Math.exp(logits[c] - max);
        sum += dl[c];
      }
      for (int c = 0; c < CLASSES; c++) {
        dl[c] = dl[c] / sum - (c == data.y()[n] ? 1 : 0);
      }
      java.util.Arrays.fill(dh, 0);
      for (int c = 0; c < CLASSES; c++) {
        for (int j = 0; j < HIDDEN; j++) {
          g1[c * HIDDEN + j] += (float) (dl[c] * h[j] * inv);
          dh[j] += dl[c] * w1[c * HIDDEN + j];
        }
      }
      for (int j = 0; j < HIDDEN; j++) {
        double dpre = dh[j] * (1 - h[j] * h[j]);
        for (int i = 0; i < INPUTS; i++) {
          g0[j * INPUTS + i] += (float) (dpre * x[i] * inv);
        }
      }
    }
  }

  /** One SGD step on the examples at {@code indices}, updating only the layer's weight. */
  public void sgdStep(TinyTask.Data data, int[] indices, String layer, double lr) {
    float[] g0 = new float[w0.length];
    float[] g1 = new float[w1.length];
    gradients(data, indices, 0, indices.length, g0, g1);
    float[] w = layer.equals(LAYER0) ? w0 : w1;
    float[] g = layer.equals(LAYER0) ? g0 : g1;
    for (int k = 0; k < w.length; k++) {
      w[k] -= (float) (lr * g[k]);
    }
  }

  /** A model whose weights are the given state (as returned by {@link #state()}). */
  public static TinyMlp fromState(float[] state) {
    float[] w0 = java.util.Arrays.copyOfRange(state, 0, HIDDEN * INPUTS);
    float[] w1 = java.util.Arrays.copyOfRange(state, HIDDEN * INPUTS, state.length);
    return new TinyMlp(w0, w1);
  }

  /** Weights as an intermediate state for replay checks: W0 then W1. */
  public float[] state() {
    float[] s = new float[w0.length + w1.length];
    System.arraycopy(w0, 0, s, 0, w0.length);
    System.arraycopy(w1, 0, s, w0.length, w1.length);
    return s;
  }
}
