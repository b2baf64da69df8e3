package io.deltachain.launcher.wiring;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.train.TrainingSession;
import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import io.deltachain.validator.verdict.DataSplit;
import io.deltachain.validator.verdict.LayerLayout;
import io.deltachain.validator.verdict.LossEvaluator;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The validator's loss measurement on the trainer module's DJL model: the round's base model (the
 * seed base with the round's declared layer checkpoints loaded, see {@link ValidatorRounds}), with
 * a layer delta added to its weights for one measurement and removed afterwards. Base losses are
 * cached per split. One instance per validator and round (it owns a model); calls are serialized,
 * and every evaluation holds the JVM's {@link TorchGate}.
 */
public final class ModelLossEvaluator implements LossEvaluator, LayerLayout, AutoCloseable {
  private final CausalLm model;
  private final EvalData data;
  private final Map<String, float[]> base = new HashMap<>();
  private final Map<String, int[]> shapes = new HashMap<>();
  private final Map<DataSplit, Double> baseLosses = new HashMap<>();

  /**
   * @param profile the model profile
   * @param baseSeed the base model's seed ({@code random:<seed>} base checkpoints)
   * @param data the round's data splits
   */
  public ModelLossEvaluator(ModelProfile profile, int baseSeed, EvalData data) {
    this(new CausalLm(profile, Device.cpu(), baseSeed), data);
  }

  /**
   * @param model the round's base model, as it is before any delta of the round (owned: closed with this)
   * @param data the round's data splits
   */
  public ModelLossEvaluator(CausalLm model, EvalData data) {
    this.model = model;
    this.data = data;
    model.parameters().forEach((name, p) -> {
      long[] s = p.getArray().getShape().getShape();
      int[] shape = new int[s.length];
      for (int i = 0; i < s.length; i++) {
        shape[i] = Math.toIntExact(s[i]);
      }
      shapes.put(name, shape);
      base.put(name, p.getArray().toFloatArray());
    });
  }

  /** The base tensors of one layer (module path {@code model.layers.N}), by full weight name. */
  public synchronized SortedMap<String, DenseTensor> baseWeights(String layer) {
    SortedMap<String, DenseTensor> out = new TreeMap<>();
    base.forEach((name, values) -> {
      if (name.startsWith(layer + ".")) {
        out.put(name, new DenseTensor(shapes.get(name).clone(), values.clone()));
      }
    });
    return out;
  }

  @Override
  public synchronized SortedMap<String, int[]> shapes(String layer) {
    SortedMap<String, int[]> out = new TreeMap<>();
    shapes.forEach((name, s) -> {
      if (name.startsWith(layer + ".")) {
        out.put(name, s.clone());
      }
    });
    return out;
  }

  @Override
  public synchronized double baseLoss(DataSplit split) {
    Double known = baseLosses.get(split);
    if (known != null) {
      return known;
    }
    double loss = TorchGate.hold(() -> TrainingSession.evaluate(model, data.batches(split)));
    baseLosses.put(split, loss);
    return loss;
  }

  @Override
  public synchronized double lossWithDelta(LayerDelta delta, DataSplit split) {
    return TorchGate.hold(() -> {
      try {
        apply(delta, 1f);
        return TrainingSession.evaluate(model, data.batches(split));
      } finally {
        restore(delta);
      }
    });
  }

  private void apply(LayerDelta delta, float sign) {
    for (Map.Entry<String, DenseTensor> e : delta.tensors().entrySet()) {
      float[] w = base.get(e.getKey());
      if (w == null) {
        throw new IllegalArgumentException("the model has no tensor " + e.getKey());
      }
      float[] d = e.getValue().values();
      float[] sum = new float[w.length];
      for (int i = 0; i < w.length; i++) {
        sum[i] = w[i] + sign * d[i];
      }
      model.setWeight(e.getKey(), sum, shapeOf(e.getKey()));
    }
  }

  private void restore(LayerDelta delta) {
    for (String name : delta.tensors().keySet()) {
      if (base.containsKey(name)) {
        model.setWeight(name, base.get(name), shapeOf(name));
      }
    }
  }

  private Shape shapeOf(String name) {
    int[] s = shapes.get(name);
    long[] l = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      l[i] = s[i];
    }
    return new Shape(l);
  }

  @Override
  public synchronized void close() {
    model.close();
  }
}
