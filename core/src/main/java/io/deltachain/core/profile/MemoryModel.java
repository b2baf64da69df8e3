package io.deltachain.core.profile;

/**
 * Estimates the memory a trainer needs, so the planner can match layers to machines before
 * anything is loaded. The figures are per trainer and per micro-batch; they leave out the
 * framework's own workspace (CUDA context, allocator slack, temporary buffers), which a
 * planner should cover with a margin.
 *
 * <h2>Parameters, gradients, optimizer</h2>
 *
 * <ul>
 *   <li><b>FULL / STAGED</b>: without a layer range every parameter is trained (embeddings,
 *       all layers, final norm, head); with a range, the decoder layers in it. Trained and
 *       frozen weights are held in the base precision. When that is narrower than fp32, each
 *       trained parameter also has an fp32 master copy (4 bytes). Gradients are in the base
 *       precision; AdamW keeps two fp32 moments (8 bytes). For a bf16 base that is the
 *       familiar 2 + 4 + 2 + 8 = 16 bytes per trained parameter.
 *   <li><b>LORA / QLORA</b>: the base is frozen. Each target module of each trained layer gets
 *       {@code r * (in + out)} adapter parameters, held in the compute precision, with fp32
 *       master copies when that is 16-bit, gradients in the compute precision and fp32
 *       optimizer state. QLoRA stores the layer linears in NF4 (exact bitsandbytes sizes:
 *       packed nibbles, absmax per 64 values, double-quantized by default, code tables); as
 *       bitsandbytes does, embeddings, norms, biases and lm_head stay unquantized, in the
 *       compute precision. An INT8 base is costed the same way with one fp32 scale per row.
 * </ul>
 *
 * <h2>Activations</h2>
 *
 * Following Korthikanti et al., "Reducing Activation Recomputation in Large Transformer
 * Models" (2022), which gives {@code s*b*h*(34 + 5*a*s/h)} bytes per layer for a 16-bit GPT
 * layer, we count the tensors that backward needs, for a Llama layer (RMSNorm, GQA, SwiGLU,
 * no dropout). With {@code c} bytes per element of compute precision, {@code t = b*s} tokens,
 * {@code q = heads*head_dim}, {@code kv = kv_heads*head_dim} and {@code I} the MLP width:
 *
 * <pre>
 *   attention block  c*t*(h + 2q + 2kv)   norm output (q/k/v input), Q and K after RoPE, V,
 *                                         attention output (o_proj input)
 *   Qwen3 q/k norm   c*t*(q + kv)         inputs of q_norm and k_norm
 *   scores (eager)   b*heads*s^2*(4 + c)  softmax output kept in fp32 for its backward, and
 *                                         its cast to c bytes feeding P*V (4 only when c = 4)
 *   scores (fused)   4*t*heads            flash-style: only the fp32 log-sum-exp per row
 *   MLP              c*t*(h + 4I)         norm output (gate/up input), gate and up outputs,
 *                                         SiLU output, their product (down_proj input)
 *   two RMSNorms     c*t*2h               their inputs
 *   LoRA             c*t*r per target     the rank-r output of lora_A, in trained layers
 * </pre>
 *
 * so a layer keeps {@code c*t*(4h + 2q + 2kv + 4I)} plus the scores: for MHA with
 * {@code I = 4h} that is {@code 24h} element-bytes against the paper's 34h for GeLU with
 * dropout masks, the difference being SwiGLU's extra tensors and no dropout. Backward reaches
 * down to the lowest trained layer only, so layers below it store nothing; layers above the
 * trained range still store theirs, since gradients flow through them. The head keeps
 * {@code c*t*2h} (final norm and lm_head inputs) plus {@code 8*t*vocab}: fp32 logits and
 * fp32 log-probabilities for the cross-entropy.
 *
 * <p>With activation checkpointing only each layer's input ({@code c*t*h}) is kept, plus one
 * layer's full activations while backward recomputes it, plus the head.
 */
public final class MemoryModel {
  private static final int FP32_BYTES = 4;
  /** fp32 logits plus fp32 log-probabilities per vocabulary entry and token. */
  private static final int LOSS_BYTES_PER_LOGIT = 8;

  private MemoryModel() {}

  /**
   * The estimate for training {@code profile} as {@code spec} says.
   *
   * @throws IllegalArgumentException when the spec's layer range does not fit the profile
   */
  public static MemoryEstimate estimate(ModelProfile profile, TrainingSpec spec) {
    spec.layerRange().ifPresent(r -> r.checkWithin(profile));
    LayerRange trained = spec.layerRange().orElse(LayerRange.all(profile));
    boolean wholeModel = spec.layerRange().isEmpty();
    boolean lora = spec.mode().isLora();
    ModelCost cost = profile.cost();
    long totalParams = cost.totalParameters();

    long trainable;
    int workingBytes;
    if (lora) {
      trainable = Math.multiplyExact((long) trained.count(), adapterParametersPerLayer(profile, spec));
      workingBytes = spec.computePrecision().bytesPerElement();
    } else {
      trainable = wholeModel
          ? totalParams
          : Math.multiplyExact((long) trained.count(), cost.parametersPerLayer());
      workingBytes = spec.basePrecision().bytesPerElement();
    }
    long frozen = lora ? totalParams : totalParams - trainable;

    long weights = baseWeightBytes(profile, spec);
    if (lora) {
      weights = Math.addExact(weights, Math.multiplyExact(trainable, (long) workingBytes));
    }
    long master = workingBytes < FP32_BYTES ? Math.multiplyExact(trainable, (long) FP32_BYTES) : 0;
    long gradients = Math.multiplyExact(trainable, (long) workingBytes);
    long optimizer = Math.multiplyExact(
        trainable, (long) spec.optimizer().statesPerParameter() * FP32_BYTES);
    long activations = activationBytes(profile, spec, trained, wholeModel);
    return new MemoryEstimate(trainable, frozen, weights, master, gradients, optimizer, activations);
  }

