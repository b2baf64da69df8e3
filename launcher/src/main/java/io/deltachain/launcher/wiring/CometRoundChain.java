package io.deltachain.launcher.wiring;

import com.google.protobuf.InvalidProtocolBufferException;
import io.deltachain.abci.client.ChainClient;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.TxEnvelopes;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.Capabilities;
import io.deltachain.core.tx.proto.FinalizeRound;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.ProposeCheckpoint;
import io.deltachain.core.tx.proto.RegisterNode;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TxEnvelope;
import io.deltachain.core.tx.proto.Verdict;
import io.deltachain.core.tx.proto.VerdictBatch;
import io.deltachain.round.chain.ChainRejectedException;
import io.deltachain.round.chain.LineageEntry;
import io.deltachain.round.chain.RoundChain;
import io.deltachain.round.chain.SignatureRequiredException;
import io.deltachain.round.chain.TxReceipt;
import io.deltachain.round.lifecycle.ChainEvents;
import io.deltachain.round.lifecycle.DeltaStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The round service's {@link RoundChain} on a real CometBFT node running the deltachain ABCI app.
 *
 * <ul>
 *   <li>StartRound and FinalizeRound are signed with the coordinator's key and committed with
 *       {@code broadcast_tx_commit}; a refusal (CheckTx or the block) fails with
 *       {@link ChainRejectedException} carrying the ledger's log. Submissions go one at a time,
 *       each with the nonce after the signer's last one on chain, and the key registers itself as
 *       COORDINATOR before its first transaction when the ledger does not know it yet (the
 *       genesis {@code coordinators} list must name it).
 *   <li>A delta cannot be forged for a trainer: {@link #submitDelta} fails with
 *       {@link SignatureRequiredException}; {@link #submitSignedDelta} relays a transaction the
 *       trainer signed itself.
 *   <li>Events: a {@link BlockPollingFeed} replays every block from height 1 and then follows new
 *       ones; each successful transaction becomes the matching {@link ChainEvents} call
 *       (RegisterNode, StartRound, SubmitDelta, FinalizeRound), the ledger's {@code delta} events
 *       with a decided status become {@link ChainEvents#onDeltaStatus} (reason codes from the
 *       verdicts counted for that outcome), and {@code checkpoint} events with status ACCEPTED
 *       become {@link ChainEvents#onCheckpointAccepted} (CID from the proposal). Listener calls
 *       run on the service's context, in block order.
 *   <li>{@link #lineage} queries the ledger; {@link #heads} is the head of every layer as the
 *       followed blocks moved it (accepted checkpoints and applied rollbacks).
 * </ul>
 */
public final class CometRoundChain implements RoundChain {
  private static final Logger LOG = LoggerFactory.getLogger(CometRoundChain.class);
  private static final HexFormat HEX = HexFormat.of();

  private final Context context;
  private final ChainClient chain;
  private final NodeKey coordinator;
  private final String chainId;
  private final long pollMillis;
  private final List<BlockPollingFeed> feeds = new ArrayList<>();
  private final Map<String, String> heads = new TreeMap<>();
  private Future<?> submissions = Future.succeededFuture();
  private boolean registered;

  /**
   * An adapter over one node's RPC.
   *
   * @param context the round service's context: listeners are called there, submissions are
   *     serialized there
   * @param chain the node's RPC client
   * @param coordinator the coordinator's signing key (listed in the genesis {@code coordinators})
   * @param chainId the chain id transactions are signed for
   * @param pollMillis how often new blocks are looked for
   */
  public CometRoundChain(Context context, ChainClient chain, NodeKey coordinator, String chainId, long pollMillis) {
    this.context = context;
    this.chain = chain;
    this.coordinator = coordinator;
    this.chainId = chainId;
    this.pollMillis = pollMillis;
  }

  /** The coordinator's address, upper-case hex. */
  public String coordinatorAddress() {
    return coordinator.addressHex();
  }

  // --- submissions ------------------------------------------------------------------------------

  @Override
  public Future<TxReceipt> submitStartRound(StartRound start) {
    return signed(BodyType.START_ROUND, start);
  }

  @Override
  public Future<TxReceipt> submitFinalize(FinalizeRound finalize) {
    return signed(BodyType.FINALIZE_ROUND, finalize);
  }

  @Override
  public Future<TxReceipt> submitDelta(String trainerAddress, SubmitDelta delta) {
    return Future.failedFuture(new SignatureRequiredException("on the chain a delta is credited to the key that"
        + " signed it, and the coordinator does not hold trainer " + trainerAddress + "'s key: sign the SubmitDelta"
        + " with the trainer's key and send it as signed_tx to POST /learning/round/{id}/submit_signed_delta"));
  }

  @Override
  public Future<TxReceipt> submitSignedDelta(byte[] signedTx) {
    TxEnvelope env;
    try {
      env = TxEnvelopes.parse(signedTx);
    } catch (InvalidProtocolBufferException e) {
      return Future.failedFuture(new ChainRejectedException("signed_tx is not a deltachain transaction: "
          + e.getMessage()));
    }
    if (env.getBodyType() != BodyType.SUBMIT_DELTA) {
      return Future.failedFuture(new ChainRejectedException("signed_tx is a " + env.getBodyType()
          + " transaction; only SUBMIT_DELTA is relayed"));
    }
    return serialized(() -> commit(signedTx));
  }

  private Future<TxReceipt> signed(BodyType type, com.google.protobuf.MessageLite body) {
    return serialized(() -> ensureRegistered()
        .compose(v -> chain.lastNonce(coordinator.address()))
        .compose(last -> commit(TxEnvelopes.sign(coordinator, chainId, last + 1, type, body).toByteArray())));
  }

  /** Runs submissions one after another, so each reads the nonce its predecessor left on chain. */
  private synchronized <T> Future<T> serialized(Supplier<Future<T>> next) {
    Promise<T> done = Promise.promise();
    submissions = submissions.transform(ignored -> {
      Future<T> f;
      try {
        f = next.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(done);
      return f.transform(x -> Future.succeededFuture());
    });
    return done.future();
  }

  private Future<Void> ensureRegistered() {
    if (registered) {
      return Future.succeededFuture();
    }
    return chain.abciQuery("/node/" + coordinator.addressHex(), null).compose(q -> {
      if (q.code() == 0) {
        registered = true;
        return Future.succeededFuture();
      }
      RegisterNode body = RegisterNode.newBuilder().setRole(NodeRole.COORDINATOR).setMoniker("round-service")
          .setCapabilities(Capabilities.getDefaultInstance()).build();
      return chain.lastNonce(coordinator.address())
          .compose(last -> commit(TxEnvelopes.sign(coordinator, chainId, last + 1, BodyType.REGISTER_NODE, body)
              .toByteArray()))
          .map(r -> {
            registered = true;
            LOG.info("coordinator {} registered on chain at height {}", coordinator.addressHex(), r.height());
            return null;
          });
    });
  }

  private Future<TxReceipt> commit(byte[] tx) {
    return chain.broadcastTxCommit(tx).compose(r -> {
      if (r.checkTx().code() != 0) {
        return Future.failedFuture(new ChainRejectedException("CheckTx refused it (code " + r.checkTx().code()
            + "): " + r.checkTx().log()));
      }
      if (r.txCode() != 0) {
        return Future.failedFuture(new ChainRejectedException("the block refused it (code " + r.txCode() + "): "
            + r.txLog()));
      }
      return Future.succeededFuture(new TxReceipt(r.height(), ChainClient.txHash(tx).toLowerCase(Locale.ROOT)));
    });
  }

  // --- queries ----------------------------------------------------------------------------------

  @Override
  public Future<Long> latestHeight() {
    return chain.status().map(ChainClient.Status::latestHeight);
  }

  /** The ledger's answer to a query path, over the node's {@code abci_query} (for the dashboard). */
  @Override
  public Future<JsonObject> query(String path) {
    return chain.queryJson(path);
  }

  /**
   * The node's status (height, chain id, app hash, latest block time, and the interval to the
   * block before) with the ledger's validator set and power; the parts that cannot be read are
   * left out.
   */
  @Override
  public Future<JsonObject> networkStatus() {
    return chain.status().compose(s -> {
      JsonObject out = new JsonObject().put("height", s.latestHeight()).put("chain_id", s.network())
          .put("app_hash", s.latestAppHash()).put("block_time", s.latestBlockTime()).put("catching_up", s.catchingUp());
      Future<Void> validators = chain.queryJson("/validators").map(v -> {
        out.put("validators", v.getJsonArray("validators")).put("total_power", v.getValue("total_power"));
        return null;
      });
      Future<Void> interval = s.latestHeight() < 2 ? Future.succeededFuture()
          : chain.call("block", new JsonObject().put("height", Long.toString(s.latestHeight() - 1))).map(b -> {
            java.time.Instant before = java.time.Instant.parse(b.getJsonObject("block").getJsonObject("header")
                .getString("time"));
            java.time.Instant latest = java.time.Instant.parse(s.latestBlockTime());
            out.put("block_interval_s", java.time.Duration.between(before, latest).toMillis() / 1000.0);
            return null;
          });
      return Future.join(validators, interval).transform(ar -> Future.succeededFuture(out));
    });
  }

  @Override
  public Future<List<LineageEntry>> lineage(String layer) {
    return chain.abciQuery("/layer/" + layer + "/lineage", null).map(q -> {
      if (q.code() == 1) {
        return List.<LineageEntry>of();
      }
      if (q.code() != 0) {
        throw new IllegalStateException("lineage query for " + layer + " failed: " + q.log());
      }
      JsonArray newestFirst = q.json().getJsonArray("lineage", new JsonArray());
      List<LineageEntry> out = new ArrayList<>();
      for (int i = newestFirst.size() - 1; i >= 0; i--) {
        JsonObject c = newestFirst.getJsonObject(i);
        List<String> contributing = new ArrayList<>();
        c.getJsonArray("contributing_deltas", new JsonArray()).forEach(d -> contributing.add(lower((String) d)));
        out.add(new LineageEntry(layer, lower(c.getString("hash")), lower(c.getString("parent", "")),
            c.getString("round_id"), c.getString("cid") == null ? "" : c.getString("cid"),
            c.getLong("accepted_height", 0L), contributing));
      }
      return out;
    });
  }

  @Override
  public synchronized Future<Map<String, String>> heads() {
    return Future.succeededFuture(new TreeMap<>(heads));
  }

  // --- events -----------------------------------------------------------------------------------

  @Override
  public Future<Long> replayAndSubscribe(ChainEvents listener) {
    Promise<Long> done = Promise.promise();
    context.runOnContext(v -> {
      BlockPollingFeed feed = new BlockPollingFeed(context.owner(), chain, pollMillis);
      Translator t = new Translator(listener);
      feed.onCommittedTx(t::tx);
      feed.onBlockEvents(t::blockEvents);
      feed.onBlockCommitted(listener::onNewBlock);
      synchronized (this) {
        feeds.add(feed);
      }
      feed.start().onComplete(done);
    });
    return done.future();
  }

  /** Stops following the chain. */
  public synchronized void stop() {
    feeds.forEach(BlockPollingFeed::stop);
    feeds.clear();
  }

  /** Turns one feed's blocks into one listener's calls; its state is rebuilt on every replay. */
  private final class Translator {
    private final ChainEvents listener;
    /** Reason codes of the verdicts counted so far, by delta id and by vote (true: approve). */
    private final Map<String, Map<Boolean, Set<String>>> reasons = new HashMap<>();
    private final Map<String, String> proposalCids = new HashMap<>();

    Translator(ChainEvents listener) {
      this.listener = listener;
    }

    void tx(BlockPollingFeed.CommittedTx t) {
      TxEnvelope env = t.envelope();
      String signer = HEX.formatHex(NodeKey.addressOf(env.getSignerPubKey().toByteArray()));
      long h = t.height();
      try {
        switch (env.getBodyType()) {
          case REGISTER_NODE -> listener.onNodeRegistered(h, signer, RegisterNode.parseFrom(env.getBody()));
          case START_ROUND -> listener.onRoundStarted(h, ContentHash.sha256(t.raw()).hex(),
              StartRound.parseFrom(env.getBody()));
          case SUBMIT_DELTA -> listener.onDeltaCommitted(h, ContentHash.sha256(t.raw()).hex(), signer,
              SubmitDelta.parseFrom(env.getBody()));
          case VERDICT_BATCH -> {
            for (Verdict v : VerdictBatch.parseFrom(env.getBody()).getVerdictsList()) {
              reasons.computeIfAbsent(HEX.formatHex(v.getDeltaId().toByteArray()), k -> new HashMap<>())
                  .computeIfAbsent(v.getApprove(), k -> new LinkedHashSet<>()).addAll(v.getReasonCodesList());
            }
          }
          case PROPOSE_CHECKPOINT -> {
            ProposeCheckpoint p = ProposeCheckpoint.parseFrom(env.getBody());
            proposalCids.put(HEX.formatHex(p.getCheckpointHash().toByteArray()), p.getCid());
          }
          case FINALIZE_ROUND -> {
            FinalizeRound f = FinalizeRound.parseFrom(env.getBody());
            listener.onRoundFinalized(h, f.getRoundId(), f.getReason());
          }
          default -> { }
        }
      } catch (InvalidProtocolBufferException e) {
        LOG.warn("committed {} at height {} does not parse: {}", env.getBodyType(), h, e.getMessage());
        return;
      }
      events(h, t.events());
    }

    void blockEvents(BlockPollingFeed.BlockEvents b) {
      events(b.height(), b.events());
    }

    private void events(long h, JsonArray events) {
      for (Object o : events) {
        if (!(o instanceof JsonObject e)) {
          continue;
        }
        Map<String, String> a = attributes(e);
        switch (e.getString("type", "")) {
          case "delta" -> {
            DeltaStatus s = switch (a.getOrDefault("status", "")) {
              case "ACCEPTED" -> DeltaStatus.ACCEPTED;
              case "REJECTED" -> DeltaStatus.REJECTED;
              case "EXPIRED" -> DeltaStatus.EXPIRED;
              default -> null;
            };
            if (s != null) {
              String id = lower(a.get("id"));
              Map<Boolean, Set<String>> byVote = reasons.getOrDefault(id, Map.of());
              List<String> why = switch (s) {
                case ACCEPTED -> new ArrayList<>(byVote.getOrDefault(true, Set.of()));
                case REJECTED -> new ArrayList<>(byVote.getOrDefault(false, Set.of()));
                default -> List.of("VALIDATION_DEADLINE_PASSED");
              };
              listener.onDeltaStatus(h, id, s, why);
            }
          }
          case "checkpoint" -> {
            if ("ACCEPTED".equals(a.get("status"))) {
              String hash = lower(a.get("hash"));
              synchronized (CometRoundChain.this) {
                heads.put(a.get("layer"), hash);
              }
              listener.onCheckpointAccepted(h, a.get("round"), a.get("layer"), hash,
                  proposalCids.getOrDefault(hash, ""), 0L);
            }
          }
          case "rollback" -> {
            if ("APPLIED".equals(a.get("status"))) {
              synchronized (CometRoundChain.this) {
                heads.put(a.get("layer"), lower(a.get("to")));
              }
            }
          }
          default -> { }
        }
      }
    }
  }

  private static Map<String, String> attributes(JsonObject event) {
    Map<String, String> out = new HashMap<>();
    JsonArray attrs = event.getJsonArray("attributes");
    for (Object o : attrs == null ? new JsonArray() : attrs) {
      if (o instanceof JsonObject a && a.getString("key") != null) {
        out.put(a.getString("key"), a.getString("value", ""));
      }
    }
    return out;
  }

  private static String lower(String hex) {
    return hex == null ? "" : hex.toLowerCase(Locale.ROOT);
  }
}
