package io.deltachain.validator.service;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.metrics.ServiceMetrics;
import io.deltachain.core.tx.proto.Dispute;
import io.deltachain.core.tx.proto.Verdict;
import io.deltachain.core.tx.proto.VerdictBatch;
import io.deltachain.validator.verdict.CheckContext;
import io.deltachain.validator.verdict.DeltaUnderReview;
import io.deltachain.validator.verdict.Evidence;
import io.deltachain.validator.verdict.ReasonCode;
import io.deltachain.validator.verdict.VerdictDecision;
import io.deltachain.validator.verdict.VerdictEngine;
import io.deltachain.validator.verdict.VerdictSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges every committed delta and submits the verdicts, one VerdictBatch per block.
 *
 * <p>Deltas are judged strictly in chain order (each waits for the previous one), because the
 * round state (consensus direction, norm history, earlier deltas for copy detection) must be
 * the same "earlier" on every validator. Fetching and judging run off the event loop: the
 * fetcher is asynchronous, the file reading and checks run on an ordered worker.
 *
 * <p>With a {@link SpotChecker}, every judged delta is then spot-checked by replay on a worker
 * of its own, one at a time in chain order, so a replay never delays the next verdict; a
 * mismatch's Dispute is submitted after the block's verdicts, through the {@link DisputeSink},
 * which also sees every outcome.
 */
