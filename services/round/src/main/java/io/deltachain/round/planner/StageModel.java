package io.deltachain.round.planner;

import io.deltachain.core.profile.LayerRange;
import io.deltachain.core.profile.MemoryEstimate;
import io.deltachain.core.profile.MemoryModel;
import io.deltachain.core.profile.ModelCost;
import io.deltachain.core.profile.ModelModule;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.Precision;
import io.deltachain.core.profile.TensorSpec;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.core.profile.TrainingSpec;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Memory and FLOPs of one pipeline stage: a contiguous span of decoder layers on one worker,
 * plus the embedding table on the first stage and the final norm and head on the last.
 *
 * <p>The core {@link MemoryModel} prices a trainer that holds the whole model; a pipeline stage
 * holds only its span, so this class applies the same per-layer figures
 * ({@link MemoryModel#layerActivationBytes}, {@link MemoryModel#headActivationBytes},
 * {@link MemoryModel#adapterParametersPerLayer}, {@link Precision#storageBytes}) to the span
 * alone. For a single stage that holds everything the result equals
 * {@link MemoryModel#estimate} exactly (a test holds it to that).
 *
 * <p>One micro-batch is in flight per stage (a sequential pipeline); an interleaved schedule
 * would keep more activations on early stages.
 *
 * <p>FLOPs per token: the forward of a layer is {@link ModelCost#forwardFlopsPerTokenPerLayer}
 * ({@code f}). A dense stage computes forward, input gradients and weight gradients ({@code 3f});
 * an adapter stage skips the frozen base's weight gradients ({@code 2f}, the rank-r adapters
 * being negligible); checkpointing adds one more forward. The last stage adds the head's forward
 * and input gradient (the head is frozen in staged training). QLoRA's dequantization work is not
 * counted.
 */
public final class StageModel {
  private final ModelProfile profile;
  private final PlanRequest request;
  private final PlannerConfig config;
  private final ModelCost cost;
  private final List<TensorSpec> layerTensors;
  private final List<TensorSpec> embedTensors;
  private final List<TensorSpec> headTensors;
  private final Map<Precision, Map<Precision, Long>> layerBytesCache = new EnumMap<>(Precision.class);

  /** A model for this request's profile, micro-batch and sequence length. */
  public StageModel(PlanRequest request, PlannerConfig config) {
    this.profile = request.profile();
    this.request = request;
    this.config = config;
    this.cost = profile.cost();
    this.layerTensors = profile.layerTensors(0);
    List<TensorSpec> all = profile.tensors();
    this.embedTensors = all.stream().filter(t -> t.module() == ModelModule.EMBED_TOKENS).toList();
    this.headTensors = all.stream()
        .filter(t -> t.module() == ModelModule.NORM || t.module() == ModelModule.LM_HEAD)
        .toList();
  }

  /** The profile. */
  public ModelProfile profile() {
    return profile;
  }

  /**
   * The training spec a worker runs for a span on this rung (the span is what it trains).
   *
   * @param rank the LoRA rank (ignored by dense rungs)
   */
  public TrainingSpec spec(TrainingRung rung, Precision compute, int rank, LayerRange span) {
    TrainingSpec.Builder b = TrainingSpec.builder(rung.mode())
        .optBasePrecision(rung.basePrecision(compute))
        .optComputePrecision(compute)
        .optMicroBatch(request.microBatch())
        .optSequenceLength(request.sequenceLength())
        .optActivationCheckpointing(rung.checkpointing())
        .optFusedAttention(config.fusedAttention())
        .optOptimizer(config.optimizer())
        .optLayerRange(span);
    if (rung.mode().isLora()) {
      b.optLoraRank(rank).optTargetModules(request.targetModules());
    }
    return b.build();
  }

  /**
   * The memory of a stage of {@code layers} layers.
   *
   * @param first whether the stage holds the embedding table (the pipeline's first stage)
   * @param last whether it holds the final norm and head and computes the loss
   */
  public MemoryEstimate memory(TrainingRung rung, Precision compute, int rank, int layers, boolean first, boolean last) {
    if (layers <= 0 || layers > profile.numLayers()) {
      throw new IllegalArgumentException("a stage holds 1.." + profile.numLayers() + " layers, got " + layers);
    }
    TrainingSpec spec = spec(rung, compute, rank, new LayerRange(0, layers - 1));
    Precision base = spec.basePrecision();
    boolean lora = rung.mode().isLora();
    long n = layers;

    long trainable = lora
        ? n * MemoryModel.adapterParametersPerLayer(profile, spec)
        : n * cost.parametersPerLayer();
    int working = lora ? compute.bytesPerElement() : base.bytesPerElement();

    long weights = Math.multiplyExact(n, layerBytes(base, compute));
    long heldParams = n * cost.parametersPerLayer();
    if (first) {
      weights += tensorBytes(embedTensors, base, compute, spec.doubleQuant());
      heldParams += cost.parameters(ModelModule.EMBED_TOKENS);
    }
    if (last) {
      weights += tensorBytes(headTensors, base, compute, spec.doubleQuant());
      heldParams += cost.parameters(ModelModule.NORM) + cost.parameters(ModelModule.LM_HEAD);
      if (profile.tieWordEmbeddings() && !first) {
        // a tied head reads the embedding table, which the last stage must then hold too
        weights += tensorBytes(embedTensors, base, compute, spec.doubleQuant());
      }
    }
    if (lora) {
      weights += trainable * working;
    }
    long frozen = lora ? heldParams : heldParams - trainable;
    long master = working < 4 ? trainable * 4 : 0;
    long gradients = trainable * working;
    long optimizer = trainable * 4L * spec.optimizer().statesPerParameter();

    long layerActs = MemoryModel.layerActivationBytes(profile, spec, true);
    long activations;
    if (rung.checkpointing()) {
      long layerInput = (long) compute.bytesPerElement() * request.microBatch()
          * request.sequenceLength() * profile.hiddenSize();
      activations = n * layerInput + layerActs;
    } else {
      activations = n * layerActs;
    }
    if (last) {
      activations += MemoryModel.headActivationBytes(profile, spec);
    }
    return new MemoryEstimate(trainable, frozen, weights, master, gradients, optimizer, activations);
  }

  /**
   * The most layers a stage on this rung can hold within {@code usableBytes} (0 when not even
   * one fits), never more than the rung's cap or the model's layers.
   */
  public int maxLayers(TrainingRung rung, Precision compute, int rank, boolean first, boolean last, long usableBytes) {
    int hi = Math.min(rung.maxLayers(), profile.numLayers());
    if (memory(rung, compute, rank, 1, first, last).totalBytes() > usableBytes) {
      return 0;
    }
    int lo = 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (memory(rung, compute, rank, mid, first, last).totalBytes() <= usableBytes) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Training FLOPs per token of a stage of {@code layers} layers (see the class doc). */
  public double flopsPerToken(TrainingRung rung, int layers, boolean last) {
    double f = cost.forwardFlopsPerTokenPerLayer(request.sequenceLength());
    double perLayer = (rung.dense() ? 3 : 2) * f + (rung.checkpointing() ? f : 0);
    double total = layers * perLayer;
    if (last) {
      total += 2.0 * cost.headFlopsPerToken();
    }
    return total;
  }

  private long layerBytes(Precision base, Precision compute) {
    return layerBytesCache
        .computeIfAbsent(base, k -> new EnumMap<>(Precision.class))
        .computeIfAbsent(compute, k -> tensorBytes(layerTensors, base, compute, true));
  }

  /** Storage as {@link MemoryModel#baseWeightBytes} prices it: only layer linears quantized. */
  private static long tensorBytes(List<TensorSpec> tensors, Precision base, Precision compute, boolean doubleQuant) {
    long sum = 0;
    for (TensorSpec t : tensors) {
      Precision p = base;
      if (base.isQuantized() && !(t.module().isLayerLinear() && !t.isBias())) {
        p = compute;
      }
      sum = Math.addExact(sum, p.storageBytes(t, doubleQuant));
    }
    return sum;
  }
}