  /** LoRA parameters one layer adds: {@code r * (in + out)} per target module. */
  public static long adapterParametersPerLayer(ModelProfile profile, TrainingSpec spec) {
    long sum = 0;
    for (ModelModule m : spec.targetModules()) {
      sum += (long) spec.loraRank() * (profile.inFeatures(m) + profile.outFeatures(m));
    }
    return sum;
  }

  /**
   * Bytes of the base model's weights as the spec stores them: layer linear weights in the
   * base precision (quantized when it is INT8/NF4, everything else then in the compute
   * precision), all tensors in the base precision otherwise.
   */
  public static long baseWeightBytes(ModelProfile profile, TrainingSpec spec) {
    Precision base = spec.basePrecision();
    long sum = 0;
    for (TensorSpec t : profile.tensors()) {
      Precision p = base;
      if (base.isQuantized() && !(t.module().isLayerLinear() && !t.isBias())) {
        p = spec.computePrecision();
      }
      sum = Math.addExact(sum, p.storageBytes(t, spec.doubleQuant()));
    }
    return sum;
  }

  /**
   * Activation bytes of one layer for one micro-batch (see the class doc).
   *
   * @param withAdapters whether the layer carries LoRA adapters
   */
  public static long layerActivationBytes(ModelProfile profile, TrainingSpec spec, boolean withAdapters) {
    long c = spec.computePrecision().bytesPerElement();
    long b = spec.microBatch();
    long s = spec.sequenceLength();
    long tokens = Math.multiplyExact(b, s);
    long h = profile.hiddenSize();
    long q = profile.queryWidth();
    long kv = profile.keyValueWidth();
    long inter = profile.intermediateSize();
    long heads = profile.numHeads();

    long perToken = 4 * h + 2 * q + 2 * kv + 4 * inter;
    if (profile.qkNorm()) {
      perToken += q + kv;
    }
    if (withAdapters && spec.mode().isLora()) {
      perToken += (long) spec.loraRank() * spec.targetModules().size();
    }
    long bytes = Math.multiplyExact(Math.multiplyExact(c, tokens), perToken);
    long scores;
    if (spec.fusedAttention()) {
      scores = Math.multiplyExact(tokens, FP32_BYTES * heads);
    } else {
      long scoreBytes = c < FP32_BYTES ? FP32_BYTES + c : FP32_BYTES;
      scores = Math.multiplyExact(Math.multiplyExact(b * heads, Math.multiplyExact(s, s)), scoreBytes);
    }
    return Math.addExact(bytes, scores);
  }

  /** Activation bytes of the final norm, head and loss for one micro-batch. */
  public static long headActivationBytes(ModelProfile profile, TrainingSpec spec) {
    long c = spec.computePrecision().bytesPerElement();
    long tokens = (long) spec.microBatch() * spec.sequenceLength();
    long inputs = Math.multiplyExact(Math.multiplyExact(c, tokens), 2L * profile.hiddenSize());
    long logits = Math.multiplyExact(Math.multiplyExact(tokens, profile.vocabSize()), (long) LOSS_BYTES_PER_LOGIT);
    return Math.addExact(inputs, logits);
  }

  private static long activationBytes(
      ModelProfile profile, TrainingSpec spec, LayerRange trained, boolean wholeModel) {
    int lowest = wholeModel ? 0 : trained.first();
    long layersInBackward = profile.numLayers() - lowest;
    long trainedLayer = layerActivationBytes(profile, spec, true);
    long passThroughLayer = layerActivationBytes(profile, spec, false);
    long head = headActivationBytes(profile, spec);
    if (spec.activationCheckpointing()) {
      long c = spec.computePrecision().bytesPerElement();
      long layerInput = Math.multiplyExact(
          c * spec.microBatch(), (long) spec.sequenceLength() * profile.hiddenSize());
      return Math.addExact(
          Math.addExact(Math.multiplyExact(layersInBackward, layerInput), Math.max(trainedLayer, passThroughLayer)),
          head);
    }
    long trainedCount = trained.count();
    long above = layersInBackward - trainedCount;
    return Math.addExact(
        Math.addExact(Math.multiplyExact(trainedCount, trainedLayer), Math.multiplyExact(above, passThroughLayer)),
        head);
  }
}
