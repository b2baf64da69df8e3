package io.deltachain.trainer.train;

import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.model.LoraConfig;

/**
 * Everything that decides what a training run does. Built with {@link #builder()}; required
 * settings are {@code set*}, optional ones {@code opt*}, and {@link Builder#build()} validates.
 *
 * @param mode training mode
 * @param firstLayer first trained layer (inclusive), or -1 for the whole model
 * @param lastLayer last trained layer (inclusive), or -1 for the whole model
 * @param lora adapter settings (LORA and QLORA only)
 * @param stagedInitialLayers STAGED: layers trainable at the start, counted from the top of the range
 * @param stagedUnfreezeEvery STAGED: steps between unfreezing one more layer below
 * @param steps optimizer steps
 * @param batchSize sequences per micro-batch
 * @param sequenceLength tokens per sequence
 * @param gradientAccumulation micro-batches per optimizer step
 * @param schedule learning-rate schedule
 * @param weightDecay AdamW decoupled weight decay (not applied to norm weights)
 * @param beta1 AdamW beta1
 * @param beta2 AdamW beta2
 * @param epsilon AdamW epsilon
 * @param maxGradNorm global gradient-norm clip (0 = off)
 * @param maxLayerGradNorm per-layer gradient-norm clip (0 = off)
 * @param seed seed of initialisation, dropout and sampling
 * @param checkpointEvery steps between checkpoints (0 = never)
 * @param mixedPrecision fp16 compute with dynamic loss scaling (CUDA only)
 * @param activationCheckpointing keep only each decoder layer's input during the forward pass and
 *     recompute the layer's activations in backward (less memory, one more forward per layer)
 */
