package io.deltachain.trainer.service;

import ai.djl.Device;
import com.google.protobuf.ByteString;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.tx.TxEnvelopes;
import io.deltachain.core.tx.TxLimits;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.Capabilities;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.RegisterNode;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.trainer.task.JobResult;
import io.deltachain.trainer.model.LayerCheckpoints;
import io.deltachain.trainer.replay.ReplayRecorder;
import io.deltachain.trainer.task.TrainingJob;
import io.deltachain.trainer.task.TrainingTask;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer node. On start it measures its throughput (on a worker), registers (a RegisterNode
 * transaction signed with its key, and an event-bus announcement with its capabilities), then
 * heartbeats. A task offer is accepted or refused with a reason; an accepted task trains on a
 * single-thread worker executor (one training per JVM, as DJL allows one gradient collector),
 * publishing progress after every step; its delta files are uploaded and each is submitted as a
 * SubmitDelta transaction signed with the node's key. A cancel request stops it between steps.
 */
public final class TrainerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TrainerVerticle.class);
  /** Latest training loss and throughput (double bits), for the deltachain_trainer_* gauges. */
  private final java.util.concurrent.atomic.AtomicLong trainingLoss = new java.util.concurrent.atomic.AtomicLong(Double.doubleToRawLongBits(Double.NaN));
  private final java.util.concurrent.atomic.AtomicLong tokensPerSecond = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong utilizationGauge =
      new java.util.concurrent.atomic.AtomicLong(Double.doubleToRawLongBits(Double.NaN));
  private final java.util.concurrent.atomic.AtomicLong uploadedBytes = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong uploadRate = new java.util.concurrent.atomic.AtomicLong();
  private DeviceUtilization utilization;
  /** Steps between resume checkpoints; a re-offered task continues from its last one. */
  static final int CHECKPOINT_EVERY = 50;

  private final TrainerConfig config;
  private final DeltaUploader uploader;
  private final ChainClient chain;
  private final Function<Device, Double> throughputProbe;
  private final LayerCheckpoints.BlobSource checkpoints;
  private final AtomicReference<RunningTask> running = new AtomicReference<>();
  private WorkerExecutor executor;
  private Capabilities capabilities;
  private long heartbeatTimer;

  private record RunningTask(TrainingTask task, AtomicBoolean cancelled, AtomicReference<Integer> step) {
  }

  /**
   * Creates the verticle.
   *
   * @param config node settings
   * @param uploader delta-store client
   * @param chain chain client
   */
  public TrainerVerticle(TrainerConfig config, DeltaUploader uploader, ChainClient chain) {
    this(config, uploader, chain, ThroughputProbe::measure, LayerCheckpoints.BlobSource.none());
  }

  /**
   * Creates the verticle for a node that can train on layers that already have a head.
   *
   * @param config node settings
   * @param uploader delta-store client
   * @param chain chain client
   * @param checkpoints where a task's base layer checkpoints are fetched (the delta store); called
   *     on the training worker thread, so it may block
   * @return the verticle
   */
  public static TrainerVerticle withCheckpoints(TrainerConfig config, DeltaUploader uploader, ChainClient chain,
      LayerCheckpoints.BlobSource checkpoints) {
    return new TrainerVerticle(config, uploader, chain, ThroughputProbe::measure, checkpoints);
  }

  TrainerVerticle(TrainerConfig config, DeltaUploader uploader, ChainClient chain,
      Function<Device, Double> throughputProbe) {
    this(config, uploader, chain, throughputProbe, LayerCheckpoints.BlobSource.none());
  }

  TrainerVerticle(TrainerConfig config, DeltaUploader uploader, ChainClient chain,
      Function<Device, Double> throughputProbe, LayerCheckpoints.BlobSource checkpoints) {
    this.config = config;
    this.uploader = uploader;
    this.chain = chain;
    this.throughputProbe = throughputProbe;
    this.checkpoints = checkpoints;
  }

  private String nodeId() {
    return config.key().addressHex();
  }

  /** @return the capabilities registered at start (null before) */
  public Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public Future<?> start() {
    executor = vertx.createSharedWorkerExecutor("trainer-" + nodeId(), 1, 7, TimeUnit.DAYS);
    utilization = DeviceUtilization.of(config.device());
    vertx.eventBus().<JsonObject>consumer(TrainerAddresses.taskOffer(nodeId()), this::onOffer);
    vertx.eventBus().<JsonObject>consumer(TrainerAddresses.taskCancel(nodeId()), this::onCancel);
    return executor.executeBlocking(() -> config.probeThroughput() ? throughputProbe.apply(config.device()) : 0.0)
        .compose(tps -> {
          capabilities = Capabilities.newBuilder()
              .setDevice(describe(config.device()))
              .setMemoryBytes(config.memoryBytes())
              .setTokensPerSecondMilli(Math.round(tps * 1000))
              .setBandwidthBytesPerSecond(config.bandwidthBytesPerSecond())
              .setGpuClass(config.device().isGpu() ? "gpu" : "cpu")
              .build();
          RegisterNode body = RegisterNode.newBuilder().setRole(NodeRole.TRAINER)
              .setCapabilities(capabilities).setMoniker(config.moniker()).build();
          return chain.nextNonce(config.key().publicKey())
              .compose(nonce -> chain.broadcast(TxEnvelopes.sign(config.key(), config.chainId(), nonce,
                  BodyType.REGISTER_NODE, body)));
        })
        .onSuccess(tx -> {
          io.micrometer.core.instrument.MeterRegistry m = io.deltachain.core.metrics.ServiceMetrics.registry();
          io.micrometer.core.instrument.Gauge.builder("deltachain_trainer_loss", trainingLoss,
              v -> Double.longBitsToDouble(v.get())).description("Training loss of the latest step")
              .tag("trainer", nodeId()).register(m);
          io.micrometer.core.instrument.Gauge.builder("deltachain_trainer_tokens_per_second", tokensPerSecond,
              v -> Double.longBitsToDouble(v.get())).description("Training throughput of the running task")
              .tag("trainer", nodeId()).register(m);
          io.micrometer.core.instrument.Gauge.builder("deltachain_trainer_device_utilization", utilizationGauge,
              v -> Double.longBitsToDouble(v.get()))
              .description("Busy share of the training device at the last heartbeat (NVML on a GPU, process CPU load on the CPU)")
              .tag("trainer", nodeId()).tag("device", describe(config.device())).register(m);
          io.micrometer.core.instrument.Gauge.builder("deltachain_trainer_upload_bytes_per_second", uploadRate,
              v -> Double.longBitsToDouble(v.get())).description("Measured upload rate of the last submissions")
              .tag("trainer", nodeId()).register(m);
          vertx.eventBus().publish(TrainerAddresses.NODE_REGISTERED, capabilitiesJson());
          heartbeatTimer = vertx.setPeriodic(config.heartbeatMillis(), id -> heartbeat());
          LOG.info("trainer {} registered (tx {}), {}", nodeId(), tx, capabilitiesJson().encode());
        });
  }

  private static String describe(Device device) {
    return device.isGpu() ? "cuda:" + device.getDeviceId() : "cpu";
  }

  private JsonObject capabilitiesJson() {
    return new JsonObject().put("node", nodeId()).put("moniker", config.moniker())
        .put("device", capabilities.getDevice()).put("memoryBytes", capabilities.getMemoryBytes())
        .put("tokensPerSecond", capabilities.getTokensPerSecondMilli() / 1000.0)
        .put("bandwidthBytesPerSecond", capabilities.getBandwidthBytesPerSecond())
        .put("offerAddress", TrainerAddresses.taskOffer(nodeId()));
  }

  private void heartbeat() {
    RunningTask r = running.get();
    JsonObject hb = new JsonObject().put("node", nodeId()).put("busy", r != null);
    if (r != null) {
      hb.put("taskId", r.task().taskId()).put("step", r.step().get());
    }
    DeviceUtilization.Reading u = utilization.read();
    hb.put("device", u.device());
    if (u.available()) {
      hb.put("utilization", u.utilization());
      utilizationGauge.set(Double.doubleToRawLongBits(u.utilization()));
    } else {
      hb.put("utilizationUnavailable", u.unavailable());
    }
    if (u.freeMemoryBytes() >= 0) {
      hb.put("freeMemoryBytes", u.freeMemoryBytes());
    }
    double rate = Double.longBitsToDouble(uploadRate.get());
    hb.put("uploadedBytes", uploadedBytes.get());
    if (rate > 0) {
      hb.put("uploadBytesPerSecond", rate);
    }
    vertx.eventBus().publish(TrainerAddresses.HEARTBEAT, hb);
  }

  /** Bytes of everything one task's submission uploads (deltas, replay trace and states). */
  private static long uploadSize(JobResult result) {
    List<Path> files = new ArrayList<>(result.deltaFiles());
    if (result.replay() != null) {
      files.add(result.replay().traceFile());
      files.addAll(result.replay().stateFiles().values());
    }
    long total = 0;
    for (Path f : files) {
      try {
        total += Files.size(f);
      } catch (java.io.IOException e) {
        // the upload itself reports the missing file
      }
    }
    return total;
  }

  /**
   * Measured upload bandwidth: one submission's files go up concurrently, so the rate is the
   * batch's bytes over the batch's wall time (an average over the last few submissions).
   */
  private void recordUpload(long bytes, long nanos) {
    uploadedBytes.addAndGet(bytes);
    io.deltachain.core.metrics.ServiceMetrics.registry().counter("deltachain_trainer_uploaded_bytes_total",
        "trainer", nodeId()).increment(bytes);
    if (nanos <= 0 || bytes <= 0) {
      return;
    }
    double rate = bytes / (nanos / 1e9);
    double previous = Double.longBitsToDouble(uploadRate.get());
    uploadRate.set(Double.doubleToRawLongBits(previous > 0 ? 0.5 * previous + 0.5 * rate : rate));
  }

  private void onOffer(Message<JsonObject> msg) {
    TrainingTask task;
    try {
      task = TrainingTask.fromJson(msg.body());
    } catch (IllegalArgumentException e) {
      msg.fail(TrainerError.BAD_REQUEST.code(), e.getMessage());
      return;
    }
    Optional<String> refusal = TrainingJob.refusal(task, config.memoryBytes(), config.device());
    if (refusal.isPresent()) {
      msg.fail(TrainerError.CANNOT_RUN.code(), refusal.get());
      return;
    }
    RunningTask run = new RunningTask(task, new AtomicBoolean(), new AtomicReference<>(0));
    if (!running.compareAndSet(null, run)) {
      msg.fail(TrainerError.BUSY.code(), "node " + nodeId() + " is training task " + running.get().task().taskId());
      return;
    }
    msg.reply(new JsonObject().put("accepted", true).put("taskId", task.taskId()).put("node", nodeId()));
    TrainingJob job = new TrainingJob(config.workDir(), nodeId(), config.device(), CHECKPOINT_EVERY,
        ReplayRecorder.DEFAULT_INTERVAL, checkpoints);
    executor.<JobResult>executeBlocking(() -> job.run(task, p -> {
      run.step().set(p.step());
      trainingLoss.set(Double.doubleToRawLongBits(p.loss()));
      tokensPerSecond.set(Double.doubleToRawLongBits(p.tokensPerSecond()));
      LOG.atDebug().addKeyValue("round", task.roundId()).addKeyValue("task", task.taskId())
          .log("step {}/{} loss {}", p.step(), p.totalSteps(), p.loss());
      vertx.eventBus().publish(TrainerAddresses.PROGRESS, p.toJson().put("node", nodeId()).put("roundId", task.roundId()));
    }, () -> run.cancelled().get()), false)
        .compose(this::submit)
        .onComplete(ar -> {
          running.set(null);
          if (ar.succeeded()) {
            vertx.eventBus().publish(TrainerAddresses.COMPLETED, ar.result());
          } else {
            Throwable t = ar.cause();
            LOG.warn("task {} failed: {}", task.taskId(), t.toString());
            vertx.eventBus().publish(TrainerAddresses.FAILED, new JsonObject().put("taskId", task.taskId())
                .put("node", nodeId()).put("cancelled", t instanceof CancellationException)
                .put("reason", String.valueOf(t.getMessage())));
          }
        });
  }

  private void onCancel(Message<JsonObject> msg) {
    String id = msg.body() == null ? null : msg.body().getString("taskId");
    RunningTask r = running.get();
    if (r == null || !r.task().taskId().equals(id)) {
      msg.fail(TrainerError.UNKNOWN_TASK.code(), "no running task '" + id + "' on node " + nodeId());
      return;
    }
    r.cancelled().set(true);
    msg.reply(new JsonObject().put("cancelling", id));
  }

  /**
   * Uploads every delta and the run's replay trace and states, then submits one SubmitDelta per
   * file, in layer order, with consecutive nonces; each commits to the trace.
   */
  private Future<JsonObject> submit(JobResult result) {
    List<Future<String>> uploads = new ArrayList<>();
    List<ContentHash> hashes = new ArrayList<>();
    List<Future<String>> replayUploads = new ArrayList<>();
    if (result.replay() != null) {
      // A validator fetches the trace by the commitment on chain and the states by their hashes in it.
      replayUploads.add(uploader.upload(result.replay().traceFile(), result.replay().commitment()));
      for (Long step : result.replay().stateFiles().keySet()) {
        replayUploads.add(uploader.upload(result.replay().stateFiles().get(step), result.replay().stateHashes().get(step)));
      }
    }
    for (Path f : result.deltaFiles()) {
      ContentHash h;
      try {
        h = ContentHash.sha256(f);
      } catch (java.io.IOException e) {
        return Future.failedFuture(e);
      }
      hashes.add(h);
      uploads.add(uploader.upload(f, h));
    }
    long uploadStarted = System.nanoTime();
    long uploadBytes = uploadSize(result);
    return Future.all(uploads).compose(done -> Future.all(replayUploads))
        .onSuccess(done -> recordUpload(uploadBytes, System.nanoTime() - uploadStarted))
        .compose(done -> chain.nextNonce(config.key().publicKey())).compose(nonce -> {
      List<Future<String>> txs = new ArrayList<>();
      JsonArray submitted = new JsonArray();
      for (int i = 0; i < result.deltaFiles().size(); i++) {
        try {
          SubmitDelta body = submitDelta(result, i, hashes.get(i), uploads.get(i).result());
          long sent = System.nanoTime();
          io.micrometer.core.instrument.MeterRegistry m = io.deltachain.core.metrics.ServiceMetrics.registry();
          io.micrometer.core.instrument.DistributionSummary.builder("deltachain_trainer_delta_bytes").baseUnit("bytes")
              .description("Sizes of the delta files submitted").register(m).record(body.getSizeBytes());
          txs.add(chain.broadcast(TxEnvelopes.sign(config.key(), config.chainId(), nonce + i,
              BodyType.SUBMIT_DELTA, body)).onComplete(ar -> io.micrometer.core.instrument.Timer
                  .builder("deltachain_trainer_chain_submit_seconds").description("Time to submit a SubmitDelta")
                  .tag("outcome", ar.succeeded() ? "ok" : "failed").register(m)
                  .record(System.nanoTime() - sent, java.util.concurrent.TimeUnit.NANOSECONDS))
              .onSuccess(tx -> LOG.atInfo().addKeyValue("round", body.getRoundId())
                  .addKeyValue("delta", tx.toLowerCase(java.util.Locale.ROOT)).addKeyValue("task", result.task().taskId())
                  .addKeyValue("layer", body.getLayer()).log("submitted delta, {} bytes", body.getSizeBytes())));
          submitted.add(new JsonObject().put("layer", body.getLayer()).put("contentHash", hashes.get(i).hex())
              .put("cid", uploads.get(i).result() == null ? "" : uploads.get(i).result())
              .put("inline", !body.getInlineDelta().isEmpty()));
        } catch (java.io.IOException e) {
          return Future.failedFuture(e);
        }
      }
      return Future.all(txs).map(all -> new JsonObject().put("taskId", result.task().taskId())
          .put("node", nodeId()).put("deltas", submitted)
          .put("metrics", new JsonObject(new java.util.TreeMap<>(result.metrics()))));
    });
  }

  private static SubmitDelta submitDelta(JobResult result, int i, ContentHash hash, String cid)
      throws java.io.IOException {
    Path file = result.deltaFiles().get(i);
    DeltaFile delta = result.deltas().get(i);
    long size = Files.size(file);
    TrainingTask task = result.task();
    SubmitDelta.Builder b = SubmitDelta.newBuilder()
        .setRoundId(Long.toString(task.roundId()))
        .setLayer(delta.metadata().layer())
        .setBaseHash(ByteString.copyFrom(delta.metadata().baseHash().bytes()))
        .setContentHash(ByteString.copyFrom(hash.bytes()))
        .setCid(cid == null ? "" : cid)
        .setSizeBytes(size)
        .setMode(io.deltachain.core.tx.proto.TrainingMode.valueOf(task.mode().name()))
        .setLoraRank(task.mode().isLora() ? task.loraRank() : 0)
        .setTokens(Long.parseLong(result.metrics().get("tokens")))
        .setLossBeforeMicro(micro(result.metrics().get("loss_before")))
        .setLossAfterMicro(micro(result.metrics().get("loss_after")))
        .setShardIndex(task.shardIndex());
    if (size < TxLimits.INLINE_DELTA_MAX_BYTES) {
      // the ledger takes exactly one of the two: a small delta rides inline and its CID (when the
      // store has IPFS) stays off chain
      b.setInlineDelta(ByteString.copyFrom(Files.readAllBytes(file))).clearCid();
    }
    if (result.replay() != null) {
      b.setReplayCommitment(ByteString.copyFrom(result.replay().commitment().bytes()));
    }
    return b.build();
  }

  private static long micro(String value) {
    return new java.math.BigDecimal(value).movePointRight(6).setScale(0, java.math.RoundingMode.HALF_EVEN)
        .longValueExact();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(heartbeatTimer);
    RunningTask r = running.get();
    if (r != null) {
      r.cancelled().set(true);
    }
    return executor == null ? Future.succeededFuture() : executor.close();
  }
}
