package io.deltachain.validator.service;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.tx.proto.Verdict;
import io.deltachain.core.tx.proto.VerdictBatch;
import io.deltachain.validator.verdict.DeltaUnderReview;
import io.deltachain.validator.verdict.Evidence;
import io.deltachain.validator.verdict.ReasonCode;
import io.deltachain.validator.verdict.VerdictDecision;
import io.deltachain.validator.verdict.VerdictEngine;
import io.deltachain.validator.verdict.VerdictSink;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges every committed delta and submits the verdicts, one VerdictBatch per block.
 *
 * <p>Deltas are judged strictly in chain order (each waits for the previous one), because the
 * round state (consensus direction, norm history, earlier deltas for copy detection) must be
 * the same "earlier" on every validator. Fetching and judging run off the event loop: the
 * fetcher is asynchronous, the file reading and checks run on an ordered worker.
 */
public final class ValidatorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ValidatorVerticle.class);

  private final ChainFeed feed;
  private final DeltaFetcher fetcher;
  private final RoundContexts contexts;
  private final VerdictSink sink;
  private final VerdictEngine engine;
  private final int maxVerdictsPerBatch;
  private final List<Verdict> pending = new ArrayList<>();
  private Future<?> queue = Future.succeededFuture();

  /** A verticle over the given collaborators, at most 1000 verdicts per batch (the ledger's default allows 4096). */
  public ValidatorVerticle(ChainFeed feed, DeltaFetcher fetcher, RoundContexts contexts, VerdictSink sink, VerdictEngine engine) {
    this(feed, fetcher, contexts, sink, engine, 1000);
  }

  /** As above, splitting a block's verdicts into batches of at most {@code maxVerdictsPerBatch}. */
  public ValidatorVerticle(ChainFeed feed, DeltaFetcher fetcher, RoundContexts contexts, VerdictSink sink, VerdictEngine engine,
      int maxVerdictsPerBatch) {
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
    feed.onCommittedDelta(d -> queue = queue.transform(ignored -> judge(d)));
    feed.onBlockCommitted(height -> queue = queue.transform(ignored -> flush(height)));
    return Future.succeededFuture();
  }

  private Future<Void> judge(CommittedDelta d) {
    return fetcher.fetch(d.tx())
        .compose(path -> vertx.executeBlocking(() -> review(d, path), true))
        .map(decision -> {
          pending.add(decision.toProto());
          LOG.info("delta {} at height {}: {}", HexFormat.of().formatHex(d.deltaId()), d.height(),
              decision.approve() ? "approved, score " + decision.scoreMicro() : decision.reason() + " (" + decision.message() + ")");
          return (Void) null;
        })
        .recover(e -> {
          // no verdict: the delta expires at its deadline unless the fetch succeeds on another validator
          LOG.warn("delta {} at height {} not judged: {}", HexFormat.of().formatHex(d.deltaId()), d.height(), e.toString());
          return Future.succeededFuture();
        });
  }

  private VerdictDecision review(CommittedDelta d, Path file) throws IOException {
    String id = HexFormat.of().formatHex(d.deltaId());
    ContentHash actual = ContentHash.sha256(file);
    if (!java.util.Arrays.equals(actual.bytes(), d.tx().getContentHash().toByteArray())) {
      return new VerdictDecision(id, false, 0, ReasonCode.CONTENT_HASH_MISMATCH,
          "fetched file hashes to " + actual.hex() + ", the transaction says "
              + HexFormat.of().formatHex(d.tx().getContentHash().toByteArray()), new Evidence());
    }
    DeltaFile deltaFile;
    try {
      deltaFile = DeltaFile.read(file);
    } catch (IOException e) {
      return new VerdictDecision(id, false, 0, ReasonCode.MALFORMED_FILE, e.getMessage(), new Evidence());
    }
    DeltaUnderReview delta = DeltaUnderReview.of(d.deltaId(), d.trainerAddress(), d.tx(), deltaFile, Files.size(file));
    return engine.review(delta, contexts.contextFor(d, randomSampleSeed(d)));
  }

  private Future<Void> flush(long height) {
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Verdict> all = new ArrayList<>(pending);
    pending.clear();
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < all.size(); from += maxVerdictsPerBatch) {
      VerdictBatch batch = VerdictBatch.newBuilder().addAllVerdicts(all.subList(from, Math.min(all.size(), from + maxVerdictsPerBatch))).build();
      chain = chain.compose(v -> sink.submit(batch)
          .onFailure(e -> LOG.warn("verdict batch of {} verdicts after height {} not submitted: {}", batch.getVerdictsCount(), height, e.toString()))
          .recover(e -> Future.succeededFuture()));
    }
    return chain;
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
