package io.deltachain.trainer.pipeline;

import ai.djl.engine.Engine;
import ai.djl.training.GradientCollector;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.profile.LayerRange;
import io.deltachain.trainer.pipeline.proto.AbortReply;
import io.deltachain.trainer.pipeline.proto.ApplyReply;
import io.deltachain.trainer.pipeline.proto.ApplyRequest;
import io.deltachain.trainer.pipeline.proto.CheckpointRequest;
import io.deltachain.trainer.pipeline.proto.ReadFileRequest;
import io.deltachain.trainer.pipeline.proto.CheckpointReply;
import io.deltachain.trainer.pipeline.proto.DeltaOut;
import io.deltachain.trainer.pipeline.proto.FinishReply;
import io.deltachain.trainer.pipeline.proto.FinishRequest;
import io.deltachain.trainer.pipeline.proto.LayerFactor;
import io.deltachain.trainer.pipeline.proto.LayerSquare;
import io.deltachain.trainer.pipeline.proto.LinkReply;
import io.deltachain.trainer.pipeline.proto.LinkRequest;
import io.deltachain.trainer.pipeline.proto.MicroBatchHashes;
import io.deltachain.trainer.pipeline.proto.PipelineStageGrpcClient;
import io.deltachain.trainer.pipeline.proto.PipelineStageGrpcService;
import io.deltachain.trainer.pipeline.proto.FileChunk;
import io.deltachain.trainer.pipeline.proto.ResetReply;
import io.deltachain.trainer.pipeline.proto.RestoreReply;
import io.deltachain.trainer.pipeline.proto.Schedule;
import io.deltachain.trainer.pipeline.proto.StageStatus;
import io.deltachain.trainer.pipeline.proto.StageReady;
import io.deltachain.trainer.pipeline.proto.StageSetup;
import io.deltachain.trainer.pipeline.proto.StepReport;
import io.deltachain.trainer.pipeline.proto.StepRequest;
import io.deltachain.trainer.pipeline.proto.TensorChunk;
import io.deltachain.trainer.pipeline.proto.TensorKind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline stage as a gRPC service ({@code deltachain.pipeline.v1.PipelineStage}). The
 * coordinator configures it, links it to the next stage and drives its steps; activations and
 * gradients travel only on the {@code Exchange} streams between neighbours.
 *
 * <p>All engine work runs on one compute thread (PyTorch's grad mode is per thread and only one
 * gradient collector may be open per JVM); the event loop only moves messages. State owned by the
 * compute thread: the {@link StageWorker}, the step in flight and its collector. State owned by the
 * event loop: the two links.
 *
 * <p>Files: the stage writes only inside its work directory. Checkpoint and output names in
 * requests are relative names there, and {@code ReadFile} serves only files under it, so a
 * coordinator on another machine can neither write nor read elsewhere on the stage's disk. A
 * checkpoint is also packed into one archive that the coordinator fetches and, when this stage
 * dies, streams to its replacement ({@code RestoreFrom}). {@code Reset} empties the directory.
 *
 * <p>Failures end the step with a gRPC status the coordinator reads: INVALID_ARGUMENT for a bad
 * request, FAILED_PRECONDITION for a call out of order, UNAVAILABLE when a neighbour's link broke
 * mid-step, INTERNAL otherwise.
 */
