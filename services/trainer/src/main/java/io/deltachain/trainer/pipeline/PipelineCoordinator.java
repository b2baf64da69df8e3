package io.deltachain.trainer.pipeline;

import io.deltachain.core.content.ContentHash;
import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.data.BatchSource;
import io.deltachain.trainer.pipeline.proto.AbortRequest;
import io.deltachain.trainer.pipeline.proto.ApplyRequest;
import io.deltachain.trainer.pipeline.proto.CheckpointReply;
import io.deltachain.trainer.pipeline.proto.CheckpointRequest;
import io.deltachain.trainer.pipeline.proto.DeltaOut;
import io.deltachain.trainer.pipeline.proto.FinishReply;
import io.deltachain.trainer.pipeline.proto.FinishRequest;
import io.deltachain.trainer.pipeline.proto.LayerFactor;
import io.deltachain.trainer.pipeline.proto.LayerSquare;
import io.deltachain.trainer.pipeline.proto.LinkRequest;
import io.deltachain.trainer.pipeline.proto.PipelineStageGrpcClient;
import io.deltachain.trainer.pipeline.proto.RestoreReply;
import io.deltachain.trainer.pipeline.proto.RestoreRequest;
import io.deltachain.trainer.pipeline.proto.Schedule;
import io.deltachain.trainer.pipeline.proto.StageSetup;
import io.deltachain.trainer.pipeline.proto.StepReport;
import io.deltachain.trainer.pipeline.proto.StepRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one pipeline: starts a stage process per span of the layout, configures and links them,
 * then runs optimizer steps. Per step it sends every stage its {@code Step} call at once (tokens to
 * the first, labels to the last); stages pass activations and gradients among themselves and each
 * replies with its squared gradient norms; the coordinator decides the clipping factors over the
 * whole model ({@link ClipRule}) and tells every stage to {@code Apply} them with the step's
 * learning rate.
 *
 * <p>Failure handling: every call has a deadline, and a stage whose link to a neighbour breaks
 * fails its step at once, so a stage that dies mid-step is noticed within a round trip (or the
 * step deadline when it hangs). The coordinator then asks every stage to abort; the ones that do
 * not answer are stopped and replaced by fresh processes, every stage rolls back to the last
 * coordinated checkpoint (taken every {@link Options#checkpointEvery} steps, and at step 0), the
 * links are re-made and training resumes from there with the data rewound. Because stage
 * checkpoints hold weights, optimizer state and activation records, and dropout is reseeded from
 * the step, the resumed run computes what the uninterrupted one would have. Each recovery is
 * reported ({@link Recovery}): which stages were replaced and how many steps were redone.
 *
 * <p>Checkpoints: each stage writes its own in its work directory, and the coordinator fetches a
 * copy of each (one archive per stage, over gRPC, hash checked) into {@link Options#checkpointRoot}
 * before it counts the checkpoint as taken. A stage that survives a failure rolls back to its own
 * copy; a replacement (a fresh local process, or a spare endpoint on another machine) is configured
 * with the dead stage's span and receives the coordinator's copy ({@code RestoreFrom}), so nothing
 * depends on the stages sharing a disk. Checkpoints are named after their step, and the previous
 * one is kept until the next is complete on every stage, so a failure during a checkpoint still
 * rolls back to a consistent step.
 *
 * <p>Blocking: call from a worker or main thread, never from an event loop.
 */
public final class PipelineCoordinator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineCoordinator.class);

  /**
   * @param callTimeout deadline of short calls (configure, link, apply, abort, checkpoint)
   * @param stepTimeout deadline of a whole step's forward and backward passes
   * @param checkpointEvery steps between coordinated stage checkpoints (0 = only at step 0)
   * @param checkpointRoot where the coordinator keeps its copy of stage {@code k}'s checkpoints
   *     ({@code stage-k/checkpoint-<step>.zip})
   * @param schedule GPipe (every forward, then every backward) or 1F1B (stage {@code k} of
   *     {@code S} holds at most {@code S - k} micro-batches' activations); the same arithmetic in the
   *     same order, so the same losses
   * @param maxRecoveries how many stage failures a run survives before giving up
   */
  public record Options(Duration callTimeout, Duration stepTimeout, int checkpointEvery, Path checkpointRoot,
      int maxRecoveries, Schedule schedule) {
    /** Validates. */
    public Options {
      if (checkpointEvery < 0 || maxRecoveries < 0) {
        throw new IllegalArgumentException("checkpointEvery and maxRecoveries must not be negative");
      }
      if (schedule == null || schedule == Schedule.UNRECOGNIZED) {
        throw new IllegalArgumentException("a schedule is GPIPE or ONE_F_ONE_B");
      }
    }

    /** GPipe. */
    public Options(Duration callTimeout, Duration stepTimeout, int checkpointEvery, Path checkpointRoot,
        int maxRecoveries) {
      this(callTimeout, stepTimeout, checkpointEvery, checkpointRoot, maxRecoveries, Schedule.GPIPE);
    }
  }

  /** Hooks for progress reports and tests. */
  public interface Listener {
    /** Every stage has been sent its Step call for {@code step}. @param step the step */
    default void stepSent(long step) {
    }

    /** A step completed. @param record what it did */
    default void stepDone(StepRecord record) {
    }

    /** A failed stage was replaced and training rolled back. @param recovery what happened */
    default void recovered(Recovery recovery) {
    }

    /**
     * Every stage's checkpoint as of the start of {@code step} is complete and fetched; the
     * copies are replaced by the next checkpoint, so a listener that wants them copies them now.
     *
     * @param step the step the checkpoint starts
     * @param archives per stage, the coordinator's copy of its checkpoint archive
     */
    default void checkpointTaken(long step, List<Path> archives) {
    }
  }

  /**
   * One optimizer step.
   *
   * @param step the step
   * @param loss mean loss over its micro-batches
   * @param globalNorm the unclipped gradient norm over every stage
   * @param passNanos time from sending the Step calls to the last stage's report
   * @param applyNanos time of the Apply calls
   * @param busyNanos per stage, time spent computing this step
   * @param tokens tokens trained on
   * @param peakHeld per stage, the most micro-batches whose activations it held at once
   */
  public record StepRecord(long step, double loss, double globalNorm, long passNanos, long applyNanos,
      long[] busyNanos, long tokens, int[] peakHeld) {
  }

  /**
   * A stage failure and what was done about it.
   *
   * @param failedStep the step that failed
   * @param replacedStages stages replaced by new processes
   * @param resumedFromStep the checkpoint every stage rolled back to
   * @param lostSteps completed steps redone because of the roll-back, plus the failed one
   * @param cause how the failure was detected
   * @param recoveryNanos time from the failure to the pipeline being ready again
   */
  public record Recovery(long failedStep, List<Integer> replacedStages, long resumedFromStep, long lostSteps,
      String cause, long recoveryNanos) {
  }

  /**
   * A finished run.
   *
   * @param steps every completed step, in order (redone steps appear once, with their final values)
   * @param recoveries stage failures survived
   * @param stages stages in the pipeline
   */
  public record Result(List<StepRecord> steps, List<Recovery> recoveries, int stages) {
    /** @return the loss curve */
    public List<Double> losses() {
      return steps.stream().map(StepRecord::loss).toList();
    }

    /**
     * @param skip leading steps left out (warm-up)
     * @return tokens per second over the steps after {@code skip}
     */
    public double tokensPerSecond(int skip) {
      long tokens = 0;
      long nanos = 0;
      for (StepRecord r : steps.subList(skip, steps.size())) {
        tokens += r.tokens();
        nanos += r.passNanos() + r.applyNanos();
      }
      return tokens / (nanos / 1e9);
    }

    /**
     * The measured bubble: the share of stage-time during the forward and backward phase in
     * which stages were not computing ({@code 1 - sum(busy) / (stages * pass time)}), which counts
     * waiting for neighbours and transfer time.
     *
     * @param skip leading steps left out (warm-up)
     * @return the fraction
     */
    public double bubbleFraction(int skip) {
      double busy = 0;
      double pass = 0;
      for (StepRecord r : steps.subList(skip, steps.size())) {
        for (long b : r.busyNanos()) {
          busy += b;
        }
        pass += (double) r.passNanos() * r.busyNanos().length;
      }
      return 1 - busy / pass;
    }
  }

  /** The run could not continue. */
  public static final class PipelineException extends RuntimeException {
    PipelineException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Vertx vertx;
  private final PipelineRun run;
  private final PipelineLayout layout;
  private final StageLauncher launcher;
  private final Options options;
  private final GrpcClient client;
  private final StageLauncher.StageProcess[] processes;
  private long checkpointStep;

  /**
   * @param vertx the Vert.x instance the gRPC client runs on
   * @param run the run's settings
   * @param layout the stages' spans
   * @param launcher starts stage processes
   * @param options deadlines, checkpoints, recoveries
   */
  public PipelineCoordinator(Vertx vertx, PipelineRun run, PipelineLayout layout, StageLauncher launcher,
      Options options) {
    if (layout.numLayers() != run.modelProfile().numLayers()) {
      throw new IllegalArgumentException("the layout covers " + layout.numLayers() + " layers, the model has "
          + run.modelProfile().numLayers());
    }
    this.vertx = vertx;
    this.run = run;
    this.layout = layout;
    this.launcher = launcher;
    this.options = options;
    this.client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(StageService.MAX_MESSAGE_BYTES)
        .setScheduleDeadlineAutomatically(true));
    this.processes = new StageLauncher.StageProcess[layout.stages()];
  }

  /** @return the number of stages */
  public int stages() {
    return layout.stages();
  }

  /**
   * @param stage a stage index
   * @return its current process
   */
  public StageLauncher.StageProcess process(int stage) {
    return processes[stage];
  }

  /**
   * Starts, configures and links every stage and takes the step-0 checkpoint.
   *
   * @throws IOException when a stage cannot be started or configured
   */
  public void start() throws IOException {
    for (int k = 0; k < processes.length; k++) {
      processes[k] = launcher.launch(k);
    }
    for (int k = processes.length - 1; k >= 0; k--) {
      configure(k);
    }
    linkAll();
    checkpointAll(0);
    checkpointStep = 0;
  }

  private void configure(int k) {
    StageSetup setup = StageSetup.newBuilder().setRunJson(run.toJson().encode()).setStageIndex(k)
        .setStageCount(layout.stages()).setFirstLayer(layout.span(k).first()).setLastLayer(layout.span(k).last())
        .build();
    var ready = await(call(k, PipelineStageGrpcClient.Configure, setup, options.callTimeout()), options.callTimeout());
    LOG.info("stage {} ready on {}:{}: layers {}, {} trainable parameters", k, processes[k].host(),
        processes[k].port(), layout.span(k), ready.getTrainableParameters());
  }

  private void linkAll() {
    for (int k = 0; k + 1 < processes.length; k++) {
      LinkRequest link = LinkRequest.newBuilder().setNextHost(processes[k + 1].host())
          .setNextPort(processes[k + 1].port()).build();
      await(call(k, PipelineStageGrpcClient.Link, link, options.callTimeout()), options.callTimeout());
    }
  }

  private static String checkpointName(long step) {
    return "checkpoint-" + step;
  }

  private Path checkpointCopy(int k, long step) {
    return options.checkpointRoot().resolve("stage-" + k).resolve(checkpointName(step) + ".zip").toAbsolutePath();
  }

  /**
   * Every stage saves its state as of {@code step} and the coordinator fetches a copy of each;
   * only then may the caller count it as the checkpoint to roll back to. The last complete one is
   * kept on the stages and here until then.
   */
  private void checkpointAll(long step) {
    String name = checkpointName(step);
    CheckpointRequest.Builder req = CheckpointRequest.newBuilder().setDir(name);
    if (step != checkpointStep) {
      req.setKeep(checkpointName(checkpointStep));
    }
    List<Future<CheckpointReply>> saved = new ArrayList<>();
    for (int k = 0; k < processes.length; k++) {
      saved.add(call(k, PipelineStageGrpcClient.Checkpoint, req.build(), options.callTimeout()));
    }
    List<CheckpointReply> replies = await(Future.all(saved).map(cf -> cf.<CheckpointReply>list()), options.callTimeout());
    List<Future<?>> fetched = new ArrayList<>();
    for (int k = 0; k < processes.length; k++) {
      fetched.add(client(k).readFile(replies.get(k).getArchive(), checkpointCopy(k, step),
          options.stepTimeout()));
    }
    awaitStage(Future.all(fetched), options.stepTimeout(), "fetching the checkpoint of step " + step);
    for (int k = 0; k < processes.length; k++) {
      try (var copies = Files.list(checkpointCopy(k, step).getParent())) {
        for (Path c : copies.toList()) {
          String n = c.getFileName().toString();
          if (!n.equals(checkpointName(step) + ".zip") && !n.equals(checkpointName(checkpointStep) + ".zip")) {
            Files.deleteIfExists(c);
          }
        }
      } catch (IOException e) {
        LOG.warn("could not remove old checkpoint copies of stage {}: {}", k, e.toString());
      }
    }
    LOG.info("checkpoint of step {} taken: {} bytes from {} stages", step,
        replies.stream().mapToLong(CheckpointReply::getArchiveSize).sum(), processes.length);
  }

  /**
   * Trains {@code run.training().steps()} optimizer steps.
   *
   * @param data batches, consumed {@code microBatches} per step from its current position (which is
   *     taken as step 0)
   * @param listener progress hooks (may be null)
   * @return the loss curve, timings and recoveries
   */
  public Result train(BatchSource data, Listener listener) {
    Listener l = listener == null ? new Listener() { } : listener;
    int m = run.microBatches();
    int steps = run.training().steps();
    long origin = data.position();
    List<StepRecord> records = new ArrayList<>();
    List<Recovery> recoveries = new ArrayList<>();
    long step = 0;
    while (step < steps) {
      List<Batch> batches = new ArrayList<>();
      for (int i = 0; i < m; i++) {
        batches.add(data.next());
      }
      long started = System.nanoTime();
      try {
        StepRecord r = runStep(step, batches, l);
        records.add(r);
        l.stepDone(r);
        step++;
        if (options.checkpointEvery() > 0 && step % options.checkpointEvery() == 0 && step < steps) {
          checkpointAll(step);
          checkpointStep = step;
          List<Path> archives = new ArrayList<>();
          for (int k = 0; k < processes.length; k++) {
            archives.add(checkpointCopy(k, step));
          }
          l.checkpointTaken(step, archives);
        }
      } catch (StageClient.StageCallException f) {
        if (recoveries.size() >= options.maxRecoveries()) {
          throw new PipelineException("step " + step + " failed and the run already survived " + recoveries.size()
              + " stage failures: " + f.getMessage(), f);
        }
        LOG.warn("step {} failed: {}; recovering", step, f.getMessage());
        List<Integer> replaced = recover();
        Recovery rec = new Recovery(step, replaced, checkpointStep, step - checkpointStep + 1, f.getMessage(),
            System.nanoTime() - started);
        recoveries.add(rec);
        l.recovered(rec);
        step = checkpointStep;
        records.subList((int) step, records.size()).clear();
        data.seek(origin + step * m);
      }
    }
    return new Result(List.copyOf(records), List.copyOf(recoveries), layout.stages());
  }

  private StepRecord runStep(long step, List<Batch> batches, Listener l) {
    int last = processes.length - 1;
    Batch b0 = batches.get(0);
    StepRequest.Builder common = StepRequest.newBuilder().setStep(step).setMicroBatches(batches.size())
        .setBatchSize(b0.size()).setSequenceLength(b0.length()).setSchedule(options.schedule());
    List<Future<StepReport>> fs = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int k = 0; k < processes.length; k++) {
      StepRequest.Builder req = common.clone();
      if (k == 0) {
        batches.forEach(b -> {
          for (long t : b.flatInputs()) {
            req.addTokens(t);
          }
        });
      }
      if (k == last) {
        batches.forEach(b -> {
          for (long t : b.flatLabels()) {
            req.addLabels(t);
          }
        });
      }
      fs.add(call(k, PipelineStageGrpcClient.Step, req.build(), options.stepTimeout()));
    }
    l.stepSent(step);
    List<StepReport> reports = awaitStage(Future.all(fs).map(cf -> cf.<StepReport>list()), options.stepTimeout(),
        "step " + step);
    long pass = System.nanoTime() - t0;
    Map<Integer, Double> squares = new TreeMap<>();
    long[] busy = new long[reports.size()];
    int[] held = new int[reports.size()];
    for (int k = 0; k < reports.size(); k++) {
      StepReport r = reports.get(k);
      if (!r.getFinite()) {
        throw new PipelineException("stage " + k + " has non-finite gradients at step " + step, null);
      }
      for (LayerSquare s : r.getLayerSquaresList()) {
        squares.merge(s.getLayer(), s.getSquaredNorm(), Double::sum);
      }
      busy[k] = r.getBusyNanos();
      held[k] = r.getPeakHeld();
    }
    ClipRule rule = ClipRule.decide(squares, run.training().maxGradNorm(), run.training().maxLayerGradNorm());
    ApplyRequest.Builder apply = ApplyRequest.newBuilder().setStep(step)
        .setLearningRate(run.training().schedule().at((int) step)).setGlobalFactor(rule.globalFactor());
    rule.layerFactors().forEach((layer, f) -> apply.addLayerFactors(LayerFactor.newBuilder().setLayer(layer).setFactor(f)));
    long t1 = System.nanoTime();
    List<Future<?>> applied = new ArrayList<>();
    for (int k = 0; k < processes.length; k++) {
      applied.add(call(k, PipelineStageGrpcClient.Apply, apply.build(), options.callTimeout()));
    }
    awaitStage(Future.all(applied), options.callTimeout(), "applying step " + step);
    long applyNanos = System.nanoTime() - t1;
    double loss = reports.get(last).getLossSum() / batches.size();
    return new StepRecord(step, loss, rule.globalNorm(), pass, applyNanos, busy, reports.get(0).getTokens(), held);
  }

  /**
   * Finds the stages that no longer answer, replaces them (the replacement gets the coordinator's
   * copy of the dead stage's checkpoint), rolls every other stage back to its own and re-links.
   */
  private List<Integer> recover() {
    List<Integer> replaced = new ArrayList<>();
    Duration probe = options.callTimeout();
    for (int k = 0; k < processes.length; k++) {
      boolean alive = processes[k].isAlive();
      if (alive) {
        try {
          await(call(k, PipelineStageGrpcClient.Abort, AbortRequest.getDefaultInstance(), probe), probe);
        } catch (RuntimeException e) {
          LOG.warn("stage {} does not answer: {}", k, e.getMessage());
          alive = false;
        }
      }
      if (!alive) {
        LOG.warn("replacing stage {} ({}:{}); its last output:\n{}", k, processes[k].host(), processes[k].port(),
            processes[k].recentOutput());
        processes[k].close();
        try {
          processes[k] = launcher.launch(k);
        } catch (IOException e) {
          throw new PipelineException("could not start a replacement for stage " + k + ": " + e.getMessage(), e);
        }
        configure(k);
        replaced.add(k);
      }
    }
    String name = checkpointName(checkpointStep);
    List<Future<RestoreReply>> fs = new ArrayList<>();
    for (int k = 0; k < processes.length; k++) {
      fs.add(replaced.contains(k)
          ? client(k).restoreFrom(checkpointCopy(k, checkpointStep), name, options.stepTimeout())
          : call(k, PipelineStageGrpcClient.Restore, RestoreRequest.newBuilder().setDir(name).build(),
              options.callTimeout()));
    }
    List<RestoreReply> restored = awaitStage(Future.all(fs).map(cf -> cf.<RestoreReply>list()), options.stepTimeout(),
        "restoring the checkpoint of step " + checkpointStep);
    for (int k = 0; k < restored.size(); k++) {
      if (restored.get(k).getStep() != checkpointStep) {
        throw new PipelineException("stage " + k + " restored step " + restored.get(k).getStep() + ", not "
            + checkpointStep, null);
      }
    }
    linkAll();
    return replaced;
  }

  /**
   * One stage's output, fetched into the coordinator's directory.
   *
   * @param stage the stage index
   * @param span its layers
   * @param deltas its delta files, ordered by layer
   * @param activationRecord its activation record (JSON)
   * @param activationRecordSha256 the record's hash, as in every delta's metadata
   */
  public record StageOutput(int stage, io.deltachain.core.profile.LayerRange span, List<DeltaOutput> deltas,
      Path activationRecord, String activationRecordSha256) {
  }

  /**
   * One delta file.
   *
   * @param layer the layer (Hugging Face name)
   * @param file where it is here
   * @param sha256 its hex SHA-256 (checked on arrival)
   * @param bytes its size
   */
  public record DeltaOutput(String layer, Path file, String sha256, long bytes) {
  }

  /**
   * Has every stage write its deltas and activation record, then fetches them (hash checked).
   *
   * @param outDir directory here; stage {@code k}'s files go into {@code stage-k}
   * @param roundId the round
   * @param trainerIds one trainer id per stage
   * @param baseHash hash of the base checkpoint
   * @return one output per stage
   */
  public List<StageOutput> finish(Path outDir, long roundId, List<String> trainerIds, ContentHash baseHash) {
    if (trainerIds.size() != processes.length) {
      throw new IllegalArgumentException(processes.length + " stages need " + processes.length + " trainer ids, got "
          + trainerIds.size());
    }
    List<StageOutput> out = new ArrayList<>();
    for (int k = 0; k < processes.length; k++) {
      FinishRequest req = FinishRequest.newBuilder().setOutDir("deltas").setRoundId(roundId)
          .setTrainerId(trainerIds.get(k)).setBaseHash(baseHash.hex()).build();
      FinishReply reply = await(call(k, PipelineStageGrpcClient.Finish, req, options.stepTimeout()),
          options.stepTimeout());
      Path dir = outDir.resolve("stage-" + k).toAbsolutePath();
      List<DeltaOutput> deltas = new ArrayList<>();
      for (DeltaOut d : reply.getDeltasList()) {
        Path target = dir.resolve(Path.of(d.getPath()).getFileName().toString());
        FileTransfer.Received r = awaitStage(client(k).readFile(d.getPath(), target, options.stepTimeout()),
            options.stepTimeout(), "fetching " + d.getPath() + " of stage " + k);
        if (!r.sha256().equals(d.getSha256())) {
          throw new PipelineException("stage " + k + " said " + d.getPath() + " hashes to " + d.getSha256()
              + " but sent a file hashing to " + r.sha256(), null);
        }
        deltas.add(new DeltaOutput(d.getLayer(), target, r.sha256(), r.bytes()));
      }
      Path record = dir.resolve(Path.of(reply.getActivationRecordPath()).getFileName().toString());
      awaitStage(client(k).readFile(reply.getActivationRecordPath(), record, options.stepTimeout()),
          options.stepTimeout(), "fetching the activation record of stage " + k);
      out.add(new StageOutput(k, layout.span(k), List.copyOf(deltas), record, reply.getActivationRecordSha256()));
    }
    return out;
  }

  private <Q, R> Future<R> call(int k, ServiceMethod<R, Q> method, Q message, Duration timeout) {
    return client(k).call(method, message, timeout);
  }

  private StageClient client(int k) {
    StageLauncher.StageProcess p = processes[k];
    return new StageClient(vertx, client, p.host(), p.port(), "stage " + k, p.token());
  }

  private static <T> T await(Future<T> f, Duration timeout) {
    return awaitStage(f, timeout, "call");
  }

  private static <T> T awaitStage(Future<T> f, Duration timeout, String what) {
    try {
      // A little beyond the gRPC deadline, which normally fires first with a clearer message.
      return f.toCompletionStage().toCompletableFuture().get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof StageClient.StageCallException sf ? sf
          : new StageClient.StageCallException(GrpcStatus.UNKNOWN, what + " failed: " + c.getMessage(), c);
    } catch (TimeoutException e) {
      throw new StageClient.StageCallException(GrpcStatus.DEADLINE_EXCEEDED, what + " got no answer within "
          + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipelineException("interrupted during " + what, e);
    }
  }

  /** Stops every stage process. */
  @Override
  public void close() {
    for (StageLauncher.StageProcess p : processes) {
      if (p != null) {
        try {
          p.close();
        } catch (RuntimeException e) {
          LOG.warn("could not stop a stage: {}", e.getMessage());
        }
      }
    }
    client.close();
  }
}
