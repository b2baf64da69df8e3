package io.deltachain.round.chain;

import io.deltachain.core.content.ContentHash;
import com.google.protobuf.InvalidProtocolBufferException;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.TxEnvelopes;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.FinalizeRound;
import io.deltachain.core.tx.proto.RegisterNode;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TxEnvelope;
import io.deltachain.round.lifecycle.ChainEvents;
import io.deltachain.round.lifecycle.DeltaStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A chain in memory, one transaction per block, that keeps every block and answers from them:
 * what was submitted is what replay and queries return. It enforces the ledger rules the round
 * service relies on (unique round ids, deltas only for known rounds within their training
 * window, no duplicate deltas, finalization once), and offers the validators' side
 * ({@link #decide}, {@link #acceptCheckpoint}) and empty blocks ({@link #advance}) for tests and
 * local runs.
 *
 * <p>Events are delivered on the given Vert.x context (the service's), in block order, before
 * the submitting future completes; without a context they are delivered on the caller's thread.
 */
public final class InMemoryRoundChain implements RoundChain {
  private static final HexFormat HEX = HexFormat.of();

  private final Context context;
  private final List<List<Consumer<ChainEvents>>> blocks = new ArrayList<>();
  private final List<ChainEvents> subscribers = new CopyOnWriteArrayList<>();
  private final Map<String, RoundInfo> rounds = new HashMap<>();
  private final Map<String, String> deltaRound = new HashMap<>();
  private final Map<String, DeltaStatus> deltaStatus = new HashMap<>();
  private final Map<String, List<LineageEntry>> lineage = new TreeMap<>();
  private final java.util.ArrayDeque<Runnable> undelivered = new java.util.ArrayDeque<>();
  private boolean delivering;

  /** A chain delivering events on this context (null: on the caller's thread). */
  public InMemoryRoundChain(Context context) {
    this.context = context;
  }

  /** A chain delivering events on the caller's thread. */
  public InMemoryRoundChain() {
    this(null);
  }

  private record RoundInfo(long startHeight, long trainingDeadline, boolean[] finalized) {}

  @Override
  public Future<TxReceipt> submitStartRound(StartRound start) {
    synchronized (this) {
      String id = start.getRoundId();
      if (id.isBlank()) {
        return Future.failedFuture(new ChainRejectedException("StartRound: round_id is empty"));
      }
      RoundInfo existing = rounds.get(id);
      if (existing != null) {
        return Future.failedFuture(new ChainRejectedException(
            "StartRound: round " + id + " already started at height " + existing.startHeight()));
      }
      if (start.getAssignmentsCount() == 0) {
        return Future.failedFuture(new ChainRejectedException("StartRound: round " + id + " has no assignments"));
      }
      long h = blocks.size() + 1L;
      rounds.put(id, new RoundInfo(h, h + start.getTrainingBlocks(), new boolean[1]));
      String tx = txHash("start", start.toByteArray());
      return commit(l -> l.onRoundStarted(h, tx, start), tx);
    }
  }

  @Override
  public Future<TxReceipt> submitDelta(String trainerAddress, SubmitDelta delta) {
    return commitDelta(trainerAddress, delta, ContentHash.sha256(delta.toByteArray()).hex());
  }

  /**
   * Checks what the ledger's stateless rules would (an envelope, a SubmitDelta body, a valid
   * signature) and commits the delta credited to the signer; its id is the SHA-256 of the bytes.
   */
  @Override
  public Future<TxReceipt> submitSignedDelta(byte[] signedTx) {
    TxEnvelope env;
    SubmitDelta delta;
    try {
      env = TxEnvelopes.parse(signedTx);
      if (env.getBodyType() != BodyType.SUBMIT_DELTA) {
        return Future.failedFuture(new ChainRejectedException("the transaction is a " + env.getBodyType()
            + ", not a SUBMIT_DELTA"));
      }
      delta = SubmitDelta.parseFrom(env.getBody());
    } catch (InvalidProtocolBufferException e) {
      return Future.failedFuture(new ChainRejectedException("not a deltachain transaction: " + e.getMessage()));
    }
    if (!TxEnvelopes.signatureValid(env)) {
      return Future.failedFuture(new ChainRejectedException("the transaction's signature does not verify"));
    }
    String address = HEX.formatHex(NodeKey.addressOf(env.getSignerPubKey().toByteArray()));
    return commitDelta(address, delta, ContentHash.sha256(signedTx).hex());
  }

  private Future<TxReceipt> commitDelta(String trainerAddress, SubmitDelta delta, String deltaId) {
    synchronized (this) {
      RoundInfo r = rounds.get(delta.getRoundId());
      if (r == null) {
        return Future.failedFuture(new ChainRejectedException("SubmitDelta: unknown round " + delta.getRoundId()));
      }
      long h = blocks.size() + 1L;
      if (h > r.trainingDeadline() || r.finalized()[0]) {
        return Future.failedFuture(new ChainRejectedException("SubmitDelta: the training window of round "
            + delta.getRoundId() + " closed at height " + r.trainingDeadline()));
      }
      if (deltaRound.containsKey(deltaId)) {
        return Future.failedFuture(new ChainRejectedException("SubmitDelta: delta " + deltaId + " already committed"));
      }
      deltaRound.put(deltaId, delta.getRoundId());
      deltaStatus.put(deltaId, DeltaStatus.PENDING);
      return commit(l -> l.onDeltaCommitted(h, deltaId, trainerAddress, delta), deltaId);
    }
  }

  @Override
  public Future<TxReceipt> submitFinalize(FinalizeRound finalize) {
    synchronized (this) {
      RoundInfo r = rounds.get(finalize.getRoundId());
      if (r == null) {
        return Future.failedFuture(new ChainRejectedException("FinalizeRound: unknown round " + finalize.getRoundId()));
      }
      if (r.finalized()[0]) {
        return Future.failedFuture(new ChainRejectedException(
            "FinalizeRound: round " + finalize.getRoundId() + " is already finalized"));
      }
      r.finalized()[0] = true;
      long h = blocks.size() + 1L;
      String tx = txHash("finalize", finalize.toByteArray());
      return commit(l -> l.onRoundFinalized(h, finalize.getRoundId(), finalize.getReason()), tx);
    }
  }

  /** Commits a RegisterNode signed by {@code address}. */
  public synchronized Future<TxReceipt> registerNode(String address, RegisterNode registration) {
    long h = blocks.size() + 1L;
    String tx = txHash("register", (address + HEX.formatHex(registration.toByteArray())).getBytes(StandardCharsets.UTF_8));
    return commit(l -> l.onNodeRegistered(h, address, registration), tx);
  }

  /**
   * Commits the verdict tally's decision on a delta (what the ABCI app does when the votes are in).
   *
   * @throws IllegalArgumentException for an unknown or already decided delta
   */
  public synchronized Future<TxReceipt> decide(String deltaId, DeltaStatus status, List<String> reasons) {
    DeltaStatus current = deltaStatus.get(deltaId);
    if (current == null) {
      return Future.failedFuture(new ChainRejectedException("no delta " + deltaId));
    }
    if (current != DeltaStatus.PENDING || status == DeltaStatus.PENDING) {
      return Future.failedFuture(new ChainRejectedException("delta " + deltaId + " is already " + current));
    }
    deltaStatus.put(deltaId, status);
    long h = blocks.size() + 1L;
    List<String> rs = List.copyOf(reasons);
    return commit(l -> l.onDeltaStatus(h, deltaId, status, rs), txHash("verdicts", (deltaId + status).getBytes(StandardCharsets.UTF_8)));
  }

  /** Commits an agreed checkpoint for a layer, moving its head. */
  public synchronized Future<TxReceipt> acceptCheckpoint(
      String roundId, String layer, String checkpointHash, String cid, long sizeBytes, List<String> contributing) {
    if (!rounds.containsKey(roundId)) {
      return Future.failedFuture(new ChainRejectedException("no round " + roundId));
    }
    for (String d : contributing) {
      if (deltaStatus.get(d) != DeltaStatus.ACCEPTED) {
        return Future.failedFuture(new ChainRejectedException("delta " + d + " is not accepted"));
      }
    }
    long h = blocks.size() + 1L;
    List<LineageEntry> history = lineage.computeIfAbsent(layer, k -> new ArrayList<>());
    String parent = history.isEmpty() ? "" : history.get(history.size() - 1).checkpointHash();
    history.add(new LineageEntry(layer, checkpointHash, parent, roundId, cid, h, contributing));
    return commit(l -> l.onCheckpointAccepted(h, roundId, layer, checkpointHash, cid, sizeBytes),
        txHash("checkpoint", (roundId + layer + checkpointHash).getBytes(StandardCharsets.UTF_8)));
  }

  /** Commits {@code n} empty blocks. */
  public synchronized Future<TxReceipt> advance(int n) {
    Future<TxReceipt> last = Future.succeededFuture(new TxReceipt(blocks.size(), ""));
    for (int i = 0; i < n; i++) {
      last = commit(l -> { }, "");
    }
    return last;
  }

  /** The status the chain holds for a delta. */
  public synchronized DeltaStatus status(String deltaId) {
    return deltaStatus.get(deltaId);
  }

  @Override
  public synchronized Future<Long> latestHeight() {
    return Future.succeededFuture((long) blocks.size());
  }

  @Override
  public synchronized Future<List<LineageEntry>> lineage(String layer) {
    return Future.succeededFuture(List.copyOf(lineage.getOrDefault(layer, List.of())));
  }

  @Override
  public synchronized Future<Map<String, String>> heads() {
    Map<String, String> out = new TreeMap<>();
    lineage.forEach((layer, h) -> out.put(layer, h.get(h.size() - 1).checkpointHash()));
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Long> replayAndSubscribe(ChainEvents listener) {
    Promise<Long> done = Promise.promise();
    Runnable replay = () -> {
      List<List<Consumer<ChainEvents>>> snapshot;
      synchronized (this) {
        snapshot = new ArrayList<>(blocks);
        subscribers.add(listener);
      }
      for (int i = 0; i < snapshot.size(); i++) {
        long h = i + 1L;
        snapshot.get(i).forEach(e -> e.accept(listener));
        listener.onNewBlock(h);
      }
      done.complete((long) snapshot.size());
    };
    if (context != null) {
      context.runOnContext(v -> replay.run());
    } else {
      replay.run();
    }
    return done.future();
  }

  /** Stops delivering events to a listener (a coordinator that died). */
  public void unsubscribe(ChainEvents listener) {
    subscribers.remove(listener);
  }

  private Future<TxReceipt> commit(Consumer<ChainEvents> event, String txHash) {
    long h = blocks.size() + 1L;
    blocks.add(List.of(event));
    TxReceipt receipt = new TxReceipt(h, txHash);
    List<ChainEvents> targets = List.copyOf(subscribers);
    Runnable deliver = () -> targets.forEach(l -> {
      event.accept(l);
      l.onNewBlock(h);
    });
    if (context == null) {
      // a listener that submits while a block is being delivered gets its block delivered after
      // this one reached every listener, as on a real chain
      undelivered.add(deliver);
      if (!delivering) {
        delivering = true;
        try {
          Runnable next;
          while ((next = undelivered.poll()) != null) {
            next.run();
          }
        } finally {
          delivering = false;
        }
      }
      return Future.succeededFuture(receipt);
    }
    Promise<TxReceipt> p = Promise.promise();
    context.runOnContext(v -> {
      deliver.run();
      p.complete(receipt);
    });
    return p.future();
  }

  private static String txHash(String kind, byte[] body) {
    byte[] k = kind.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[k.length + body.length];
    System.arraycopy(k, 0, all, 0, k.length);
    System.arraycopy(body, 0, all, k.length, body.length);
    return ContentHash.sha256(all).hex();
  }
}
