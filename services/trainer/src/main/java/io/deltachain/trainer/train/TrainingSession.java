package io.deltachain.trainer.train;

import io.deltachain.core.profile.TrainingMode;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.data.BatchSource;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.CausalLmLoss;
import io.deltachain.trainer.model.Scalars;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One training run over a model: sets up the mode (freezing, adapters, quantised base), then
 * performs optimizer steps of {@code gradientAccumulation} micro-batches each. Forward and
 * backward of a micro-batch run on the calling thread inside one gradient collector (grad mode is
 * thread-local and only one collector may be open per JVM), so one session trains at a time.
 */
public final class TrainingSession implements AutoCloseable {
  /** Only one DJL gradient collector may be open per JVM. */
  private static final Object COLLECTOR_LOCK = new Object();

  private final CausalLm model;
  private final TrainingConfig config;
  private final BatchSource data;
  private final AdamW optimizer;
  private final LossScaler lossScaler;
  private final int firstLayer;
  private final int lastLayer;
  private int step;
  private long tokens;

  /**
   * Prepares a model for a run: attaches LoRA adapters (and quantises the base for QLoRA) on the
   * assigned layers and freezes everything the mode does not train.
   *
   * @param model the model (modified)
   * @param config the run's settings
   * @param data the training batches
   * @param quantizer the base quantiser for QLORA (from the core library), ignored otherwise
   */
  public TrainingSession(CausalLm model, TrainingConfig config, BatchSource data, CausalLm.Quantizer quantizer) {
    this(model, config, data, quantizer, false);
  }

  /**
   * As the public constructor; {@code allowCpuFp16} lets tests exercise the fp16 path on CPU,
   * which is slow but runs the same casts and loss scaling as CUDA.
   */
  TrainingSession(CausalLm model, TrainingConfig config, BatchSource data, CausalLm.Quantizer quantizer,
      boolean allowCpuFp16) {
    this.model = model;
    this.config = config;
    this.data = data;
    int layers = model.spec().numLayers();
    this.firstLayer = config.hasLayerRange() ? config.firstLayer() : 0;
    this.lastLayer = config.hasLayerRange() ? config.lastLayer() : layers - 1;
    if (lastLayer >= layers) {
      throw new IllegalArgumentException("layer range [" + firstLayer + ", " + lastLayer + "] exceeds the "
          + layers + " layers of " + model.spec().name());
    }
    if (config.mixedPrecision()) {
      if (model.device().getDeviceType().equals(Device.Type.CPU) && !allowCpuFp16) {
        throw new IllegalArgumentException("fp16 mixed precision needs a CUDA device; train fp32 on CPU");
      }
      model.setComputeType(DataType.FLOAT16);
      lossScaler = new LossScaler(65536, 2000);
    } else {
      lossScaler = null;
    }
    if (config.mode() == TrainingMode.QLORA) {
      if (quantizer == null) {
        throw new IllegalArgumentException("QLORA needs a base quantiser");
      }
      model.quantizeBase(quantizer, firstLayer, lastLayer);
    }
    if (config.mode().isLora() && model.lora() == null) {
      model.attachLora(config.lora(), firstLayer, lastLayer, (int) config.seed() + 1000);
    }
    applyTrainable();
    optimizer = new AdamW(model.manager(), config.beta1(), config.beta2(), config.epsilon(), config.weightDecay());
  }

  /** @return optimizer steps completed */
  public int step() {
    return step;
  }

  /** @return tokens processed */
  public long tokens() {
    return tokens;
  }

  /** @return the model */
  public CausalLm model() {
    return model;
  }

  /** @return the settings */
  public TrainingConfig config() {
    return config;
  }

  /** @return the loss scaler in fp16 runs, else null */
  public LossScaler lossScaler() {
    return lossScaler;
  }

  /** @return first layer of the assignment */
  public int firstLayer() {
    return firstLayer;
  }

  /** @return last layer of the assignment */
  public int lastLayer() {
    return lastLayer;
  }

  /**
   * Which tensors the mode trains at a given step.
   *
   * @param atStep 0-based step
   * @return sorted HF names
   */
  public Set<String> trainableNames(int atStep) {
    Set<String> out = new TreeSet<>();
    for (String name : model.parameters().keySet()) {
      if (isTrainable(name, atStep)) {
        out.add(name);
      }
    }
    return out;
  }

