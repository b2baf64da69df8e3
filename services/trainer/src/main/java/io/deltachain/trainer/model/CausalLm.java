package io.deltachain.trainer.model;

import io.deltachain.core.profile.LayerRange;
import io.deltachain.core.profile.ModelProfile;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A Llama / Qwen3 causal language model as a DJL block, sized entirely by its {@link ModelProfile}.
 * Every tensor is addressable by its Hugging Face name ({@link #parameters()}), LoRA adapters by
 * the PEFT module path plus {@code .lora_A.weight} / {@code .lora_B.weight}.
 *
 * <p>Not thread-safe: one training or generation at a time per model.
 */
public final class CausalLm extends AbstractBlock implements AutoCloseable {
  /** HF name of the token embedding. */
  public static final String EMBED = "model.embed_tokens.weight";
  /** HF name of the final norm. */
  public static final String FINAL_NORM = "model.norm.weight";
  /** HF name of the untied output head. */
  public static final String LM_HEAD = "lm_head.weight";

  private final ModelProfile spec;
  private final NDManager manager;
  private final ParameterStore parameterStore;
  private final Parameter embed;
  private final List<DecoderLayer> layers = new ArrayList<>();
  private final RmsNorm finalNorm;
  private final Projection lmHead;
  private final RotaryEmbedding rotary;
  private final Map<Integer, NDArray> causalMasks = new HashMap<>();
  private DataType computeType = DataType.FLOAT32;
  private final Map<Parameter, NDArray> halfCopies = new java.util.IdentityHashMap<>();
  private LoraConfig lora;
  private final LayerRange span;

  /**
   * Creates a randomly initialised model (normal(0, initStd) weights, unit norms).
   *
   * @param spec sizes
   * @param device where the weights live
   * @param seed initialisation seed; equal seeds give equal weights
   */
  public CausalLm(ModelProfile spec, Device device, int seed) {
    this(spec, device, seed, 0, spec.numLayers() - 1);
  }

  /**
   * Creates the part of a model one pipeline stage holds: the decoder layers of {@code span}, the
   * token embedding when the span starts at layer 0, and the final norm and head when it ends at
   * the last layer. Every tensor is initialised from its own seed, so the part's weights equal
   * those of the whole model built with the same seed. A partial model runs only through
   * {@link SpanPass}; {@link #forward} refuses it.
   *
   * @param spec sizes
   * @param device where the weights live
   * @param seed initialisation seed, as for the whole model
   * @param span the decoder layers to hold
   * @return the partial (or, for the full span, whole) model
   */
  public static CausalLm span(ModelProfile spec, Device device, int seed, LayerRange span) {
    span.checkWithin(spec);
    boolean last = span.last() == spec.numLayers() - 1;
    if (spec.tieWordEmbeddings() && last && span.first() > 0) {
      throw new IllegalArgumentException("profile " + spec.name() + " ties the head to the embedding; a stage "
          + "holding layers " + span + " would need the first stage's embedding (tied models are not split)");
    }
    return new CausalLm(spec, device, seed, span.first(), span.last());
  }

  private CausalLm(ModelProfile spec, Device device, int seed, int firstLayer, int lastLayer) {
    checkSupported(spec);
    this.spec = spec;
    this.manager = NDManager.newBaseManager(device, "PyTorch");
    this.parameterStore = new ParameterStore(manager, false);
    this.embed = firstLayer > 0 ? null : addParameter(Parameter.builder()
        .setName("embed_tokens")
        .setType(Parameter.Type.WEIGHT)
        .optArray(SeededInit.normal(manager, seed, (float) CausalLm.initStd(spec),
            new Shape(spec.vocabSize(), spec.hiddenSize())))
        .build());
    for (int i = firstLayer; i <= lastLayer; i++) {
      layers.add(addChildBlock("layer" + i, new DecoderLayer(manager, spec, i, seed + 16 * (i + 1))));
    }
    boolean holdsHead = lastLayer == spec.numLayers() - 1;
    finalNorm = holdsHead ? addChildBlock("norm", new RmsNorm(manager, spec.hiddenSize(), spec.rmsNormEps())) : null;
    lmHead = !holdsHead || spec.tieWordEmbeddings()
        ? null
        : addChildBlock("lm_head", new Projection(manager, "lm_head", "lm_head", -1, spec.hiddenSize(),
            spec.vocabSize(), CausalLm.initStd(spec), seed + 7));
    rotary = new RotaryEmbedding(manager, spec);
    this.span = new LayerRange(firstLayer, lastLayer);
  }

  /** @return the decoder layers this model holds (all of them unless built by {@link #span}) */
  public LayerRange layerSpan() {
    return span;
  }

  /** @return whether this model holds every layer, the embedding and the head */
  boolean isWhole() {
    return span.first() == 0 && span.last() == spec.numLayers() - 1;
  }

  private void checkWhole(String what) {
    if (!isWhole()) {
      throw new IllegalStateException(what + " needs the whole model; this one holds only layers " + span
          + " (a pipeline stage runs through SpanPass)");
    }
  }

  /**
   * Standard deviation of fresh weights: the config's {@code initializer_range}, else 0.02.
   *
   * @param profile the profile
   * @return the std
   */
  public static double initStd(ModelProfile profile) {
    Object v = profile.extras() == null ? null : profile.extras().getValue("initializer_range");
    return v instanceof Number n ? n.doubleValue() : 0.02;
  }

  /**
   * Refuses profiles this model cannot represent, naming what is unsupported.
   *
   * @param profile the profile
   */
  public static void checkSupported(ModelProfile profile) {
    if (profile.attentionBias() || profile.mlpBias()) {
      throw new IllegalArgumentException("profile " + profile.name()
          + " uses attention or MLP biases, which the trainer's Llama/Qwen3 model does not have");
    }
    if (!ModelProfile.SILU.equals(profile.hiddenAct())) {
      throw new IllegalArgumentException("profile " + profile.name() + " uses hidden_act " + profile.hiddenAct()
          + "; only silu is supported");
    }
    if (profile.headDim() % 2 != 0) {
      throw new IllegalArgumentException("profile " + profile.name() + " has odd head_dim " + profile.headDim());
    }
  }

  /** @return the profile */
  public ModelProfile spec() {
    return spec;
  }

  /** @return the manager that owns the weights */
  public NDManager manager() {
    return manager;
  }

  /** @return the device the weights live on */
  public Device device() {
    return manager.getDevice();
  }

  /** @return the decoder layers */
  public List<DecoderLayer> layers() {
    return Collections.unmodifiableList(layers);
  }

  /** @return the LoRA settings in use, or null */
  public LoraConfig lora() {
    return lora;
  }

  /**
   * Sets the dtype the forward pass runs in. FLOAT16 gives mixed precision: fp16 working copies
   * of the weights ({@link #halfCopy}) with the fp32 parameters as masters; BF16 is refused
   * because DJL's PyTorch engine aborts the JVM on it.
   *
   * @param type FLOAT32 or FLOAT16
   */
  public void setComputeType(DataType type) {
    if (type != DataType.FLOAT32 && type != DataType.FLOAT16) {
      throw new IllegalArgumentException("compute dtype must be FLOAT32 or FLOAT16, got " + type
          + " (BF16 aborts DJL's PyTorch engine)");
    }
    this.computeType = type;
  }

  /** @return the compute dtype */
  public DataType computeType() {
    return computeType;
  }

  /** Every projection in layer order (q, k, v, o, gate, up, down), then lm_head if untied. */
  public List<Projection> projections() {
    List<Projection> out = new ArrayList<>();
    for (DecoderLayer layer : layers) {
      Collections.addAll(out, layer.attention().projections());
      Collections.addAll(out, layer.mlp().projections());
    }
    if (lmHead != null) {
      out.add(lmHead);
    }
    return out;
  }

  /**
   * Every dense tensor and adapter tensor by Hugging Face name, in checkpoint order. Quantised
   * base weights are absent (see {@link #quantizedWeights()}).
   *
   * @return name to parameter
   */
  public Map<String, Parameter> parameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    if (embed != null) {
      out.put(EMBED, embed);
    }
    for (DecoderLayer layer : layers) {
      String p = "model.layers." + layer.index() + ".";
      out.put(p + "input_layernorm.weight", layer.inputNorm().weight());
      addProjections(out, layer.attention().projections());
      Attention a = layer.attention();
      if (a.qNorm() != null) {
        out.put(p + "self_attn.q_norm.weight", a.qNorm().weight());
        out.put(p + "self_attn.k_norm.weight", a.kNorm().weight());
      }
      out.put(p + "post_attention_layernorm.weight", layer.postAttentionNorm().weight());
      addProjections(out, layer.mlp().projections());
    }
    if (finalNorm != null) {
      out.put(FINAL_NORM, finalNorm.weight());
    }
    if (lmHead != null) {
      addProjections(out, new Projection[] {lmHead});
    }
    return out;
  }

  private static void addProjections(Map<String, Parameter> out, Projection[] projections) {
    for (Projection pr : projections) {
      if (pr.weight() != null) {
        out.put(pr.path() + ".weight", pr.weight());
      }
      if (pr.loraA() != null) {
        out.put(pr.path() + ".lora_A.weight", pr.loraA());
        out.put(pr.path() + ".lora_B.weight", pr.loraB());
      }
    }
  }

  /** @return quantised base weights by HF name */
  public Map<String, QuantizedWeight> quantizedWeights() {
    Map<String, QuantizedWeight> out = new LinkedHashMap<>();
    for (Projection pr : projections()) {
      if (pr.quantized() != null) {
        out.put(pr.path() + ".weight", pr.quantized());
      }
    }
    return out;
  }

  /**
   * The decoder layer a tensor name belongs to.
   *
   * @param hfName a Hugging Face tensor name
   * @return the layer index, or -1 for embeddings, final norm and head
   */
  public static int layerOf(String hfName) {
    if (!hfName.startsWith("model.layers.")) {
      return -1;
    }
    int start = "model.layers.".length();
    int end = hfName.indexOf('.', start);
    return Integer.parseInt(hfName.substring(start, end));
  }

  /**
   * Makes exactly the parameters whose names match trainable and freezes every other one, so
   * frozen tensors get no gradient and are never touched by the optimizer.
   *
   * @param trainable which HF names to train
   */
  public void setTrainable(Predicate<String> trainable) {
    refreshHalfCopies();
    for (Map.Entry<String, Parameter> e : parameters().entrySet()) {
      e.getValue().freeze(!trainable.test(e.getKey()));
    }
  }

  /**
   * Adds LoRA adapters to the target projections of layers {@code [firstLayer, lastLayer]}.
   *
   * @param config adapter settings
   * @param firstLayer first layer, inclusive
   * @param lastLayer last layer, inclusive
   * @param seed initialisation seed of the A matrices
   */
  public void attachLora(LoraConfig config, int firstLayer, int lastLayer, int seed) {
    checkRange(firstLayer, lastLayer);
    if (lora != null) {
      throw new IllegalStateException("the model already has LoRA adapters");
    }
    int n = 0;
    for (Projection pr : projections()) {
      if (pr.layer() >= firstLayer && pr.layer() <= lastLayer && config.targetModules().contains(pr.module())) {
        pr.attachLora(manager, config, seed + 31 * (n++));
      }
    }
    lora = config;
  }

  /**
   * Replaces the dense base weight of every projection in the layer range by a quantised one
   * (QLoRA); the dense copy is freed.
   *
   * @param quantizer turns a dense fp32 tensor ({@code [out, in]}, row-major) into a quantised one
   * @param firstLayer first layer, inclusive
   * @param lastLayer last layer, inclusive
   */
  public void quantizeBase(Quantizer quantizer, int firstLayer, int lastLayer) {
    checkRange(firstLayer, lastLayer);
    for (Projection pr : projections()) {
      if (pr.layer() >= firstLayer && pr.layer() <= lastLayer && pr.weight() != null) {
        NDArray w = pr.weight().getArray();
        pr.replaceBaseWithQuantized(quantizer.quantize(manager, w.toFloatArray(), w.getShape()));
      }
    }
  }

  /** Turns a dense tensor into a {@link QuantizedWeight}. */
  @FunctionalInterface
  public interface Quantizer {
    /**
     * Quantises a tensor.
     *
     * @param manager the model's manager
     * @param values row-major fp32 values
     * @param shape shape
     * @return the quantised weight
     */
    QuantizedWeight quantize(NDManager manager, float[] values, Shape shape);
  }

  private void checkRange(int firstLayer, int lastLayer) {
    if (firstLayer < 0 || lastLayer >= spec.numLayers() || firstLayer > lastLayer) {
      throw new IllegalArgumentException("layer range [" + firstLayer + ", " + lastLayer
          + "] is outside the model's " + spec.numLayers() + " layers");
    }
  }

  /**
   * Overwrites a tensor in place.
   *
   * @param hfName Hugging Face name
   * @param values row-major fp32 values
   * @param shape the tensor's shape, which must match the model's
   */
  public void setWeight(String hfName, float[] values, Shape shape) {
    Parameter p = parameters().get(hfName);
    if (p == null) {
      throw new IllegalArgumentException("the model has no tensor named " + hfName);
    }
    NDArray arr = p.getArray();
    if (!arr.getShape().equals(shape)) {
      throw new IllegalArgumentException("tensor " + hfName + " has shape " + arr.getShape()
          + " in the model but " + shape + " in the checkpoint");
    }
    copyInto(arr, manager.create(values, shape));
  }

  /**
   * Copies {@code src} into {@code dst} in place and closes {@code src}. Not {@code
   * NDArray.set(Buffer)}: on CPU that makes the tensor alias the (temporary) direct buffer without
   * owning it, so the weights turn to garbage once the JVM collects the buffer.
   *
   * @param dst the destination, e.g. a parameter array
   * @param src values of the same shape
   */
  public static void copyInto(NDArray dst, NDArray src) {
    try (src; NoGrad g = NoGrad.open()) {
      dst.set(new ai.djl.ndarray.index.NDIndex("..."), src);
    }
  }

  /**
   * The dense weights with every LoRA adapter folded in ({@code W + alpha/r * B A}), by HF name,
   * without adapter tensors. Quantised bases are dequantised first.
   *
   * @return merged weights as row-major fp32
   */
  public Map<String, float[]> mergedWeights() {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (NDManager tmp = manager.newSubManager()) {
      for (Map.Entry<String, Parameter> e : parameters().entrySet()) {
        if (!e.getKey().contains(".lora_")) {
          out.put(e.getKey(), e.getValue().getArray().toFloatArray());
        }
      }
      for (Projection pr : projections()) {
        String name = pr.path() + ".weight";
        NDArray w = pr.weight() != null
            ? pr.weight().getArray().duplicate()
            : pr.quantized().dequantize(tmp, DataType.FLOAT32);
        w.attach(tmp);
        if (pr.loraA() != null) {
          NDArray ba = pr.loraB().getArray().matMul(pr.loraA().getArray());
          ba.attach(tmp);
          w = w.add(Scalars.mul(ba, pr.loraScaling()));
        }
        out.put(name, w.toFloatArray());
      }
    }
    return out;
  }

  /**
   * Runs the model.
   *
   * @param tokens token ids, {@code [B, T]} INT64, attached to the step's manager
   * @param cache KV cache to extend, or null for a full-sequence pass
   * @param training whether dropout is active
   * @return logits {@code [B, T, V]} in fp32, attached to the tokens' manager
   */
  public NDArray forward(NDArray tokens, KvCache cache, boolean training) {
    checkWhole("forward");
    ForwardContext ctx = context(tokens, cache, training);
    NDArray h = embed(ctx, tokens);
    for (DecoderLayer layer : layers) {
      h = layer.apply(ctx, h);
    }
    NDArray logits = head(ctx, h);
    if (cache != null) {
      cache.advance((int) tokens.getShape().get(1));
    }
    return logits;
  }

  /** The pass's shared inputs; {@code tokens} may also be hidden states {@code [B, T, H]} (only B, T and the manager count). */
  ForwardContext context(NDArray tokens, KvCache cache, boolean training) {
    NDManager step = tokens.getManager();
    long t = tokens.getShape().get(1);
    int start = cache == null ? 0 : cache.length();
    NDArray[] cs = rotary.slice(step, start, (int) t);
    NDArray mask = t > 1 ? causalMask(step, start, (int) t) : null;
    if (mask != null && computeType != DataType.FLOAT32) {
      mask = mask.toType(computeType, false);
      mask.attach(step);
    }
    return new ForwardContext(parameterStore, step, training, computeType, cs[0], cs[1], mask, cache,
        this::halfCopy);
  }

  NDArray embed(ForwardContext ctx, NDArray tokens) {
    return Embedding.embedding(tokens, ctx.value(embed), SparseFormat.DENSE).singletonOrThrow();
  }

  /** Final norm and output head; logits in fp32. */
  NDArray head(ForwardContext ctx, NDArray h) {
    h = finalNorm.apply(ctx, h);
    NDArray logits = lmHead != null
        ? lmHead.apply(ctx, h)
        : Linear.linear(h, ctx.value(embed)).singletonOrThrow();
    if (logits.getDataType() == DataType.FLOAT32) {
      return logits;
    }
    // Adding a one-element fp32 tensor promotes to fp32 and, unlike toType, stays differentiable.
    return logits.add(ctx.manager().zeros(new Shape(1), DataType.FLOAT32));
  }

  /**
   * Forward, loss and backward of one training micro-batch with activation checkpointing: the
   * forward pass runs without recording a graph and keeps only each decoder layer's input; the
   * backward pass then goes from the head down, recomputing one layer at a time with recording on
   * and back-propagating the gradient that arrived at its output ({@code sum(y * g)} has gradient
   * {@code g} with respect to {@code y}). Peak activation memory is one layer's activations plus
   * the layer inputs instead of every layer's activations, for one extra forward per layer.
   * Gradients equal those of {@link #forward} followed by backward (up to summation order where a
   * tensor receives two contributions, as the tied embedding does). Backward stops at the lowest
   * layer that has a trainable tensor.
   *
   * <p>Must be called inside the step's gradient collector; the forward phase switches PyTorch's
   * (thread-local) grad mode off and restores it. Dropout is reseeded per layer with
   * {@code reseed} before both the forward and the recomputation, so both see the same masks.
   *
   * @param tokens inputs {@code [B, T]}, attached to the step's manager
   * @param labels next-token labels {@code [B, T]}
   * @param lossScale factor applied to the loss before backward (loss scaling, accumulation)
   * @param collector the open gradient collector
   * @param reseed called with a layer index (-1 for the head) before running that part
   * @return the unscaled loss
   */
  public float checkpointedBackward(NDArray tokens, NDArray labels, double lossScale,
      ai.djl.training.GradientCollector collector, java.util.function.IntConsumer reseed) {
    checkWhole("checkpointedBackward");
    NDManager step = tokens.getManager();
    ForwardContext ctx = context(tokens, null, true);
    int n = layers.size();
    NDArray[] inputs = new NDArray[n + 1];
    try (NoGrad g = NoGrad.open()) {
      inputs[0] = embed(ctx, tokens);
      for (int i = 0; i < n; i++) {
        DecoderLayer layer = layers.get(i);
        NDArray x = inputs[i];
        reseed.accept(i);
        inputs[i + 1] = inLayerManager(step, x, m -> layer.apply(ctx.withManager(m), x));
      }
    }
    boolean embedTrainable = embed.requiresGradient();
    int lowest = embedTrainable ? -1 : n;
    for (int i = 0; i < n && lowest == n; i++) {
      for (Parameter p : layers.get(i).getParameters().values()) {
        if (p.requiresGradient()) {
          lowest = i;
          break;
        }
      }
    }
    float[] loss = new float[1];
    reseed.accept(-1);
    NDArray grad = backwardThrough(step, inputs[n], lowest < n, collector, x -> {
      NDArray l = CausalLmLoss.crossEntropy(head(ctx.withManager(x.getManager()), x), labels);
      loss[0] = l.getFloat();
      return Scalars.mul(l, lossScale);
    });
    inputs[n].close();
    for (int i = n - 1; i >= Math.max(lowest, 0); i--) {
      NDArray g = grad;
      int layer = i;
      reseed.accept(i);
      grad = backwardThrough(step, inputs[i], i > lowest, collector,
          x -> layers.get(layer).apply(ctx.withManager(x.getManager()), x).mul(g).sum());
      g.close();
      inputs[i].close();
    }
    if (embedTrainable && grad != null) {
      NDArray g = grad;
      try (NDManager m = step.newSubManager()) {
        tokens.tempAttach(m);
        collector.backward(embed(ctx.withManager(m), tokens).mul(g).sum());
      }
    }
    if (grad != null) {
      grad.close();
    }
    for (NDArray x : inputs) {
      if (x != null) {
        x.close();
      }
    }
    return loss[0];
  }

  /** Runs {@code part} with its activations in a sub-manager and keeps only the result in {@code step}. */
  private static NDArray inLayerManager(NDManager step, NDArray input,
      java.util.function.Function<NDManager, NDArray> part) {
    try (NDManager m = step.newSubManager()) {
      input.tempAttach(m);
      NDArray out = part.apply(m);
      out.attach(step);
      return out;
    }
  }

  /**
   * Recomputes {@code part} on {@code input} with recording on, back-propagates the scalar it
   * returns and frees the recomputed activations.
   *
   * @return the gradient at {@code input} (attached to {@code step}), or null when not needed
   */
  private static NDArray backwardThrough(NDManager step, NDArray input, boolean needInputGrad,
      ai.djl.training.GradientCollector collector, java.util.function.Function<NDArray, NDArray> part) {
    if (needInputGrad) {
      input.setRequiresGradient(true);
    }
    try (NDManager m = step.newSubManager()) {
      input.tempAttach(m);
      collector.backward(part.apply(input));
      if (!needInputGrad) {
        return null;
      }
      NDArray g = input.getGradient();
      g.attach(step);
      return g;
    }
  }

  /**
   * The fp16 working copy of a parameter (mixed precision): a leaf that requires a gradient
   * exactly when the fp32 master does. Created on first use; {@link #refreshHalfCopies()} drops
   * them after the masters change.
   *
   * @param p a parameter of this model
   * @return its working copy in the compute dtype
   */
  public NDArray halfCopy(Parameter p) {
    NDArray h = halfCopies.get(p);
    if (h == null) {
      h = p.getArray().toType(computeType, true);
      h.attach(manager);
      if (p.requiresGradient()) {
        h.setRequiresGradient(true);
      }
      halfCopies.put(p, h);
    }
    return h;
  }

  /** Frees the fp16 working copies (and their gradients); the next forward re-creates them from the masters. */
  public void refreshHalfCopies() {
    for (NDArray h : halfCopies.values()) {
      h.close();
    }
    halfCopies.clear();
  }

  private NDArray causalMask(NDManager step, int start, int t) {
    if (start == 0) {
      NDArray cached = causalMasks.get(t);
      if (cached == null) {
        cached = buildMask(manager, 0, t);
        causalMasks.put(t, cached);
      }
      return cached;
    }
    return buildMask(step, start, t);
  }

  private static NDArray buildMask(NDManager m, int start, int t) {
    int keys = start + t;
    float[] mask = new float[t * keys];
    for (int i = 0; i < t; i++) {
      for (int j = start + i + 1; j < keys; j++) {
        mask[i * keys + j] = Float.NEGATIVE_INFINITY;
      }
    }
    return m.create(mask, new Shape(t, keys));
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(forward(inputs.singletonOrThrow(), null, training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), in.get(1), spec.vocabSize())};
  }

  @Override
  protected void initializeChildBlocks(NDManager m, DataType dataType, Shape... inputShapes) {
    // Every parameter is created initialised.
  }

  @Override
  public void close() {
    refreshHalfCopies();
    rotary.close();
    for (QuantizedWeight q : quantizedWeights().values()) {
      q.close();
    }
    manager.close();
  }
}
