package io.deltachain.trainer.pipeline;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.delta.DeltaMetadata;
import io.deltachain.core.profile.LayerRange;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.core.tensor.ShardedCheckpoint;
import io.deltachain.trainer.delta.DeltaExporter;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.NoGrad;
import io.deltachain.trainer.model.CausalLmLoss;
import io.deltachain.trainer.model.Projection;
import io.deltachain.trainer.model.Scalars;
import io.deltachain.trainer.model.SpanPass;
import io.deltachain.trainer.train.AdamW;
import io.deltachain.trainer.train.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * The engine side of one pipeline stage: its part of the model ({@link CausalLm#span}, only the
 * weights of its layers, plus the embedding on the first stage and the final norm and head on the
 * last), its own AdamW, and the micro-batches of the step in flight. Not thread-safe: PyTorch's
 * grad mode is per thread, so one thread drives a worker; forward and backward must run inside a
 * gradient collector that thread opened for the step.
 *
 * <p>Per micro-batch the forward pass keeps its graph (GPipe without re-materialisation: a stage
 * holds the activations of every micro-batch of the step until their backward pass). Backward of
 * the last stage starts from the loss scaled by {@code 1 / microBatches}; every other stage
 * back-propagates the gradient its successor returned through {@code sum(y * g)}. Gradients of
 * all micro-batches accumulate in the parameters; {@link #apply} clips with factors decided over
 * every stage and steps AdamW. Micro-batch backward passes run in ascending order, the order a
 * single process accumulates in, and dropout is reseeded per (step, micro-batch, layer) exactly as
 * {@code TrainingSession} does with activation checkpointing, so a pipeline reproduces the
 * single-process run.
 */
public final class StageWorker implements AutoCloseable {
  private final PipelineRun run;
  private final TrainingConfig config;
  private final int stage;
  private final int stages;
  private final LayerRange span;
  private final CausalLm model;
  private final AdamW optimizer;
  private final Map<String, Parameter> trainable = new LinkedHashMap<>();
  private final Map<String, float[]> baseSnapshot;
  private final ActivationRecord record;
  private int step;
  private StepState current;

  /** One micro-batch in flight: its activations live in {@code manager} until its backward pass. */
  private static final class Micro {
    NDManager manager;
    NDArray input;
    NDArray output;
    NDArray loss;
  }

  private static final class StepState {
    final long step;
    final Micro[] micro;
    double lossSum;
    long busyNanos;
    long tokens;
    int forwards;
    int backwards;

    StepState(long step, int microBatches) {
      this.step = step;
      this.micro = new Micro[microBatches];
    }
  }

  /**
   * Builds the stage's part of the model from the run's base (seeded initialisation or checkpoint)
   * and sets up its training mode.
   *
   * @param run the run's settings
   * @param stage this stage's index
   * @param stages stages in the pipeline
   * @param span this stage's layers
   * @throws IOException when the base checkpoint cannot be read or lacks a tensor
   */
  public StageWorker(PipelineRun run, int stage, int stages, LayerRange span) throws IOException {
    ModelProfile profile = run.modelProfile();
    span.checkWithin(profile);
    if (stage < 0 || stage >= stages) {
      throw new IllegalArgumentException("stage " + stage + " of " + stages + " does not exist");
    }
    if ((stage == 0) != (span.first() == 0) || (stage == stages - 1) != (span.last() == profile.numLayers() - 1)) {
      throw new IllegalArgumentException("stage " + stage + " of " + stages + " cannot hold layers " + span
          + " of a " + profile.numLayers() + "-layer model: the first stage starts at layer 0 and the last ends at the"
          + " last layer");
    }
    this.run = run;
    this.config = run.training();
    this.stage = stage;
    this.stages = stages;
    this.span = span;
    this.model = CausalLm.span(profile, Device.cpu(), run.initSeed(), span);
    try {
      if (run.baseCheckpoint() != null) {
        try (NoGrad g = NoGrad.open()) {
          loadBase(Path.of(run.baseCheckpoint()));
        }
      }
      if (config.mode() == TrainingMode.LORA) {
        model.attachLora(config.lora(), span.first(), span.last(), loraSeed());
      }
      model.setTrainable(config.mode() == TrainingMode.LORA ? name -> name.contains(".lora_") : name -> true);
      model.parameters().forEach((name, p) -> {
        if (p.requiresGradient()) {
          trainable.put(name, p);
        }
      });
      baseSnapshot = config.mode() == TrainingMode.FULL
          ? DeltaExporter.snapshot(model, span.first(), span.last(), true)
          : Map.of();
      optimizer = new AdamW(model.manager(), config.beta1(), config.beta2(), config.epsilon(), config.weightDecay());
    } catch (RuntimeException | IOException e) {
      model.close();
      throw e;
    }
    this.record = new ActivationRecord(stage, stages, span, run.microBatches());
  }

  /**
   * The seed {@code CausalLm.attachLora} would use for this span's first projection had the whole
   * model been given adapters at once ({@code TrainingSession}: seed + 1000, then 31 per target
   * projection in order), so each stage's adapters start as the single-process ones.
   */
  private int loraSeed() {
    long perLayer = model.projections().stream()
        .filter(p -> p.layer() == span.first() && config.lora().targetModules().contains(p.module())).count();
    return (int) config.seed() + 1000 + 31 * (int) (span.first() * perLayer);
  }

  private void loadBase(Path dir) throws IOException {
    try (ShardedCheckpoint ckpt = ShardedCheckpoint.open(dir)) {
      for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
        if (!ckpt.contains(e.getKey())) {
          throw new IOException("base checkpoint " + dir + " lacks tensor " + e.getKey());
        }
        model.setWeight(e.getKey(), ckpt.readFloats(e.getKey()), e.getValue().getArray().getShape());
      }
    }
  }

  /** @return the run's settings */
  public PipelineRun run() {
    return run;
  }

  /** @return this stage's index */
  public int stage() {
    return stage;
  }

  /** @return this stage's layers */
  public LayerRange span() {
    return span;
  }

  /** @return whether this stage holds the embedding (its input is tokens) */
  public boolean isFirst() {
    return stage == 0;
  }

  /** @return whether this stage holds the head (it computes the loss) */
  public boolean isLast() {
    return stage == stages - 1;
  }

  /** @return optimizer steps completed */
  public int step() {
    return step;
  }

  /** @return the stage's part of the model */
  public CausalLm model() {
    return model;
  }

  /** @return tensors this stage trains, by HF name */
  public Map<String, Parameter> trainable() {
    return trainable;
  }

  /** @return parameters this stage trains */
  public long trainableParameters() {
    return trainable.values().stream().mapToLong(p -> p.getArray().getShape().size()).sum();
  }

  /** @return the boundary hashes recorded so far */
  public ActivationRecord record() {
    return record;
  }

  /** @return whether a step is in flight */
  public boolean stepInFlight() {
    return current != null;
  }

  /**
   * Starts an optimizer step.
   *
   * @param atStep must equal {@link #step()}
   */
  public void beginStep(long atStep) {
    if (current != null) {
      throw new IllegalStateException("stage " + stage + " is already running step " + current.step);
    }
    if (atStep != step) {
      throw new IllegalStateException("stage " + stage + " has completed " + step + " steps; it cannot run step "
          + atStep);
    }
    current = new StepState(atStep, run.microBatches());
  }

  /**
   * Reseeds torch's generator from (seed, step, micro-batch, layer), the per-layer seeds
   * {@code TrainingSession} uses under activation checkpointing.
   */
  static IntConsumer reseeder(TrainingConfig config, long step, int micro) {
    long microSeed = config.seed() * 1_000_003L + step * config.gradientAccumulation() + micro;
    return layer -> Engine.getInstance().setRandomSeed((int) (microSeed * 1_009L + layer + 1));
  }

  /**
   * Forward pass of one micro-batch on the first stage.
   *
   * @param micro micro-batch index
   * @param tokens inputs {@code [B * T]} row-major
   * @param labels next-token labels when this stage is also the last, else null
   * @return the activation to send on, or null on a single-stage pipeline
   */
  public BoundaryTensor forwardTokens(int micro, long[] tokens, long[] labels) {
    if (!isFirst()) {
      throw new IllegalStateException("stage " + stage + " takes activations, not tokens");
    }
    return forward(micro, m -> m.create(tokens, new Shape(config.batchSize(), config.sequenceLength())), "", labels);
  }

  /**
   * Forward pass of one micro-batch on a later stage.
   *
   * @param micro micro-batch index
   * @param hidden the previous stage's activation
   * @param labels next-token labels on the last stage, else null
   * @return the activation to send on, or null on the last stage
   */
  public BoundaryTensor forwardHidden(int micro, BoundaryTensor hidden, long[] labels) {
    if (isFirst()) {
      throw new IllegalStateException("stage 0 takes tokens, not activations");
    }
    return forward(micro, m -> {
      NDArray x = hidden.toArray(m);
      x.setRequiresGradient(true);
      return x;
    }, hidden.sha256(), labels);
  }

  private BoundaryTensor forward(int micro, java.util.function.Function<NDManager, NDArray> input, String inHash,
      long[] labels) {
    StepState s = requireStep();
    if (micro < 0 || micro >= s.micro.length || s.micro[micro] != null) {
      throw new IllegalStateException("micro-batch " + micro + " of step " + s.step + " is out of range or ran already");
    }
    if (!JniUtils.isGradMode()) {
      throw new IllegalStateException("a stage's forward pass must run inside the step's gradient collector");
    }
    if (isLast() && labels == null) {
      throw new IllegalArgumentException("the last stage needs the labels of micro-batch " + micro);
    }
    long start = System.nanoTime();
    Micro mb = new Micro();
    mb.manager = model.manager().newSubManager();
    s.micro[micro] = mb;
    mb.input = input.apply(mb.manager);
    NDArray y = SpanPass.forward(model, mb.input, true, reseeder(config, s.step, micro));
    BoundaryTensor out = null;
    if (isLast()) {
      NDArray lab = mb.manager.create(labels, new Shape(config.batchSize(), config.sequenceLength()));
      mb.loss = CausalLmLoss.crossEntropy(y, lab);
      float loss = mb.loss.getFloat();
      s.lossSum += loss;
      record.put(s.step, micro, new ActivationRecord.Entry(inHash, "", loss));
    } else {
      mb.output = y;
      out = BoundaryTensor.of(y);
      record.put(s.step, micro, new ActivationRecord.Entry(inHash, out.sha256(), Double.NaN));
    }
    s.tokens += (long) config.batchSize() * config.sequenceLength();
    s.forwards++;
    s.busyNanos += System.nanoTime() - start;
    return out;
  }

  /**
   * Backward pass of one micro-batch.
   *
   * @param micro micro-batch index
   * @param gradient the gradient of this stage's output from the next stage; null on the last stage
   * @param collector the step's open gradient collector
   * @return the gradient of this stage's input, to send back; null on the first stage
   */
  public BoundaryTensor backward(int micro, BoundaryTensor gradient, GradientCollector collector) {
    StepState s = requireStep();
    Micro mb = micro >= 0 && micro < s.micro.length ? s.micro[micro] : null;
    if (mb == null || mb.manager == null) {
      throw new IllegalStateException("micro-batch " + micro + " of step " + s.step
          + " has no forward pass to go back through");
    }
    if (isLast() != (gradient == null)) {
      throw new IllegalArgumentException(isLast() ? "the last stage starts backward from its loss, not a gradient"
          : "stage " + stage + " needs the gradient of its output for micro-batch " + micro);
    }
    long start = System.nanoTime();
    if (isLast()) {
      collector.backward(Scalars.mul(mb.loss, 1.0 / run.microBatches()));
    } else {
      if (!java.util.Arrays.equals(gradient.shape(), mb.output.getShape().getShape())) {
        throw new IllegalArgumentException("gradient of shape " + java.util.Arrays.toString(gradient.shape())
            + " for an output of shape " + mb.output.getShape());
      }
      NDArray g = gradient.toArray(mb.manager);
      collector.backward(mb.output.mul(g).sum());
    }
    BoundaryTensor in = isFirst() ? null : BoundaryTensor.of(mb.input.getGradient());
    mb.manager.close();
    mb.manager = null;
    s.backwards++;
    s.busyNanos += System.nanoTime() - start;
    return in;
  }

  /** What a stage reports once every micro-batch of a step went forward and back. */
  public record StepGradients(long step, SortedMap<Integer, Double> layerSquares, boolean finite, double lossSum,
      long busyNanos, long tokens) {
  }

  /** @return whether every micro-batch of the step in flight has been through forward */
  public boolean forwardsComplete() {
    StepState s = current;
    return s != null && s.forwards == s.micro.length;
  }

  /** @return whether every micro-batch of the step in flight has been through backward */
  public boolean gradientsComplete() {
    StepState s = current;
    return s != null && s.backwards == s.micro.length;
  }

  /**
   * Squared gradient norms per layer of the step in flight (all micro-batches accumulated),
   * reduced on the device and read back in one transfer, as {@code TrainingSession} does.
   *
   * @return the report
   */
  public StepGradients gradients() {
    StepState s = requireStep();
    if (s.backwards != s.micro.length) {
      throw new IllegalStateException("step " + s.step + " has " + s.backwards + " of " + s.micro.length
          + " micro-batches through backward");
    }
    long start = System.nanoTime();
    List<String> names = new ArrayList<>(trainable.keySet());
    float[] sq;
    try (NDManager tmp = model.manager().newSubManager()) {
      NDList squares = new NDList(names.size());
      for (String name : names) {
        NDArray g = trainable.get(name).getArray().getGradient();
        NDArray square = g.square();
        square.attach(tmp);
        g.close();
        squares.add(square.sum());
      }
      NDArray all = NDArrays.stack(squares);
      all.attach(tmp);
      sq = all.toFloatArray();
    }
    SortedMap<Integer, Double> layers = new TreeMap<>();
    boolean finite = true;
    for (int i = 0; i < names.size(); i++) {
      double v = sq[i];
      finite &= Double.isFinite(v);
      layers.merge(CausalLm.layerOf(names.get(i)), v, Double::sum);
    }
    s.busyNanos += System.nanoTime() - start;
    return new StepGradients(s.step, layers, finite, s.lossSum, s.busyNanos, s.tokens);
  }

  /**
   * Clips with the pipeline-wide factors and steps AdamW, ending the step.
   *
   * @param rule the factors
   * @param learningRate this step's rate
   * @return steps completed
   */
  public int apply(ClipRule rule, double learningRate) {
    StepState s = requireStep();
    if (s.backwards != s.micro.length) {
      throw new IllegalStateException("step " + s.step + " cannot be applied before every micro-batch's backward");
    }
    withoutGrad(() -> {
      for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
        NDArray weight = e.getValue().getArray();
        NDArray grad = weight.getGradient();
        double f = rule.factor(CausalLm.layerOf(e.getKey()));
        if (f != 1.0) {
          // Outside the graph, so DJL's Number overload is safe here (see Scalars).
          grad.muli((float) f);
        }
        optimizer.update(e.getKey(), weight, grad, learningRate, weight.getShape().dimension() > 1);
        grad.close();
      }
      return null;
    });
    current = null;
    return ++step;
  }

  /**
   * Drops the step in flight, if any: frees its activations, zeroes the gradients it accumulated
   * and forgets its boundary hashes.
   */
  public void abort() {
    StepState s = current;
    if (s == null) {
      return;
    }
    for (Micro mb : s.micro) {
      if (mb != null && mb.manager != null) {
        mb.manager.close();
      }
    }
    if (s.backwards > 0) {
      withoutGrad(() -> {
        for (Parameter p : trainable.values()) {
          try (NDArray g = p.getArray().getGradient()) {
            g.set(new NDIndex("..."), 0f);
          }
        }
        return null;
      });
    }
    record.truncate(s.step);
    current = null;
  }

  /**
   * Runs in-place updates of parameters with PyTorch's grad mode off. Grad mode is per thread and
   * on by default in threads other than the one that started the engine, and an in-place write to
   * a leaf that requires a gradient is refused while it is on.
   */
  private static <T> T withoutGrad(java.util.function.Supplier<T> body) {
    return NoGrad.run(body);
  }

  private StepState requireStep() {
    if (current == null) {
      throw new IllegalStateException("stage " + stage + " has no step in flight");
    }
    return current;
  }

  /**
   * Saves this stage's trained tensors, optimizer state, step and activation record.
   *
   * @param dir target directory (replaced)
   * @throws IOException on write failure
   */
  public void saveCheckpoint(Path dir) throws IOException {
    if (current != null) {
      throw new IllegalStateException("stage " + stage + " cannot checkpoint in the middle of step " + current.step);
    }
    StageCheckpoint.save(dir, this, run, optimizer);
  }

  /**
   * Restores a checkpoint archive as a coordinator keeps them ({@code checkpoint-STEP.zip}: one
   * stage's state, packed), for example to spot-check that stage at that step.
   *
   * @param archive the archive
   * @throws IOException when it is unreadable or belongs to another stage or run
   */
  public void restoreCheckpointArchive(Path archive) throws IOException {
    Path tmp = Files.createTempDirectory("stage-checkpoint-");
    try {
      StageCheckpoint.unpack(archive, tmp.resolve("checkpoint"));
      restoreCheckpoint(tmp.resolve("checkpoint"));
    } finally {
      StageCheckpoint.deleteRecursively(tmp);
    }
  }

  /**
   * Rolls this stage back (or forward) to a checkpoint, dropping any step in flight.
   *
   * @param dir the checkpoint
   * @throws IOException when it is missing, unreadable or belongs to another stage or run
   */
  public void restoreCheckpoint(Path dir) throws IOException {
    abort();
    StageCheckpoint.Restored r;
    try (NoGrad g = NoGrad.open()) {
      r = StageCheckpoint.restore(dir, this, run, optimizer);
    }
    step = r.step();
    record.truncate(0);
    ActivationRecord saved = r.record();
    for (long[] k : saved.keys()) {
      record.put(k[0], (int) k[1], saved.get(k[0], (int) k[1]));
    }
  }

  /**
   * This stage's deltas (dense for FULL, LoRA factors for LORA), one per layer it trained, with
   * the activation record and the stage's place in the pipeline in every file's metadata.
   *
   * @param roundId the round
   * @param trainerId this stage's trainer
   * @param baseHash hash of the base checkpoint
   * @return the delta files, ordered by layer
   */
  public List<DeltaFile> deltas(long roundId, String trainerId, ContentHash baseHash) {
    DeltaMetadata.Builder template = DeltaMetadata.builder().setBaseHash(baseHash).setRoundId(roundId)
        .setTrainerId(trainerId)
        .optMetric("mode", config.mode().name())
        .optMetric("steps", Integer.toString(step))
        .optMetric("pipeline.stage", Integer.toString(stage))
        .optMetric("pipeline.stages", Integer.toString(stages))
        .optMetric("pipeline.layers", span.toString())
        .optMetric("pipeline.micro_batches", Integer.toString(run.microBatches()))
        .optMetric(ActivationRecord.METADATA_KEY, record.toJson().encode())
        .optMetric(ActivationRecord.METADATA_HASH_KEY, record.sha256());
    return config.mode() == TrainingMode.LORA
        ? DeltaExporter.lora(model, template)
        : DeltaExporter.dense(model, baseSnapshot, template);
  }

  /** @return the projections of this stage's layers (for tests and reports) */
  List<Projection> projections() {
    return model.projections();
  }

  @Override
  public void close() {
    abort();
    optimizer.close();
    model.close();
  }
}
