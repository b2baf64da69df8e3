package io.deltachain.core.profile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a trainer does to a model, as far as memory and compute are concerned: the mode, the
 * precisions, the LoRA settings, which layers it trains and the micro-batch it runs.
 * Immutable; build with {@link #builder(TrainingMode)}.
 */
public final class TrainingSpec {
  private final TrainingMode mode;
  private final Precision basePrecision;
  private final Precision computePrecision;
  private final int loraRank;
  private final Set<ModelModule> targetModules;
  private final LayerRange layerRange;
  private final int microBatch;
  private final int sequenceLength;
  private final boolean activationCheckpointing;
  private final boolean fusedAttention;
  private final boolean doubleQuant;
  private final Optimizer optimizer;

  private TrainingSpec(Builder b) {
    this.mode = b.mode;
    this.basePrecision = b.basePrecision;
    this.computePrecision = b.computePrecision;
    this.loraRank = b.loraRank;
    this.targetModules = Collections.unmodifiableSet(EnumSet.copyOf(b.targetModules));
    this.layerRange = b.layerRange;
    this.microBatch = b.microBatch;
    this.sequenceLength = b.sequenceLength;
    this.activationCheckpointing = b.activationCheckpointing;
    this.fusedAttention = b.fusedAttention;
    this.doubleQuant = b.doubleQuant;
    this.optimizer = b.optimizer;
  }

  /** A builder for this mode, with the defaults noted on each {@code opt*} method. */
  public static Builder builder(TrainingMode mode) {
    return new Builder(mode);
  }

  /** The training mode. */
  public TrainingMode mode() {
    return mode;
  }

  /** How the base weights are stored (NF4 for QLoRA). */
  public Precision basePrecision() {
    return basePrecision;
  }

  /** The precision of matmuls, activations and LoRA weights. */
  public Precision computePrecision() {
    return computePrecision;
  }

  /** LoRA rank r (LoRA and QLoRA modes). */
  public int loraRank() {
    return loraRank;
  }

  /** Linear modules that get adapters (LoRA and QLoRA modes). */
  public Set<ModelModule> targetModules() {
    return targetModules;
  }

  /** The trained layers; empty means the whole model. */
  public Optional<LayerRange> layerRange() {
    return Optional.ofNullable(layerRange);
  }

  /** Sequences per micro-batch. */
  public int microBatch() {
    return microBatch;
  }

  /** Tokens per sequence. */
  public int sequenceLength() {
    return sequenceLength;
  }

  /** Whether only layer inputs are kept and each layer is recomputed in backward. */
  public boolean activationCheckpointing() {
    return activationCheckpointing;
  }

  /** Whether attention runs fused (flash-style): no s x s score matrix is stored. */
  public boolean fusedAttention() {
    return fusedAttention;
  }

  /** NF4 only: whether absmax values are double-quantized. */
  public boolean doubleQuant() {
    return doubleQuant;
  }

  /** The optimizer. */
  public Optimizer optimizer() {
    return optimizer;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(mode.name())
        .append(" base=").append(basePrecision.label())
        .append(" compute=").append(computePrecision.label());
    if (mode.isLora()) {
      sb.append(" r=").append(loraRank).append(" targets=").append(
          targetModules.stream().map(ModelModule::hfName).toList());
    }
    sb.append(" layers=").append(layerRange == null ? "all" : layerRange.toString())
        .append(" batch=").append(microBatch)
        .append(" seq=").append(sequenceLength)
        .append(activationCheckpointing ? " checkpointing" : "")
        .append(fusedAttention ? " fused-attention" : "")
        .append(" ").append(optimizer);
    return sb.toString();
  }

  /** Builds a {@link TrainingSpec}; {@link #build()} reports every problem at once. */
  public static final class Builder {
    private final TrainingMode mode;
    private Precision basePrecision;
    private Precision computePrecision = Precision.BF16;
    private int loraRank = 16;
    private Set<ModelModule> targetModules = ModelModule.layerLinears();
    private LayerRange layerRange;
    private int microBatch = 1;
    private int sequenceLength = 2048;
    private boolean activationCheckpointing;
    private boolean fusedAttention;
    private boolean doubleQuant = true;
    private Optimizer optimizer = Optimizer.ADAMW;

    private Builder(TrainingMode mode) {
      this.mode = mode;
    }

    /** Base weight storage; defaults to NF4 for QLoRA, else BF16. */
    public Builder optBasePrecision(Precision basePrecision) {
      this.basePrecision = basePrecision;
      return this;
    }

    /** Compute precision (FP32, BF16, FP16); defaults to BF16. */
    public Builder optComputePrecision(Precision computePrecision) {
      this.computePrecision = computePrecision;
      return this;
    }

    /** LoRA rank; defaults to 16. */
    public Builder optLoraRank(int loraRank) {
      this.loraRank = loraRank;
      return this;
    }

    /** LoRA target modules; defaults to all seven layer linears, as QLoRA does. */
    public Builder optTargetModules(Set<ModelModule> targetModules) {
      this.targetModules = EnumSet.noneOf(ModelModule.class);
      if (targetModules != null) {
        this.targetModules.addAll(targetModules);
      }
      return this;
    }

    /** Only these layers are trained, the rest frozen; defaults to the whole model. */
    public Builder optLayerRange(LayerRange layerRange) {
      this.layerRange = layerRange;
      return this;
    }

    /** Sequences per micro-batch; defaults to 1. */
    public Builder optMicroBatch(int microBatch) {
      this.microBatch = microBatch;
      return this;
    }

    /** Tokens per sequence; defaults to 2048. */
    public Builder optSequenceLength(int sequenceLength) {
      this.sequenceLength = sequenceLength;
      return this;
    }

    /** Activation checkpointing per layer; defaults to off. */
    public Builder optActivationCheckpointing(boolean on) {
      this.activationCheckpointing = on;
      return this;
    }

    /** Fused (flash-style) attention; defaults to off (eager attention, as DJL runs it). */
    public Builder optFusedAttention(boolean on) {
      this.fusedAttention = on;
      return this;
    }

    /** NF4 double quantization; defaults to on, as QLoRA uses it. */
    public Builder optDoubleQuant(boolean on) {
      this.doubleQuant = on;
      return this;
    }

    /** The optimizer; defaults to AdamW. */
    public Builder optOptimizer(Optimizer optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException listing every problem
     */
    public TrainingSpec build() {
      if (mode == null) {
        throw new IllegalArgumentException("training mode is missing");
      }
      if (basePrecision == null) {
        basePrecision = mode == TrainingMode.QLORA ? Precision.NF4 : Precision.BF16;
      }
      List<String> p = new ArrayList<>();
      if (mode == TrainingMode.QLORA && basePrecision != Precision.NF4) {
        p.add("QLORA keeps the base in nf4, got base precision " + basePrecision.label());
      }
      if (mode == TrainingMode.LORA && basePrecision == Precision.NF4) {
        p.add("an nf4 base with LoRA adapters is QLORA; use mode QLORA");
      }
      if (!mode.isLora() && basePrecision.isQuantized()) {
        p.add(mode + " training updates the base weights, which cannot be stored in "
            + basePrecision.label() + "; use fp32, bf16 or fp16");
      }
      if (computePrecision == null || computePrecision.isQuantized()) {
        p.add("compute precision must be fp32, bf16 or fp16, got "
            + (computePrecision == null ? "nothing" : computePrecision.label()));
      }
      if (mode.isLora()) {
        if (loraRank <= 0) {
          p.add("LoRA rank must be positive, got " + loraRank);
        }
        if (targetModules.isEmpty()) {
          p.add("LoRA needs at least one target module (" + ModelModule.layerLinears() + ")");
        }
        for (ModelModule m : targetModules) {
          if (!m.isLayerLinear()) {
            p.add("LoRA target " + m.hfName() + " is not a layer linear projection");
          }
        }
      }
      if (microBatch <= 0) {
        p.add("micro-batch must be positive, got " + microBatch);
      }
      if (sequenceLength <= 0) {
        p.add("sequence length must be positive, got " + sequenceLength);
      }
      if (optimizer == null) {
        p.add("optimizer is missing");
      }
      if (!p.isEmpty()) {
        throw new IllegalArgumentException("invalid training spec: " + String.join("; ", p));
      }
      return new TrainingSpec(this);
    }
  }
}
