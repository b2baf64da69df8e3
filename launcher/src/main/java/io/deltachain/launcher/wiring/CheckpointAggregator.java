package io.deltachain.launcher.wiring;

import io.deltachain.abci.client.ChainClient;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.delta.DeltaKind;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.core.tx.proto.ProposeCheckpoint;
import io.deltachain.round.RoundBus;
import io.deltachain.store.client.DeltaStoreClient;
import io.deltachain.validator.aggregate.CheckpointFiles;
import io.deltachain.validator.aggregate.LayerAggregation;
import io.deltachain.validator.aggregate.RobustAggregator;
import io.deltachain.validator.delta.DeltaFiles;
import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validator's part in step 5 of a round: when the round service announces that a round is
 * AGGREGATING ({@link RoundBus#ROUND_CHANGED}), this validator reads the round from its own node
 * (accepted deltas by layer, the aggregation method and Byzantine bound, each layer's parent: the
 * head, or the round's declared base), fetches the deltas from the delta store, aggregates each
 * layer itself in plain Java ({@link LayerAggregation}) and puts its vote on chain: it proposes
 * the checkpoint when nobody has yet (uploading the file first), and votes for the hash it
 * computed otherwise. Validators thus never trust each other's aggregate: a checkpoint is accepted
 * only when more than 2/3 of the power computed the same bytes.
 *
 * <p>The announcement is a trigger, not a source of truth: everything is read from the chain once
 * this validator's own node has reached the height the announcement names (the round service may
 * follow a node that is a block ahead), a layer whose head already comes from this round is left
 * alone, and an announcement repeated (a restarted round service) does nothing twice. A failed
 * attempt (a vote that did not make it into a block) is retried a few times.
 */
public final class CheckpointAggregator extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointAggregator.class);
  private static final HexFormat HEX = HexFormat.of();
  private static final int DUPLICATE = 13;
  private static final int ALREADY_VOTED = 14;
  private static final int ALREADY_DECIDED = 15;

  private final String name;
  private final ChainClient chain;
  private final SerialSubmitter submitter;
  private final DeltaStoreClient store;
  private final ValidatorRounds rounds;
  private final Path dir;
  private final Set<String> started = new HashSet<>();
  private final List<String> outcomes = new CopyOnWriteArrayList<>();

  /**
   * @param name how this validator is named in logs
   * @param chain its own node
   * @param submitter its consensus key, shared with its verdict sink (so their transactions keep nonce order)
   * @param store where deltas are fetched from and checkpoints uploaded to
   * @param rounds the validator's rounds (the parent's tensors when the parent is the round's seed base)
   * @param dir where downloaded deltas and computed checkpoints are written
   */
  public CheckpointAggregator(String name, ChainClient chain, SerialSubmitter submitter, DeltaStoreClient store,
      ValidatorRounds rounds, Path dir) {
    this.name = name;
    this.chain = chain;
    this.submitter = submitter;
    this.store = store;
    this.rounds = rounds;
    this.dir = dir;
  }

  /** What this validator did per layer ({@code round layer proposed|voted <hash>}), for demos and tests. */
  public List<String> outcomes() {
    return List.copyOf(outcomes);
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(RoundBus.ROUND_CHANGED, m -> {
      if ("AGGREGATING".equals(m.body().getString("status"))) {
        String roundId = m.body().getString("roundId");
        long height = m.body().getLong("height", 0L);
        if (started.add(roundId)) {
          // the round service follows another node: read the round only once this node is as far
          caughtUp(height, System.nanoTime() + 60_000_000_000L).onComplete(ar -> attempt(roundId, 1));
        }
      }
    }).completion();
  }

  /** Attempts before giving up on a round (a vote that timed out is usually in a block by the next one). */
  static final int ATTEMPTS = 5;

  /**
   * Waits until this node's ledger has committed {@code height}. The node's own latest height is
   * not enough: CometBFT stores a block (and its results, which is what the round service reads)
   * before the application commits it, so the answer's height to a ledger query is what counts.
   */
  private Future<Void> caughtUp(long height, long deadline) {
    return chain.abciQuery("/params", null).compose(q -> {
      if (q.height() >= height || System.nanoTime() > deadline) {
        return Future.<Void>succeededFuture();
      }
      io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
      vertx.setTimer(200, id -> caughtUp(height, deadline).onComplete(later));
      return later.future();
    }, e -> Future.succeededFuture());
  }

  private void attempt(String roundId, int n) {
    aggregate(roundId).onFailure(e -> {
      if (n < ATTEMPTS) {
        LOG.atWarn().addKeyValue("round", roundId).addKeyValue("validator", name)
            .log("aggregation failed (attempt {} of {}), again in 3 s: {}", n, ATTEMPTS, e.toString());
        vertx.setTimer(3000, id -> attempt(roundId, n + 1));
      } else {
        started.remove(roundId);
        LOG.atError().addKeyValue("round", roundId).addKeyValue("validator", name)
            .log("aggregation failed {} times: {}", ATTEMPTS, e.toString());
      }
    });
  }

  /** Aggregates every layer of the round with accepted deltas and votes; completes when done. */
  public Future<Void> aggregate(String roundId) {
    return chain.queryJson("/round/" + roundId).compose(round -> {
      List<Future<JsonObject>> deltas = new ArrayList<>();
      for (Object id : round.getJsonArray("deltas", new JsonArray())) {
        deltas.add(chain.queryJson("/delta/" + id));
      }
      return Future.all(deltas).map(all -> {
        SortedMap<String, List<JsonObject>> accepted = new TreeMap<>();
        for (int i = 0; i < all.size(); i++) {
          JsonObject d = all.resultAt(i);
          if ("ACCEPTED".equals(d.getString("status"))) {
            accepted.computeIfAbsent(d.getString("layer"), k -> new ArrayList<>()).add(d);
          }
        }
        accepted.values().forEach(l -> l.sort(Comparator.<JsonObject>comparingLong(d -> d.getLong("submitted_height"))
            .thenComparing(d -> d.getString("id"))));
        return accepted;
      }).compose(accepted -> {
        Future<Void> chainOfLayers = Future.succeededFuture();
        for (Map.Entry<String, List<JsonObject>> e : accepted.entrySet()) {
          chainOfLayers = chainOfLayers.compose(v -> layer(round, e.getKey(), e.getValue()));
        }
        return chainOfLayers;
      });
    });
  }

  private Future<Void> layer(JsonObject round, String layer, List<JsonObject> accepted) {
    String roundId = round.getString("round_id");
    String declared = round.getJsonObject("base_checkpoints", new JsonObject()).getString(layer);
    return chain.abciQuery("/layer/" + layer + "/head", null).compose(head -> {
      String parent;
      if (head.code() == 0) {
        JsonObject h = head.json();
        if (h.getJsonObject("checkpoint") != null && roundId.equals(h.getJsonObject("checkpoint").getString("round_id"))) {
          return Future.succeededFuture(); // this round's checkpoint is in already
        }
        parent = h.getString("head").toLowerCase(Locale.ROOT);
      } else if (declared != null) {
        parent = declared.toLowerCase(Locale.ROOT);
      } else {
        return Future.failedFuture("round " + roundId + " declares no base for " + layer + " and it has no head");
      }
      boolean seedBase = head.code() != 0;
      Path work = dir.resolve("round-" + roundId);
      return baseTensors(roundId, layer, parent, seedBase, work)
          .compose(base -> fetchDeltas(accepted, layer, work).compose(in -> vertx.executeBlocking(() -> {
            Files.createDirectories(work);
            return new LayerAggregation(new RobustAggregator()).run(roundId, layer, ContentHash.parse(parent), base, in,
                LayerAggregation.spec(AggregationMethod.valueOf(round.getString("aggregation")),
                    round.getInteger("byzantine_f", 0)),
                work.resolve("checkpoint-" + layer + ".safetensors"));
          })))
          .compose(p -> vote(roundId, layer, p));
    });
  }

  private Future<SortedMap<String, DenseTensor>> baseTensors(String roundId, String layer, String parent,
      boolean seedBase, Path work) {
    if (seedBase) {
      // no head yet: the round's base model holds the seed base of this layer
      return vertx.executeBlocking(() -> rounds.evaluator(roundId).baseWeights(layer));
    }
    return chain.queryJson("/checkpoint/" + parent).compose(c -> {
      Path f = work.resolve("parent-" + parent + ".safetensors");
      return vertx.executeBlocking(() -> Files.createDirectories(work))
          .compose(x -> store.download(ContentHash.parse(parent), c.getString("cid", ""), f))
          .compose(x -> vertx.executeBlocking(() -> CheckpointFiles.readTensors(f)));
    });
  }

  private Future<List<LayerAggregation.AcceptedDelta>> fetchDeltas(List<JsonObject> accepted, String layer, Path work) {
    List<Future<LayerAggregation.AcceptedDelta>> all = new ArrayList<>();
    for (JsonObject d : accepted) {
      Path f = work.resolve("delta-" + d.getString("id") + ".safetensors");
      all.add(vertx.executeBlocking(() -> Files.createDirectories(work))
          .compose(x -> store.download(ContentHash.parse(d.getString("content_hash")), d.getString("cid", ""), f))
          .compose(x -> vertx.executeBlocking(() -> new LayerAggregation.AcceptedDelta(HEX.parseHex(d.getString("id")),
              dense(layer, DeltaFile.read(f)), Long.parseLong(d.getString("tokens"))))));
    }
    return Future.all(all).map(c -> {
      List<LayerAggregation.AcceptedDelta> out = new ArrayList<>();
      for (int i = 0; i < c.size(); i++) {
        out.add(c.resultAt(i));
      }
      return out;
    });
  }

  /** A LoRA delta as the dense update B*A*alpha/r of each weight; a dense or sparse one as it is. */
  public static LayerDelta dense(String layer, DeltaFile file) {
    SortedMap<String, DenseTensor> t = new TreeMap<>();
    if (file.metadata().kind() == DeltaKind.LORA) {
      DeltaFiles.loraFactors(file).forEach((k, v) -> t.put(k, v.toDense()));
    } else {
      t.putAll(DeltaFiles.denseTensors(file));
    }
    return new LayerDelta(layer, t);
  }

  private Future<Void> vote(String roundId, String layer, LayerAggregation.Proposal p) {
    String hash = p.hash().hex();
    return chain.abciQuery("/checkpoint/" + hash, null).compose(existing -> {
      if (existing.code() == 0) {
        return send(roundId, layer, hash, null);
      }
      return store.upload(p.file(), p.hash())
          .compose(up -> send(roundId, layer, hash, p.body().toBuilder().setCid(up.cid() == null ? "" : up.cid()).build()))
          // another validator proposed the same bytes first: vote for them
          .recover(e -> e.getMessage() != null && e.getMessage().contains("code " + DUPLICATE + ":")
              ? send(roundId, layer, hash, null) : Future.failedFuture(e));
    }).map(v -> {
      LOG.atInfo().addKeyValue("round", roundId).addKeyValue("validator", name).addKeyValue("layer", layer)
          .addKeyValue("checkpoint", hash)
          .log("checkpoint of {} deltas ({})", p.body().getContributingDeltasCount(), p.body().getMethod());
      return null;
    });
  }

  /**
   * Proposes {@code proposal}, or votes for {@code hash} when it is null, and waits until the
   * transaction is in a block or no longer needed: once more than 2/3 of the power agreed, the
   * node's mempool drops votes still waiting (they would fail as ALREADY_DECIDED), so a vote that
   * never lands in a block is fine when the checkpoint is accepted.
   */
  private Future<Void> send(String roundId, String layer, String hash, ProposeCheckpoint proposal) {
    String what = proposal != null ? "ProposeCheckpoint" : "CheckpointVote";
    String[] txHash = new String[1];
    return submitter.submit(signer -> {
      byte[] tx = proposal != null ? signer.proposeCheckpoint(proposal)
          : signer.checkpointVote(roundId, layer, HEX.parseHex(hash));
      txHash[0] = ChainClient.txHash(tx);
      return chain.broadcastTxSync(tx);
    }).compose(r -> {
      if (!r.ok()) {
        return Future.succeededFuture(r.code());
      }
      return included(txHash[0], hash, proposal != null, System.nanoTime() + INCLUSION_TIMEOUT_NANOS);
    }).compose(code -> {
      if (code == 0 || code == ALREADY_VOTED || code == ALREADY_DECIDED) {
        outcomes.add(roundId + " " + layer + " " + (proposal != null ? "proposed " : "voted ") + hash);
        return Future.succeededFuture();
      }
      return Future.failedFuture(what + " refused with code " + code + ": " + (code == DUPLICATE
          ? "another validator proposed it first" : "see the node's log"));
    });
  }

  private static final long INCLUSION_TIMEOUT_NANOS = 30_000_000_000L;

  /**
   * The transaction's result code once it is in a block. A transaction that became pointless
   * while it waited is dropped from the mempool at the node's recheck and never lands: a vote
   * once the checkpoint is accepted ({@link #ALREADY_DECIDED}), a proposal once another
   * validator's identical proposal was committed ({@link #DUPLICATE}: vote for that one).
   */
  private Future<Integer> included(String txHash, String checkpoint, boolean proposal, long deadline) {
    String me = submitter.signer().key().addressHex();
    return chain.tx(txHash).map(t -> t.getJsonObject("tx_result", new JsonObject()).getInteger("code", 0))
        .recover(notYet -> chain.abciQuery("/checkpoint/" + checkpoint, null).compose(c -> {
          if (c.code() == 0 && "ACCEPTED".equals(c.json().getString("status"))) {
            return Future.succeededFuture(ALREADY_DECIDED);
          }
          if (proposal && c.code() == 0 && !me.equalsIgnoreCase(c.json().getString("proposer"))) {
            return Future.succeededFuture(DUPLICATE);
          }
          if (System.nanoTime() > deadline) {
            return Future.failedFuture("transaction " + txHash + " not in a block after 30 s");
          }
          io.vertx.core.Promise<Integer> later = io.vertx.core.Promise.promise();
          vertx.setTimer(300, id -> included(txHash, checkpoint, proposal, deadline).onComplete(later));
          return later.future();
        }));
  }
}