  private boolean isTrainable(String name, int atStep) {
    boolean adapter = name.contains(".lora_");
    if (config.mode().isLora()) {
      return adapter;
    }
    if (adapter) {
      return false;
    }
    int layer = CausalLm.layerOf(name);
    boolean wholeModel = !config.hasLayerRange();
    if (config.mode() == TrainingMode.FULL) {
      return layer < 0 ? wholeModel : layer >= firstLayer && layer <= lastLayer;
    }
    // STAGED: unfreeze from the top of the range downwards, one more layer per interval.
    int unfrozen = config.stagedInitialLayers() + atStep / config.stagedUnfreezeEvery();
    int lowest = Math.max(firstLayer, lastLayer - unfrozen + 1);
    if (layer >= 0) {
      return layer >= lowest && layer <= lastLayer;
    }
    if (!wholeModel) {
      return false;
    }
    return name.equals(CausalLm.EMBED) ? lowest == firstLayer : true;
  }

  private void applyTrainable() {
    model.setTrainable(name -> isTrainable(name, step));
  }

  /**
   * Runs one optimizer step.
   *
   * @return what happened
   */
  public StepResult trainStep() {
    if (config.mode() == TrainingMode.STAGED) {
      applyTrainable();
    }
    Map<String, Parameter> trainable = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
      if (e.getValue().requiresGradient()) {
        trainable.put(e.getKey(), e.getValue());
      }
    }
    if (trainable.isEmpty()) {
      throw new IllegalStateException("nothing to train: the mode and layer range leave every tensor frozen");
    }
    int accumulation = config.gradientAccumulation();
    double scale = lossScaler == null ? 1.0 : lossScaler.scale();
    double lossSum = 0;
    long stepTokens = 0;
    synchronized (COLLECTOR_LOCK) {
      for (int micro = 0; micro < accumulation; micro++) {
        Batch batch = data.next();
        // Dropout draws from torch's global generator: reseeding per micro-batch makes the
        // random state a function of (seed, position), so a resumed run replays it exactly.
        long microSeed = config.seed() * 1_000_003L + (long) step * accumulation + micro;
        Engine.getInstance().setRandomSeed((int) microSeed);
        try (NDManager stepManager = model.manager().newSubManager();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray inputs = stepManager.create(batch.flatInputs(), new Shape(batch.size(), batch.length()));
          NDArray labels = stepManager.create(batch.flatLabels(), new Shape(batch.size(), batch.length()));
          if (config.activationCheckpointing()) {
            // Each layer's dropout draws from a seed of its own, the same in forward and recomputation.
            lossSum += model.checkpointedBackward(inputs, labels, scale / accumulation, collector,
                layer -> Engine.getInstance().setRandomSeed((int) (microSeed * 1_009L + layer + 1)));
          } else {
            NDArray loss = CausalLmLoss.crossEntropy(model.forward(inputs, null, true), labels);
            lossSum += loss.getFloat();
            collector.backward(Scalars.mul(loss, scale / accumulation));
          }
        }
        stepTokens += batch.tokens();
      }
    }
    double lr = config.schedule().at(step);
    ClipResult clip = clipGradients(trainable, 1.0 / scale);
    if (lossScaler != null) {
      // The gradients live on the fp16 working copies; they are now fp32 copies in clip.
      model.refreshHalfCopies();
    }
    boolean apply = lossScaler == null || lossScaler.update(clip.finite);
    for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
      NDArray weight = e.getValue().getArray();
      NDArray grad = clip.gradients.get(e.getKey());
      if (apply) {
        optimizer.update(e.getKey(), weight, grad, lr, weight.getShape().dimension() > 1);
      } else {
        grad.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
      }
      grad.close();
    }
    step++;
    tokens += stepTokens;
    return new StepResult(step, lossSum / accumulation, clip.globalNorm, lr, stepTokens, apply);
  }

  record ClipResult(Map<String, NDArray> gradients, double globalNorm, boolean finite) {
  }

  /**
   * Unscales, then clips per layer, then globally. Norms are reduced on the device and read back
   * in one transfer; the factors are applied in place to the gradient (which shares storage with
   * the parameter's {@code .grad}).
   */
  ClipResult clipGradients(Map<String, Parameter> trainable, double unscale) {
    Map<String, NDArray> grads = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(trainable.keySet());
    float[] sq;
    try (NDManager tmp = model.manager().newSubManager()) {
      NDList squares = new NDList(names.size());
      for (String name : names) {
        NDArray g;
        if (lossScaler != null) {
          NDArray half = model.halfCopy(trainable.get(name)).getGradient();
          g = half.toType(DataType.FLOAT32, true);
          half.close();
        } else {
          g = trainable.get(name).getArray().getGradient();
        }
        grads.put(name, g);
        // g belongs to the model's manager, so would its square: move it to tmp before reducing.
        NDArray square = g.square();
        square.attach(tmp);
        NDArray s = square.sum();
        squares.add(s);
      }
      NDArray all = NDArrays.stack(squares);
      all.attach(tmp);
      sq = all.toFloatArray();
    }
    double u2 = unscale * unscale;
    Map<Integer, Double> layerSq = new TreeMap<>();
    double total = 0;
    boolean finite = true;
    for (int i = 0; i < names.size(); i++) {
      double v = sq[i] * u2;
      finite &= Double.isFinite(v);
      layerSq.merge(CausalLm.layerOf(names.get(i)), v, Double::sum);
      total += v;
    }
    double globalNorm = Math.sqrt(total);
    if (!finite) {
      return new ClipResult(grads, globalNorm, false);
    }
    Map<Integer, Double> layerFactor = new TreeMap<>();
    double clippedTotal = 0;
    for (Map.Entry<Integer, Double> e : layerSq.entrySet()) {
      double norm = Math.sqrt(e.getValue());
      double f = config.maxLayerGradNorm() > 0 && norm > config.maxLayerGradNorm()
          ? config.maxLayerGradNorm() / (norm + 1e-6)
          : 1.0;
      layerFactor.put(e.getKey(), f);
      clippedTotal += e.getValue() * f * f;
    }
    double clippedNorm = Math.sqrt(clippedTotal);
    double globalFactor = config.maxGradNorm() > 0 && clippedNorm > config.maxGradNorm()
        ? config.maxGradNorm() / (clippedNorm + 1e-6)
        : 1.0;
    for (String name : names) {
      double f = unscale * layerFactor.get(CausalLm.layerOf(name)) * globalFactor;
      if (f != 1.0) {
        // Outside the graph, so DJL's Number overload is safe here (see Scalars).
        grads.get(name).muli((float) f);
      }
    }
    return new ClipResult(grads, globalNorm, true);
  }

  /**
   * Mean loss over batches without gradients or dropout.
   *
   * @param batches evaluation batches
   * @return mean cross entropy
   */
  public double evaluate(List<Batch> batches) {
    return evaluate(model, batches);
  }

  /**
   * Mean loss of a model over batches, without gradients or dropout.
   *
   * @param model the model
   * @param batches evaluation batches
   * @return mean cross entropy
   */
  public static double evaluate(CausalLm model, List<Batch> batches) {
    double sum = 0;
    for (Batch b : batches) {
      try (NDManager m = model.manager().newSubManager()) {
        NDArray inputs = m.create(b.flatInputs(), new Shape(b.size(), b.length()));
        NDArray labels = m.create(b.flatLabels(), new Shape(b.size(), b.length()));
        sum += CausalLmLoss.crossEntropy(model.forward(inputs, null, false), labels).getFloat();
      }
    }
    return sum / batches.size();
  }

  /**
   * Writes a checkpoint from which {@link #resume} continues exactly.
   *
   * @param dir target directory (created)
   * @throws java.io.IOException on write failure
   */
  public void saveCheckpoint(java.nio.file.Path dir) throws java.io.IOException {
    TrainingCheckpoint.save(dir, this);
  }

  /**
   * Restores weights, optimizer state, step, data position and loss scale from a checkpoint.
   *
   * @param dir checkpoint directory
   * @throws java.io.IOException on read failure or a checkpoint of another run
   */
  public void resume(java.nio.file.Path dir) throws java.io.IOException {
    TrainingCheckpoint.restore(dir, this);
  }

  AdamW optimizer() {
    return optimizer;
  }

  BatchSource data() {
    return data;
  }

  void restoreCounters(int step, long tokens) {
    this.step = step;
    this.tokens = tokens;
    applyTrainable();
  }

  @Override
  public void close() {
    optimizer.close();
  }
}