public record TrainingConfig(
    TrainingMode mode,
    int firstLayer,
    int lastLayer,
    LoraConfig lora,
    int stagedInitialLayers,
    int stagedUnfreezeEvery,
    int steps,
    int batchSize,
    int sequenceLength,
    int gradientAccumulation,
    LearningRateSchedule schedule,
    double weightDecay,
    double beta1,
    double beta2,
    double epsilon,
    double maxGradNorm,
    double maxLayerGradNorm,
    long seed,
    int checkpointEvery,
    boolean mixedPrecision,
    boolean activationCheckpointing) {

  /** @return whether the run is restricted to a layer range */
  public boolean hasLayerRange() {
    return firstLayer >= 0;
  }

  /** @return a builder with common defaults (lr 1e-3 cosine to 1e-4, AdamW 0.9/0.95, clip 1.0) */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link TrainingConfig}. */
  public static final class Builder {
    private TrainingMode mode = TrainingMode.FULL;
    private int firstLayer = -1;
    private int lastLayer = -1;
    private LoraConfig lora;
    private int stagedInitialLayers = 1;
    private int stagedUnfreezeEvery = 10;
    private int steps = 100;
    private int batchSize = 8;
    private int sequenceLength = 64;
    private int gradientAccumulation = 1;
    private double learningRate = 1e-3;
    private double minLearningRate = -1;
    private int warmupSteps = -1;
    private double weightDecay = 0.01;
    private double beta1 = 0.9;
    private double beta2 = 0.95;
    private double epsilon = 1e-8;
    private double maxGradNorm = 1.0;
    private double maxLayerGradNorm = 0;
    private long seed = 42;
    private int checkpointEvery;
    private boolean mixedPrecision;
    private boolean activationCheckpointing;

    private Builder() {
    }

    /** @param m mode @return this */
    public Builder setMode(TrainingMode m) {
      this.mode = m;
      return this;
    }

    /** @param n optimizer steps @return this */
    public Builder setSteps(int n) {
      this.steps = n;
      return this;
    }

    /** @param first first layer @param last last layer, inclusive @return this */
    public Builder optLayerRange(int first, int last) {
      this.firstLayer = first;
      this.lastLayer = last;
      return this;
    }

    /** @param config adapter settings @return this */
    public Builder optLora(LoraConfig config) {
      this.lora = config;
      return this;
    }

    /** @param initial layers at start @param every steps per unfreeze @return this */
    public Builder optStaged(int initial, int every) {
      this.stagedInitialLayers = initial;
      this.stagedUnfreezeEvery = every;
      return this;
    }

    /** @param b sequences per micro-batch @param t tokens per sequence @return this */
    public Builder optBatch(int b, int t) {
      this.batchSize = b;
      this.sequenceLength = t;
      return this;
    }

    /** @param k micro-batches per step @return this */
    public Builder optGradientAccumulation(int k) {
      this.gradientAccumulation = k;
      return this;
    }

    /** @param peak peak rate @param minimum final rate @param warmup warmup steps @return this */
    public Builder optLearningRate(double peak, double minimum, int warmup) {
      this.learningRate = peak;
      this.minLearningRate = minimum;
      this.warmupSteps = warmup;
      return this;
    }

    /** @param wd decay @param b1 beta1 @param b2 beta2 @param eps epsilon @return this */
    public Builder optAdamW(double wd, double b1, double b2, double eps) {
      this.weightDecay = wd;
      this.beta1 = b1;
      this.beta2 = b2;
      this.epsilon = eps;
      return this;
    }

    /** @param global global norm clip @param perLayer per-layer clip (0 = off) @return this */
    public Builder optGradClip(double global, double perLayer) {
      this.maxGradNorm = global;
      this.maxLayerGradNorm = perLayer;
      return this;
    }

    /** @param s seed @return this */
    public Builder optSeed(long s) {
      this.seed = s;
      return this;
    }

    /** @param every steps between checkpoints @return this */
    public Builder optCheckpointEvery(int every) {
      this.checkpointEvery = every;
      return this;
    }

    /** @param enabled fp16 mixed precision (CUDA) @return this */
    public Builder optMixedPrecision(boolean enabled) {
      this.mixedPrecision = enabled;
      return this;
    }

    /** @param enabled recompute each decoder layer in backward instead of storing its activations @return this */
    public Builder optActivationCheckpointing(boolean enabled) {
      this.activationCheckpointing = enabled;
      return this;
    }

    /** @return the validated config */
    public TrainingConfig build() {
      if (mode == null) {
        throw new IllegalArgumentException("training mode is required");
      }
      if ((firstLayer < 0) != (lastLayer < 0) || (firstLayer >= 0 && firstLayer > lastLayer)) {
        throw new IllegalArgumentException("layer range [" + firstLayer + ", " + lastLayer + "] is invalid");
      }
      if (mode.isLora() && lora == null) {
        throw new IllegalArgumentException(mode + " needs LoRA settings (rank, alpha, target modules)");
      }
      if (mode == TrainingMode.STAGED && (stagedInitialLayers <= 0 || stagedUnfreezeEvery <= 0)) {
        throw new IllegalArgumentException("STAGED needs positive initial layers and unfreeze interval");
      }
      if (steps <= 0 || batchSize <= 0 || sequenceLength <= 0 || gradientAccumulation <= 0) {
        throw new IllegalArgumentException("steps, batch size, sequence length and accumulation must be positive");
      }
      if (maxGradNorm < 0 || maxLayerGradNorm < 0 || checkpointEvery < 0) {
        throw new IllegalArgumentException("clip norms and checkpoint interval must not be negative");
      }
      double min = minLearningRate < 0 ? learningRate / 10 : minLearningRate;
      int warmup = warmupSteps < 0 ? Math.max(0, steps / 20) : warmupSteps;
      LearningRateSchedule schedule = new LearningRateSchedule(learningRate, min, warmup, steps);
      return new TrainingConfig(mode, firstLayer, lastLayer, lora, stagedInitialLayers, stagedUnfreezeEvery, steps,
          batchSize, sequenceLength, gradientAccumulation, schedule, weightDecay, beta1, beta2, epsilon,
          maxGradNorm, maxLayerGradNorm, seed, checkpointEvery, mixedPrecision, activationCheckpointing);
    }
  }
}