public final class ValidatorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ValidatorVerticle.class);
  /** Where each judged delta's evaluation is published (JSON: deltaId, roundId, layer, approve, scoreMicro, reason, evalLossBeforeMicro, evalLossAfterMicro, height). */
  public static final String VERDICT_EVIDENCE = "validator.verdict.evidence";

  private final ChainFeed feed;
  private final DeltaFetcher fetcher;
  private final RoundContexts contexts;
  private final VerdictSink sink;
  private final VerdictEngine engine;
  private final int maxVerdictsPerBatch;
  private final SpotChecker spotChecker;
  private final DisputeSink disputes;
  private final List<Verdict> pending = new ArrayList<>();
  private final List<Dispute> pendingDisputes = new ArrayList<>();
  private Future<?> queue = Future.succeededFuture();
  private Future<?> spotQueue = Future.succeededFuture();
  private WorkerExecutor replayWorker;
  private final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> evalLoss = new java.util.concurrent.ConcurrentHashMap<>();

  /** What judging one delta produced, kept for its spot-check. */
  private record Judged(VerdictDecision decision, DeltaFile file, CheckContext context) {}

  /** A verticle over the given collaborators, at most 1000 verdicts per batch (the ledger's default allows 4096). */
  public ValidatorVerticle(ChainFeed feed, DeltaFetcher fetcher, RoundContexts contexts, VerdictSink sink, VerdictEngine engine) {
    this(feed, fetcher, contexts, sink, engine, 1000);
  }

  /** As above, splitting a block's verdicts into batches of at most {@code maxVerdictsPerBatch}. */
  public ValidatorVerticle(ChainFeed feed, DeltaFetcher fetcher, RoundContexts contexts, VerdictSink sink, VerdictEngine engine,
      int maxVerdictsPerBatch) {
    this(feed, fetcher, contexts, sink, engine, maxVerdictsPerBatch, null, null);
  }

  /**
   * As above, spot-checking every judged delta by replay.
   *
   * @param spotChecker runs a delta's replay spot-check (null: none)
   * @param disputes receives outcomes and submits disputes (required with a spot-checker)
   */
  public ValidatorVerticle(ChainFeed feed, DeltaFetcher fetcher, RoundContexts contexts, VerdictSink sink, VerdictEngine engine,
      SpotChecker spotChecker, DisputeSink disputes) {
    this(feed, fetcher, contexts, sink, engine, 1000, spotChecker, disputes);
  }

  private ValidatorVerticle(ChainFeed feed, DeltaFetcher fetcher, RoundContexts contexts, VerdictSink sink, VerdictEngine engine,
      int maxVerdictsPerBatch, SpotChecker spotChecker, DisputeSink disputes) {
    if (spotChecker != null && disputes == null) {
      throw new IllegalArgumentException("a spot-checker needs a dispute sink");
    }
    this.spotChecker = spotChecker;
    this.disputes = disputes;
    if (maxVerdictsPerBatch < 1) {
      throw new IllegalArgumentException("maxVerdictsPerBatch must be at least 1, got " + maxVerdictsPerBatch);
    }
    this.maxVerdictsPerBatch = maxVerdictsPerBatch;
    this.feed = Objects.requireNonNull(feed, "feed");
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.contexts = Objects.requireNonNull(contexts, "contexts");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  @Override
  public Future<?> start() {
    if (spotChecker != null) {
      replayWorker = vertx.createSharedWorkerExecutor("validator-replay-" + Integer.toHexString(System.identityHashCode(this)), 1,
          7, TimeUnit.DAYS);
    }
    feed.onCommittedDelta(d -> queue = queue.transform(ignored -> judge(d)));
    feed.onBlockCommitted(height -> queue = queue.transform(ignored -> flush(height)));
    return Future.succeededFuture();
  }

  private Future<Void> judge(CommittedDelta d) {
    return fetcher.fetch(d.tx())
        .compose(path -> vertx.executeBlocking(() -> review(d, path), true))
        .map(judged -> {
          VerdictDecision decision = judged.decision();
          pending.add(decision.toProto());
          if (spotChecker != null && judged.file() != null) {
            spotQueue = spotQueue.transform(ignored -> spotCheck(d, judged));
          }
          LOG.atInfo().addKeyValue("round", d.tx().getRoundId()).addKeyValue("delta", HexFormat.of().formatHex(d.deltaId()))
              .addKeyValue("height", d.height()).log("verdict: {}; {}", decision.approve()
                  ? "approved, score " + decision.scoreMicro() : decision.reason() + " (" + decision.message() + ")",
                  decision.evidence());
          record(d, decision);
          return (Void) null;
        })
        .recover(e -> {
          // no verdict: the delta expires at its deadline unless the fetch succeeds on another validator
          LOG.warn("delta {} at height {} not judged: {}", HexFormat.of().formatHex(d.deltaId()), d.height(), e.toString());
          return Future.succeededFuture();
        });
  }

  private Judged review(CommittedDelta d, Path file) throws IOException {
    String id = HexFormat.of().formatHex(d.deltaId());
    ContentHash actual = ContentHash.sha256(file);
    if (!java.util.Arrays.equals(actual.bytes(), d.tx().getContentHash().toByteArray())) {
      return new Judged(new VerdictDecision(id, false, 0, ReasonCode.CONTENT_HASH_MISMATCH,
          "fetched file hashes to " + actual.hex() + ", the transaction says "
              + HexFormat.of().formatHex(d.tx().getContentHash().toByteArray()), new Evidence()), null, null);
    }
    DeltaFile deltaFile;
    try {
      deltaFile = DeltaFile.read(file);
    } catch (IOException e) {
      return new Judged(new VerdictDecision(id, false, 0, ReasonCode.MALFORMED_FILE, e.getMessage(), new Evidence()), null, null);
    }
    DeltaUnderReview delta = DeltaUnderReview.of(d.deltaId(), d.trainerAddress(), d.tx(), deltaFile, Files.size(file));
    CheckContext context = contexts.contextFor(d, randomSampleSeed(d));
    return new Judged(engine.review(delta, context), deltaFile, context);
  }

  /**
   * Counts the verdict (by outcome and reason) and the delta's size, and publishes what the
   * evaluation measured on {@link #VERDICT_EVIDENCE} for the operator dashboard: the chain keeps
   * only the score, not the losses before and after.
   */
  private void record(CommittedDelta d, VerdictDecision decision) {
    Counter.builder("deltachain_validator_verdicts_total").description("Verdicts given, by outcome and reason")
        .tag("approve", Boolean.toString(decision.approve()))
        .tag("reason", decision.approve() || decision.reason() == null ? "none" : decision.reason().name())
        .register(ServiceMetrics.registry()).increment();
    DistributionSummary.builder("deltachain_validator_delta_bytes").baseUnit("bytes")
        .description("Sizes of the deltas judged").register(ServiceMetrics.registry()).record(d.tx().getSizeBytes());
    Evidence e = decision.evidence();
    JsonObject ev = new JsonObject().put("deltaId", HexFormat.of().formatHex(d.deltaId()))
        .put("roundId", d.tx().getRoundId()).put("layer", d.tx().getLayer()).put("approve", decision.approve())
        .put("scoreMicro", decision.scoreMicro()).put("height", d.height())
        .put("reason", decision.approve() || decision.reason() == null ? null : decision.reason().name());
    if (e != null) {
      e.evalLossBeforeMicro().ifPresent(v -> ev.put("evalLossBeforeMicro", v));
      e.evalLossAfterMicro().ifPresent(v -> ev.put("evalLossAfterMicro", v));
      e.evalLossAfterMicro().ifPresent(v -> evalLoss.computeIfAbsent(d.tx().getLayer(), layer -> {
        java.util.concurrent.atomic.AtomicLong holder = new java.util.concurrent.atomic.AtomicLong();
        Gauge.builder("deltachain_validator_eval_loss", holder, h -> h.get() / 1e6)
            .description("Evaluation loss after the latest delta judged, by layer").tag("layer", layer)
            .register(ServiceMetrics.registry());
        return holder;
      }).set(v));
    }
    vertx.eventBus().publish(VERDICT_EVIDENCE, ev);
  }

  /** Replays the segment the block hash picks; a mismatch's dispute goes out after the next block's verdicts. */
  private Future<Void> spotCheck(CommittedDelta d, Judged judged) {
    String id = HexFormat.of().formatHex(d.deltaId());
    return replayWorker.executeBlocking(() -> spotChecker.check(d, judged.file(), judged.context()), true)
        .map(outcome -> {
          if (outcome == null) {
            return (Void) null;
          }
          if (outcome.matched()) {
            LOG.atInfo().addKeyValue("round", d.tx().getRoundId()).addKeyValue("delta", id)
                .log("spot-check passed: {}", outcome.detail());
          } else {
            LOG.atWarn().addKeyValue("round", d.tx().getRoundId()).addKeyValue("delta", id)
                .log("spot-check failed, disputing: {}", outcome.detail());
            pendingDisputes.add(outcome.dispute());
          }
          disputes.outcome(d, outcome);
          return (Void) null;
        })
        .recover(e -> {
          // the validator's own failure (executor setup, engine): no dispute against the trainer
          LOG.atWarn().addKeyValue("round", d.tx().getRoundId()).addKeyValue("delta", id)
              .log("not spot-checked: {}", e.toString());
          disputes.notChecked(d, e);
          return Future.succeededFuture();
        });
  }

  private Future<Void> flush(long height) {
    if (pending.isEmpty() && pendingDisputes.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Verdict> all = new ArrayList<>(pending);
    pending.clear();
    List<Dispute> raised = new ArrayList<>(pendingDisputes);
    pendingDisputes.clear();
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < all.size(); from += maxVerdictsPerBatch) {
      VerdictBatch batch = VerdictBatch.newBuilder().addAllVerdicts(all.subList(from, Math.min(all.size(), from + maxVerdictsPerBatch))).build();
      chain = chain.compose(v -> sink.submit(batch)
          .onFailure(e -> LOG.warn("verdict batch of {} verdicts after height {} not submitted: {}", batch.getVerdictsCount(), height, e.toString()))
          .recover(e -> Future.succeededFuture()));
    }
    // after the verdicts, one at a time: the signer's nonces must reach the chain in order
    for (Dispute dispute : raised) {
      chain = chain.compose(v -> disputes.submit(dispute)
          .onFailure(e -> LOG.warn("dispute of delta {} not submitted: {}", HexFormat.of().formatHex(dispute.getDeltaId().toByteArray()),
              e.toString()))
          .recover(e -> Future.succeededFuture()));
    }
    return chain;
  }

  @Override
  public Future<?> stop() {
    return replayWorker == null ? Future.succeededFuture() : replayWorker.close();
  }

  /** First 8 bytes of SHA-256("deltachain-random-sample" || block hash || delta id). */
  static long randomSampleSeed(CommittedDelta d) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update("deltachain-random-sample".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      md.update(d.blockHash());
      md.update(d.deltaId());
      return ByteBuffer.wrap(md.digest()).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