public final class StageService extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(StageService.class);
  /** Message limit of the stage's gRPC server and client: a step's tokens travel in one message. */
  public static final long MAX_MESSAGE_BYTES = 64L << 20;
  /** What a name in a request may look like: relative, plain parts, no {@code ..}. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*");
  private static final String CHECKPOINT_PREFIX = "checkpoint";

  private final String host;
  private final int port;
  private final Path workDir;
  private final boolean ownsWorkDir;
  private String token;
  private HttpServer server;
  private GrpcClient client;
  private Context context;
  private final ExecutorService compute = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "pipeline-stage-compute");
    t.setDaemon(true);
    return t;
  });

  // Compute thread only.
  private StageWorker worker;
  private StageSetup setup;
  private GradientCollector collector;
  private StepRun inFlight;
  private final Map<Integer, BoundaryTensor> early = new TreeMap<>();
  private long earlyStep = -1;

  // Event loop only.
  private GrpcClientRequest<TensorChunk, TensorChunk> downstream;
  private GrpcServerResponse<TensorChunk, TensorChunk> upstream;

  /** A step between its Step call and the stage's report. */
  private static final class StepRun {
    final StepRequest request;
    final Promise<StepReport> reply;
    /** Most micro-batches that may sit between forward and backward on this stage. */
    final int limit;
    /** Activations received and not yet through forward, by micro-batch (they arrive in order). */
    final TreeMap<Integer, BoundaryTensor> waiting = new TreeMap<>();
    int nextTokens;
    int forwards;
    int backwards;
    int peakHeld;

    StepRun(StepRequest request, Promise<StepReport> reply, int limit) {
      this.request = request;
      this.reply = reply;
      this.limit = limit;
    }

    boolean oneFOneB() {
      return request.getSchedule() == Schedule.ONE_F_ONE_B;
    }
  }

  /** A failure with the gRPC status it is reported as. */
  static final class StageException extends RuntimeException {
    final GrpcStatus status;

    StageException(GrpcStatus status, String message) {
      super(message);
      this.status = status;
    }
  }

  /**
   * A stage with a temporary work directory, deleted when the stage stops.
   *
   * @param host address to listen on
   * @param port port, 0 for any free one
   * @throws IOException when the directory cannot be made
   */
  public StageService(String host, int port) throws IOException {
    this(host, port, Files.createTempDirectory("deltachain-stage-"), true);
  }

  /**
   * @param host address to listen on
   * @param port port, 0 for any free one
   * @param workDir where the stage keeps checkpoints and outputs (created; kept when the stage stops)
   */
  public StageService(String host, int port, Path workDir) {
    this(host, port, workDir, false);
  }

  private StageService(String host, int port, Path workDir, boolean ownsWorkDir) {
    this.host = host;
    this.port = port;
    this.workDir = workDir.toAbsolutePath().normalize();
    this.ownsWorkDir = ownsWorkDir;
  }

  /**
   * Answers only calls that carry this token, and sends it to the next stage (see
   * {@link StageToken}); without one, whoever reaches the port can drive the stage. Called before
   * the stage is deployed.
   *
   * @param token the deployment's stage token
   * @return this
   * @throws IllegalArgumentException when the token is too short or not printable ASCII
   */
  public StageService requireToken(String token) {
    this.token = StageToken.check(token, "the stage token");
    return this;
  }

  /** @return the directory the stage writes in */
  public Path workDir() {
    return workDir;
  }

  /** @return the port bound */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(MAX_MESSAGE_BYTES));
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(MAX_MESSAGE_BYTES));
    unary(grpc, PipelineStageGrpcService.Configure, req -> onCompute(() -> configure(req)));
    unary(grpc, PipelineStageGrpcService.Link, this::link);
    grpc.callHandler(PipelineStageGrpcService.Exchange, this::exchange);
    unary(grpc, PipelineStageGrpcService.Step, req -> {
      Promise<StepReport> reply = Promise.promise();
      compute.execute(() -> startStep(req, reply));
      return reply.future();
    });
    unary(grpc, PipelineStageGrpcService.Apply, req -> onCompute(() -> apply(req)));
    unary(grpc, PipelineStageGrpcService.Checkpoint, req -> onCompute(() -> checkpoint(req)));
    unary(grpc, PipelineStageGrpcService.Restore, req -> onCompute(() -> {
      failStep(new StageException(GrpcStatus.ABORTED, "the stage was rolled back to a checkpoint"));
      requireWorker().restoreCheckpoint(checkpointDir(req.getDir()));
      return RestoreReply.newBuilder().setStep(worker.step()).build();
    }));
    grpc.callHandler(PipelineStageGrpcService.ReadFile, req -> req.handler(msg -> readFile(msg.getName(),
        req.response())));
    grpc.callHandler(PipelineStageGrpcService.RestoreFrom, this::restoreFrom);
    unary(grpc, PipelineStageGrpcService.Status, req -> onCompute(this::status));
    unary(grpc, PipelineStageGrpcService.Reset, req -> {
      dropLinks();
      return onCompute(this::reset);
    });
    unary(grpc, PipelineStageGrpcService.Abort, req -> onCompute(() -> {
      failStep(new StageException(GrpcStatus.ABORTED, "step aborted by the coordinator"));
      if (worker != null) {
        worker.abort();
      }
      return AbortReply.getDefaultInstance();
    }));
    unary(grpc, PipelineStageGrpcService.Finish, req -> onCompute(() -> finish(req)));
    return vertx.executeBlocking(() -> Files.createDirectories(workDir))
        .compose(d -> vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
            .requestHandler(req -> {
              if (token == null || StageToken.matches(req.getHeader(StageToken.HEADER), token)) {
                grpc.handle(req);
              } else {
                // a trailers-only gRPC answer, before any message is read
                String why = req.getHeader(StageToken.HEADER) == null ? "this stage needs its token: send the"
                    + " metadata 'authorization: Bearer <token>'" : "the stage token is not valid";
                LOG.warn("stage call {} from {} refused: {}", req.path(), req.remoteAddress(), why);
                req.response().putHeader("content-type", "application/grpc")
                    .putHeader("grpc-status", Integer.toString(GrpcStatus.UNAUTHENTICATED.code))
                    .putHeader("grpc-message", why).end();
              }
            })
            .listen())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.compose(v -> client.close()).andThen(ar -> {
      compute.execute(() -> {
        failStep(new StageException(GrpcStatus.UNAVAILABLE, "the stage is stopping"));
        if (worker != null) {
          worker.close();
          worker = null;
        }
        if (ownsWorkDir) {
          try {
            StageCheckpoint.deleteRecursively(workDir);
          } catch (IOException e) {
            LOG.warn("could not remove the stage's work directory {}: {}", workDir, e.toString());
          }
        }
      });
      compute.shutdown();
    });
  }

  private <Q, R> void unary(GrpcServer grpc, ServiceMethod<Q, R> method, Function<Q, Future<R>> body) {
    grpc.callHandler(method, req -> req.handler(msg -> {
      Future<R> result;
      try {
        result = body.apply(msg);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> context.runOnContext(v -> {
        if (ar.succeeded()) {
          req.response().end(ar.result());
        } else {
          fail(req.response(), ar.cause());
        }
      }));
    }));
  }

  private static void fail(GrpcServerResponse<?, ?> resp, Throwable t) {
    GrpcStatus status;
    if (t instanceof StageException se) {
      status = se.status;
    } else if (t instanceof IllegalArgumentException) {
      status = GrpcStatus.INVALID_ARGUMENT;
    } else if (t instanceof IllegalStateException || t instanceof IOException) {
      status = GrpcStatus.FAILED_PRECONDITION;
    } else {
      LOG.error("pipeline stage call failed", t);
      status = GrpcStatus.INTERNAL;
    }
    String msg = t.getMessage() == null ? t.toString() : t.getMessage();
    resp.status(status).statusMessage(msg).end();
  }

  private <T> Future<T> onCompute(Callable<T> task) {
    Promise<T> p = Promise.promise();
    compute.execute(() -> {
      try {
        p.complete(task.call());
      } catch (Throwable t) {
        p.fail(t);
      }
    });
    return p.future();
  }

  private StageWorker requireWorker() {
    if (worker == null) {
      throw new IllegalStateException("the stage is not configured");
    }
    return worker;
  }

  // ---- compute thread ----

  private StageReady configure(StageSetup req) throws IOException {
    if (worker != null) {
      if (!req.equals(setup)) {
        throw new IllegalStateException("the stage is already configured as stage " + setup.getStageIndex()
            + " (layers " + worker.span() + ") of another setup");
      }
    } else {
      PipelineRun run = PipelineRun.fromJson(new JsonObject(req.getRunJson()));
      worker = new StageWorker(run, req.getStageIndex(), req.getStageCount(),
          new LayerRange(req.getFirstLayer(), req.getLastLayer()));
      setup = req;
      LOG.info("stage {} of {} configured: layers {}, {} trainable parameters", req.getStageIndex(),
          req.getStageCount(), worker.span(), worker.trainableParameters());
    }
    return StageReady.newBuilder().setStageIndex(setup.getStageIndex())
        .setTrainableParameters(worker.trainableParameters()).setStep(worker.step()).build();
  }

  private void startStep(StepRequest req, Promise<StepReport> reply) {
    try {
      requireWorker();
      if (inFlight != null) {
        throw new IllegalStateException("step " + inFlight.request.getStep() + " is still running");
      }
      PipelineRun run = worker.run();
      int tokens = run.microBatches() * run.training().batchSize() * run.training().sequenceLength();
      if (req.getMicroBatches() != run.microBatches() || req.getBatchSize() != run.training().batchSize()
          || req.getSequenceLength() != run.training().sequenceLength()) {
        throw new IllegalArgumentException("step " + req.getStep() + " asks for " + req.getMicroBatches() + " x "
            + req.getBatchSize() + " x " + req.getSequenceLength() + " but the run is " + run.microBatches() + " x "
            + run.training().batchSize() + " x " + run.training().sequenceLength());
      }
      if (worker.isFirst() && req.getTokensCount() != tokens) {
        throw new IllegalArgumentException("the first stage needs " + tokens + " tokens, got " + req.getTokensCount());
      }
      if (worker.isLast() && req.getLabelsCount() != tokens) {
        throw new IllegalArgumentException("the last stage needs " + tokens + " labels, got " + req.getLabelsCount());
      }
      if (req.getSchedule() == Schedule.UNRECOGNIZED) {
        throw new IllegalArgumentException("unknown schedule " + req.getScheduleValue());
      }
      worker.beginStep(req.getStep());
      // 1F1B: the stage k of S keeps S - k micro-batches in flight (the last one goes forward then
      // straight back); GPipe: no limit, and the last stage starts backward after every forward.
      int limit = req.getSchedule() == Schedule.ONE_F_ONE_B ? setup.getStageCount() - setup.getStageIndex()
          : Integer.MAX_VALUE;
      inFlight = new StepRun(req, reply, limit);
      collector = Engine.getInstance().newGradientCollector();
    } catch (RuntimeException e) {
      reply.fail(e);
      return;
    }
    try {
      if (!worker.isFirst() && earlyStep == req.getStep()) {
        inFlight.waiting.putAll(early);
      }
      early.clear();
      earlyStep = -1;
      pump();
    } catch (RuntimeException e) {
      failStep(e);
    }
  }

  /**
   * Runs whatever forward and backward passes the schedule allows now, in micro-batch order, and
   * reports the step once every backward is done. Called after the Step call and after every
   * activation or gradient that arrives.
   */
  private void pump() {
    StepRun run = inFlight;
    if (run == null) {
      return;
    }
    int m = run.request.getMicroBatches();
    while (run.forwards - run.backwards < run.limit) {
      int micro;
      BoundaryTensor out;
      if (worker.isFirst()) {
        if (run.nextTokens >= m) {
          break;
        }
        micro = run.nextTokens++;
        out = worker.forwardTokens(micro, slice(run.request.getTokensList(), micro), labels(micro));
      } else {
        if (run.waiting.isEmpty() || run.waiting.firstKey() != run.forwards) {
          break;
        }
        Map.Entry<Integer, BoundaryTensor> e = run.waiting.pollFirstEntry();
        micro = e.getKey();
        out = worker.forwardHidden(micro, e.getValue(), labels(micro));
      }
      run.forwards++;
      run.peakHeld = Math.max(run.peakHeld, run.forwards - run.backwards);
      if (out != null) {
        send(TensorKind.ACTIVATION, run.request.getStep(), micro, out);
      }
      if (worker.isLast() && run.oneFOneB()) {
        backwardLast(run, micro);
      }
    }
    if (worker.isLast() && !run.oneFOneB() && run.forwards == m && run.backwards == 0) {
      for (int i = 0; i < m; i++) {
        backwardLast(run, i);
      }
    }
    if (run.backwards == m) {
      completeStep();
    }
  }

  private void backwardLast(StepRun run, int micro) {
    BoundaryTensor g = worker.backward(micro, null, collector);
    run.backwards++;
    if (g != null) {
      send(TensorKind.GRADIENT, run.request.getStep(), micro, g);
    }
  }

  private long[] labels(int micro) {
    return worker.isLast() ? slice(inFlight.request.getLabelsList(), micro) : null;
  }

  private long[] slice(List<Long> all, int micro) {
    int n = worker.run().training().batchSize() * worker.run().training().sequenceLength();
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = all.get(micro * n + i);
    }
    return out;
  }

  private void onActivation(long step, int micro, BoundaryTensor t) {
    if (worker == null) {
      return;
    }
    if (inFlight == null || inFlight.request.getStep() != step) {
      // The Step call may reach this stage after its predecessor's first activation.
      if (inFlight == null && step == worker.step()) {
        if (earlyStep != step) {
          early.clear();
          earlyStep = step;
        }
        early.put(micro, t);
      } else {
        LOG.warn("dropping an activation of step {} micro-batch {}: the stage is at step {}", step, micro,
            worker.step());
      }
      return;
    }
    try {
      inFlight.waiting.put(micro, t);
      pump();
    } catch (RuntimeException e) {
      failStep(e);
    }
  }

  private void onGradient(long step, int micro, BoundaryTensor g) {
    if (inFlight == null || inFlight.request.getStep() != step) {
      LOG.warn("dropping a gradient of step {} micro-batch {}: no such step in flight", step, micro);
      return;
    }
    try {
      BoundaryTensor in = worker.backward(micro, g, collector);
      inFlight.backwards++;
      if (in != null) {
        send(TensorKind.GRADIENT, step, micro, in);
      }
      pump();
    } catch (RuntimeException e) {
      failStep(e);
    }
  }

  private void completeStep() {
    StageWorker.StepGradients g = worker.gradients();
    closeCollector();
    StepReport.Builder r = StepReport.newBuilder().setStep(g.step()).setFinite(g.finite()).setLossSum(g.lossSum())
        .setBusyNanos(g.busyNanos()).setTokens(g.tokens()).setPeakHeld(inFlight.peakHeld);
    g.layerSquares().forEach((l, v) -> r.addLayerSquares(LayerSquare.newBuilder().setLayer(l).setSquaredNorm(v)));
    for (int m = 0; m < inFlight.request.getMicroBatches(); m++) {
      ActivationRecord.Entry e = worker.record().get(g.step(), m);
      r.addHashes(MicroBatchHashes.newBuilder().setMicroBatch(m).setInputSha256(e.inputSha256())
          .setOutputSha256(e.outputSha256()));
    }
    StepRun done = inFlight;
    inFlight = null;
    done.reply.complete(r.build());
  }

  private void failStep(Throwable t) {
    closeCollector();
    early.clear();
    earlyStep = -1;
    if (inFlight != null) {
      StepRun run = inFlight;
      inFlight = null;
      if (worker != null) {
        worker.abort();
      }
      LOG.warn("step {} failed: {}", run.request.getStep(), t.getMessage());
      run.reply.tryFail(t);
    }
  }

  private void closeCollector() {
    if (collector != null) {
      collector.close();
      collector = null;
    }
  }

  private ApplyReply apply(ApplyRequest req) {
    requireWorker();
    if (inFlight != null) {
      throw new IllegalStateException("step " + inFlight.request.getStep() + " has not finished its backward passes");
    }
    if (req.getStep() != worker.step()) {
      throw new IllegalStateException("the stage has completed " + worker.step() + " steps; cannot apply step "
          + req.getStep());
    }
    TreeMap<Integer, Double> factors = new TreeMap<>();
    for (LayerFactor f : req.getLayerFactorsList()) {
      factors.put(f.getLayer(), f.getFactor());
    }
    int done = worker.apply(new ClipRule(factors, req.getGlobalFactor(), Double.NaN), req.getLearningRate());
    return ApplyReply.newBuilder().setStep(done).build();
  }

  private FinishReply finish(FinishRequest req) throws IOException {
    requireWorker();
    if (inFlight != null || worker.stepInFlight()) {
      throw new IllegalStateException("the stage is in the middle of a step");
    }
    Path out = resolve(req.getOutDir());
    Files.createDirectories(out);
    FinishReply.Builder r = FinishReply.newBuilder();
    List<DeltaFile> deltas = worker.deltas(req.getRoundId(), req.getTrainerId(), ContentHash.parse(req.getBaseHash()));
    for (DeltaFile d : deltas) {
      Path f = out.resolve("delta-" + d.metadata().layer() + ".safetensors");
      long bytes = d.write(f);
      r.addDeltas(DeltaOut.newBuilder().setLayer(d.metadata().layer()).setPath(nameOf(f))
          .setSha256(ContentHash.sha256(f).hex()).setBytes(bytes));
    }
    Path recordFile = out.resolve("activations-stage-" + worker.stage() + ".json");
    String json = worker.record().toJson().encode();
    Files.writeString(recordFile, json, StandardCharsets.UTF_8);
    return r.setActivationRecordSha256(worker.record().sha256())
        .setActivationRecordPath(nameOf(recordFile)).build();
  }

  // ---- files ----

  /** A request's name as a path in the work directory; anything else is refused. */
  private Path resolve(String name) {
    if (name == null || !NAME.matcher(name).matches() || name.length() > 200) {
      throw new IllegalArgumentException("'" + name + "' is not a name in the stage's work directory (a relative"
          + " name of letters, digits, '.', '_', '-' and '/' without '..')");
    }
    Path p = workDir.resolve(name).normalize();
    if (!p.startsWith(workDir) || p.equals(workDir)) {
      throw new IllegalArgumentException("'" + name + "' is outside the stage's work directory");
    }
    return p;
  }

  private Path checkpointDir(String name) {
    if (!name.startsWith(CHECKPOINT_PREFIX) || name.contains("/") || name.endsWith(".zip")) {
      throw new IllegalArgumentException("'" + name + "' is not a checkpoint name (" + CHECKPOINT_PREFIX
          + "-<something>, one part)");
    }
    return resolve(name);
  }

  private String nameOf(Path p) {
    return workDir.relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }

  private CheckpointReply checkpoint(CheckpointRequest req) throws IOException {
    Path dir = checkpointDir(req.getDir());
    Path keep = req.getKeep().isEmpty() ? null : checkpointDir(req.getKeep());
    requireWorker().saveCheckpoint(dir);
    Path archive = dir.resolveSibling(dir.getFileName() + ".zip");
    long bytes = StageCheckpoint.pack(dir, archive);
    // Older checkpoints than the one the coordinator may still roll back to are of no use.
    try (var entries = Files.list(workDir)) {
      for (Path e : entries.toList()) {
        String n = e.getFileName().toString();
        String base = n.endsWith(".zip") ? n.substring(0, n.length() - 4) : n;
        if (base.startsWith(CHECKPOINT_PREFIX) && !base.equals(dir.getFileName().toString())
            && (keep == null || !base.equals(keep.getFileName().toString()))) {
          StageCheckpoint.deleteRecursively(e);
        }
      }
    }
    return CheckpointReply.newBuilder().setStep(worker.step()).setArchive(nameOf(archive)).setArchiveSize(bytes)
        .build();
  }

  private void readFile(String name, GrpcServerResponse<ReadFileRequest, FileChunk> resp) {
    Path file;
    try {
      file = resolve(name);
    } catch (IllegalArgumentException e) {
      fail(resp, e);
      return;
    }
    if (!Files.isRegularFile(file)) {
      resp.status(GrpcStatus.NOT_FOUND).statusMessage("the stage has no file '" + name + "'").end();
      return;
    }
    FileTransfer.send(vertx, file, "", resp).onFailure(t -> {
      LOG.warn("sending {} failed: {}", name, t.toString());
      resp.status(GrpcStatus.INTERNAL).statusMessage("sending '" + name + "' failed: " + t.getMessage()).end();
    });
  }

  private void restoreFrom(GrpcServerRequest<FileChunk, RestoreReply> req) {
    Path incoming = workDir.resolve("incoming-checkpoint.zip");
    FileTransfer.receive(vertx, req, incoming)
        .compose(received -> onCompute(() -> {
          try {
            Path dir = checkpointDir(received.name());
            failStep(new StageException(GrpcStatus.ABORTED, "the stage was rolled back to a checkpoint"));
            StageWorker w = requireWorker();
            StageCheckpoint.unpack(incoming, dir);
            Files.move(incoming, dir.resolveSibling(dir.getFileName() + ".zip"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            w.restoreCheckpoint(dir);
            LOG.info("stage {} restored from a forwarded checkpoint at step {} ({} bytes)", w.stage(), w.step(),
                received.bytes());
            return RestoreReply.newBuilder().setStep(w.step()).build();
          } finally {
            Files.deleteIfExists(incoming);
          }
        }))
        .onComplete(ar -> context.runOnContext(v -> {
          if (ar.succeeded()) {
            req.response().end(ar.result());
          } else {
            fail(req.response(), ar.cause());
          }
        }));
  }

  private StageStatus status() {
    StageStatus.Builder b = StageStatus.newBuilder().setConfigured(worker != null);
    if (worker != null) {
      b.setStageIndex(setup.getStageIndex()).setStageCount(setup.getStageCount())
          .setFirstLayer(setup.getFirstLayer()).setLastLayer(setup.getLastLayer()).setStep(worker.step())
          .setStepInFlight(inFlight != null || worker.stepInFlight());
    }
    return b.build();
  }

  private ResetReply reset() throws IOException {
    failStep(new StageException(GrpcStatus.ABORTED, "the stage was reset"));
    if (worker != null) {
      LOG.info("stage {} (layers {}) reset: its run is forgotten", worker.stage(), worker.span());
      worker.close();
      worker = null;
      setup = null;
    }
    try (var entries = Files.list(workDir)) {
      for (Path e : entries.toList()) {
        StageCheckpoint.deleteRecursively(e);
      }
    }
    return ResetReply.getDefaultInstance();
  }

  /** Event loop: forget both neighbours. */
  private void dropLinks() {
    if (downstream != null) {
      GrpcClientRequest<TensorChunk, TensorChunk> old = downstream;
      downstream = null;
      old.cancel();
    }
    if (upstream != null) {
      GrpcServerResponse<TensorChunk, TensorChunk> old = upstream;
      upstream = null;
      old.end();
    }
  }

  // ---- event loop: links ----

  private void send(TensorKind kind, long step, int micro, BoundaryTensor t) {
    List<TensorChunk> chunks = t.chunks(kind, step, micro);
    context.runOnContext(v -> {
      if (kind == TensorKind.ACTIVATION) {
        if (downstream == null) {
          compute.execute(() -> failStep(new StageException(GrpcStatus.FAILED_PRECONDITION,
              "the stage is not linked to the next stage")));
          return;
        }
        chunks.forEach(downstream::write);
      } else {
        if (upstream == null) {
          compute.execute(() -> failStep(new StageException(GrpcStatus.UNAVAILABLE,
              "the previous stage is not linked to this one")));
          return;
        }
        chunks.forEach(upstream::write);
      }
    });
  }

  private Future<LinkReply> link(LinkRequest req) {
    if (downstream != null) {
      GrpcClientRequest<TensorChunk, TensorChunk> old = downstream;
      downstream = null;
      old.cancel();
    }
    SocketAddress next = SocketAddress.inetSocketAddress(req.getNextPort(), req.getNextHost());
    Promise<LinkReply> linked = Promise.promise();
    client.request(next, PipelineStageGrpcClient.Exchange).onFailure(linked::tryFail).onSuccess(call -> {
      if (token != null) {
        call.headers().set(StageToken.HEADER, StageToken.header(token));
      }
      BoundaryTensor.Assembler assembler = new BoundaryTensor.Assembler();
      call.response().onFailure(t -> linkLost(call, "the next stage at " + next + " refused the link: " + t.getMessage()))
          .onSuccess(resp -> {
            resp.handler(chunk -> {
              if (chunk.getKind() == TensorKind.HELLO) {
                downstream = call;
                linked.tryComplete(LinkReply.getDefaultInstance());
                return;
              }
              try {
                BoundaryTensor g = assembler.accept(chunk);
                if (g != null) {
                  compute.execute(() -> onGradient(chunk.getStep(), chunk.getMicroBatch(), g));
                }
              } catch (RuntimeException e) {
                linkLost(call, "bad gradient from the next stage: " + e.getMessage());
              }
            });
            resp.exceptionHandler(t -> linkLost(call, "link to the next stage at " + next + " broke: " + t));
            resp.endHandler(v -> linkLost(call, "the next stage at " + next + " closed the link"));
          });
      call.exceptionHandler(t -> linkLost(call, "link to the next stage at " + next + " broke: " + t));
      call.write(TensorChunk.newBuilder().setKind(TensorKind.HELLO).build());
    });
    return linked.future().andThen(ar -> {
      if (ar.failed()) {
        LOG.warn("could not link to the next stage at {}: {}", next, ar.cause().getMessage());
      }
    });
  }

  private void linkLost(GrpcClientRequest<TensorChunk, TensorChunk> call, String why) {
    if (downstream != call) {
      return;
    }
    downstream = null;
    LOG.warn(why);
    compute.execute(() -> failStep(new StageException(GrpcStatus.UNAVAILABLE, why)));
  }

  private void exchange(GrpcServerRequest<TensorChunk, TensorChunk> req) {
    GrpcServerResponse<TensorChunk, TensorChunk> resp = req.response();
    BoundaryTensor.Assembler assembler = new BoundaryTensor.Assembler();
    req.handler(chunk -> {
      if (chunk.getKind() == TensorKind.HELLO) {
        upstream = resp;
        resp.write(TensorChunk.newBuilder().setKind(TensorKind.HELLO).build());
        return;
      }
      if (upstream != resp) {
        return;
      }
      try {
        BoundaryTensor a = assembler.accept(chunk);
        if (a != null) {
          compute.execute(() -> onActivation(chunk.getStep(), chunk.getMicroBatch(), a));
        }
      } catch (RuntimeException e) {
        upstreamLost(resp, "bad activation from the previous stage: " + e.getMessage());
        resp.status(GrpcStatus.INVALID_ARGUMENT).statusMessage(e.getMessage()).end();
      }
    });
    req.exceptionHandler(t -> upstreamLost(resp, "link from the previous stage broke: " + t));
    req.errorHandler(e -> upstreamLost(resp, "link from the previous stage ended with " + e));
    req.endHandler(v -> {
      upstreamLost(resp, "the previous stage closed the link");
      resp.end();
    });
  }

  private void upstreamLost(GrpcServerResponse<TensorChunk, TensorChunk> resp, String why) {
    if (upstream != resp) {
      return;
    }
    upstream = null;
    LOG.warn(why);
    compute.execute(() -> failStep(new StageException(GrpcStatus.UNAVAILABLE, why)));
  }
}
