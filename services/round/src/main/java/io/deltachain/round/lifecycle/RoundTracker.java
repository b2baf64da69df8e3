package io.deltachain.round.lifecycle;

import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The state machine of every round, fed by {@link ChainEvents}.
 *
 * <ul>
 *   <li>CREATED: the API accepted the round ({@link #created}); the chain has not committed it.
 *   <li>TRAINING: its StartRound committed at height {@code h}; the training window ends at
 *       {@code h + training_blocks}.
 *   <li>VALIDATING: the window closed, or every assigned layer has a delta. Waits for pending
 *       verdicts until {@code training deadline + validation_blocks}.
 *   <li>AGGREGATING: every delta is decided (or the validation deadline passed). Waits for a
 *       checkpoint of each layer with an accepted delta until {@code validation deadline +
 *       aggregation blocks}.
 *   <li>FINALIZED when each such layer has a checkpoint, or at the aggregation deadline with
 *       those that do (partial); or on a FinalizeRound transaction.
 *   <li>FAILED when no delta was accepted, or no checkpoint was agreed by the deadline, or the
 *       start could not be submitted ({@link #failCreated}); CANCELLED on a FinalizeRound whose
 *       reason starts with "cancelled", or locally before the chain saw the round.
 * </ul>
 *
 * <p>Only chain events (and heights) move a committed round, so two trackers fed the same events
 * hold equal {@link #rounds()}. Replacements of trainers ({@link #reassign}) are local decisions
 * layered over the chain's assignments. Not thread-safe: use it from one event loop.
 */
public final class RoundTracker implements ChainEvents {
  /** A reason prefix on FinalizeRound that marks a cancellation. */
  public static final String CANCEL_PREFIX = "cancelled";
  private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)(?:\\..*)?");
  private static final HexFormat HEX = HexFormat.of();

  private final long aggregationBlocks;
  private final Map<String, Round> rounds = new LinkedHashMap<>();
  private final Map<String, String> deltaRound = new TreeMap<>();
  private final List<Consumer<RoundView>> listeners = new ArrayList<>();
  private long height;

  /** A tracker giving aggregation this many blocks after the validation deadline. */
  public RoundTracker(long aggregationBlocks) {
    if (aggregationBlocks < 0) {
      throw new IllegalArgumentException("aggregation blocks must not be negative");
    }
    this.aggregationBlocks = aggregationBlocks;
  }

  /** Calls the listener with a snapshot after every state change of any round. */
  public void addListener(Consumer<RoundView> listener) {
    listeners.add(listener);
  }

  /** The latest height seen. */
  public long height() {
    return height;
  }

  /** The layer index of a module path such as {@code model.layers.3} (or a tensor under it). */
  public static Optional<Integer> layerIndex(String layer) {
    Matcher m = LAYER.matcher(layer == null ? "" : layer);
    return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }

  /**
   * Records a round the API accepted, before its StartRound commits.
   *
   * @throws IllegalStateException when the id is taken
   */
  public void created(String roundId, String modelId, String datasetHash) {
    if (rounds.containsKey(roundId)) {
      throw new IllegalStateException("round " + roundId + " already exists");
    }
    Round r = new Round(roundId);
    r.modelId = modelId;
    r.datasetHash = datasetHash;
    r.state = RoundState.CREATED;
    r.history.add(new Transition(RoundState.CREATED, 0, "accepted by the API; StartRound submitted"));
    rounds.put(roundId, r);
    fire(r);
  }

  /** Fails a round whose StartRound could not be submitted. */
  public void failCreated(String roundId, String reason) {
    Round r = rounds.get(roundId);
    if (r != null && r.state == RoundState.CREATED) {
      move(r, RoundState.FAILED, 0, reason);
    }
  }

  /**
   * Cancels a round the chain has not seen yet.
   *
   * @return false when the round is unknown or already on chain (cancel it through the chain then)
   */
  public boolean cancelCreated(String roundId, String reason) {
    Round r = rounds.get(roundId);
    if (r == null || r.state != RoundState.CREATED) {
      return false;
    }
    move(r, RoundState.CANCELLED, 0, reason);
    return true;
  }

  /**
   * Puts another trainer in charge of an assignment (its predecessor stopped), local to this
   * service.
   *
   * @throws IllegalArgumentException for an unknown round or assignment
   */
  public void reassign(String roundId, int assignmentIndex, String newTrainer, String reason) {
    Round r = rounds.get(roundId);
    if (r == null || assignmentIndex < 0 || assignmentIndex >= r.assignments.size()) {
      throw new IllegalArgumentException("no assignment " + assignmentIndex + " in round " + roundId);
    }
    AssignmentView a = r.assignments.get(assignmentIndex);
    r.assignments.set(assignmentIndex, new AssignmentView(a.index(), newTrainer, a.originalTrainer(), a.firstLayer(),
        a.lastLayer(), a.mode(), a.loraRank(), a.shardIndex(), a.precision(), a.targetModules(), reason));
    fire(r);
  }

  /** Whether the trainer in charge of an assignment has delivered a delta for each of its layers. */
  public boolean delivered(String roundId, int assignmentIndex) {
    Round r = rounds.get(roundId);
    AssignmentView a = r.assignments.get(assignmentIndex);
    for (int layer = a.firstLayer(); layer <= a.lastLayer(); layer++) {
      int l = layer;
      boolean has = r.deltas.values().stream().anyMatch(d -> d.shardIndex() == a.shardIndex()
          && layerIndex(d.layer()).map(x -> x == l).orElse(false));
      if (!has) {
        return false;
      }
    }
    return true;
  }

  /** A round's snapshot. */
  public Optional<RoundView> round(String roundId) {
    Round r = rounds.get(roundId);
    return r == null ? Optional.empty() : Optional.of(r.view());
  }

  /** Every round, in the order they appeared. */
  public List<RoundView> rounds() {
    return rounds.values().stream().map(Round::view).toList();
  }

  /** A delta by id. */
  public Optional<DeltaRecord> delta(String deltaId) {
    String roundId = deltaRound.get(deltaId);
    return roundId == null ? Optional.empty() : Optional.ofNullable(rounds.get(roundId).deltas.get(deltaId));
  }

  // --- chain events --------------------------------------------------------------------------

  @Override
  public void onNewBlock(long h) {
    height = Math.max(height, h);
    for (Round r : rounds.values()) {
      advance(r, h);
    }
  }

  @Override
  public void onRoundStarted(long h, String txHash, StartRound start) {
    height = Math.max(height, h);
    Round r = rounds.get(start.getRoundId());
    if (r == null) {
      r = new Round(start.getRoundId());
      rounds.put(r.id, r);
    } else if (r.state != RoundState.CREATED) {
      return; // a duplicate StartRound: the ledger rejects those; ignore if one slips through
    }
    r.modelId = start.getModelId();
    r.datasetHash = HEX.formatHex(start.getDatasetHash().toByteArray());
    r.shardCount = start.getShardCount();
    r.startHeight = h;
    r.startTxHash = txHash;
    r.trainingDeadline = h + start.getTrainingBlocks();
    r.validationDeadline = r.trainingDeadline + start.getValidationBlocks();
    r.aggregationDeadline = r.validationDeadline + aggregationBlocks;
    r.assignments.clear();
    int expected = 0;
    for (int i = 0; i < start.getAssignmentsCount(); i++) {
      Assignment a = start.getAssignments(i);
      String trainer = HEX.formatHex(a.getTrainerAddress().toByteArray());
      r.assignments.add(new AssignmentView(i, trainer, trainer, a.getFirstLayer(), a.getLastLayer(),
          a.getMode().name(), a.getLoraRank(), a.getShardIndex(), a.getPrecision(), a.getTargetModulesList(), ""));
      expected += a.getLastLayer() - a.getFirstLayer() + 1;
    }
    r.expectedDeltas = expected;
    move(r, RoundState.TRAINING, h, "StartRound committed at height " + h + "; training until height "
        + r.trainingDeadline);
    advance(r, h);
  }

  @Override
  public void onDeltaCommitted(long h, String deltaId, String trainerAddress, SubmitDelta d) {
    height = Math.max(height, h);
    Round r = rounds.get(d.getRoundId());
    if (r == null || r.deltas.containsKey(deltaId)) {
      return;
    }
    r.deltas.put(deltaId, new DeltaRecord(deltaId, r.id, d.getLayer(), trainerAddress, d.getShardIndex(),
        HEX.formatHex(d.getBaseHash().toByteArray()), HEX.formatHex(d.getContentHash().toByteArray()), d.getCid(),
        d.getSizeBytes(), d.getTokens(), d.getLossBeforeMicro(), d.getLossAfterMicro(), h, DeltaStatus.PENDING,
        List.of(), 0));
    deltaRound.put(deltaId, r.id);
    fire(r);
    advance(r, h);
  }

  @Override
  public void onDeltaStatus(long h, String deltaId, DeltaStatus status, List<String> reasons) {
    height = Math.max(height, h);
    String roundId = deltaRound.get(deltaId);
    if (roundId == null || status == DeltaStatus.PENDING) {
      return;
    }
    Round r = rounds.get(roundId);
    DeltaRecord d = r.deltas.get(deltaId);
    if (d.status() != DeltaStatus.PENDING) {
      return;
    }
    r.deltas.put(deltaId, d.decided(status, reasons, h));
    fire(r);
    advance(r, h);
  }

  @Override
  public void onCheckpointAccepted(long h, String roundId, String layer, String hash, String cid, long sizeBytes) {
    height = Math.max(height, h);
    Round r = rounds.get(roundId);
    if (r == null || r.state.terminal()) {
      return;
    }
    r.checkpoints.put(layer, new CheckpointRecord(roundId, layer, hash, cid, sizeBytes, h));
    fire(r);
    advance(r, h);
  }

  @Override
  public void onRoundFinalized(long h, String roundId, String reason) {
    height = Math.max(height, h);
    Round r = rounds.get(roundId);
    if (r == null || r.state.terminal()) {
      return;
    }
    if (reason != null && reason.startsWith(CANCEL_PREFIX)) {
      move(r, RoundState.CANCELLED, h, reason);
    } else {
      r.partial = r.checkpoints.size() < r.assignedLayers();
      move(r, RoundState.FINALIZED, h, reason == null || reason.isBlank() ? "FinalizeRound committed" : reason);
    }
  }

  // --- transitions ---------------------------------------------------------------------------

  private void advance(Round r, long h) {
    boolean moved = true;
    while (moved) {
      moved = false;
      switch (r.state) {
        case TRAINING -> {
          if (h >= r.trainingDeadline) {
            move(r, RoundState.VALIDATING, h, "training window closed at height " + r.trainingDeadline
                + " with " + r.deltas.size() + " of " + r.expectedDeltas + " deltas");
            moved = true;
          } else if (r.expectedDeltas > 0 && r.coveredLayerSlots() >= r.expectedDeltas) {
            move(r, RoundState.VALIDATING, h, "every assigned layer has a delta (" + r.deltas.size() + ")");
            moved = true;
          }
        }
        case VALIDATING -> {
          long pending = r.deltas.values().stream().filter(d -> d.status() == DeltaStatus.PENDING).count();
          if (pending == 0) {
            move(r, RoundState.AGGREGATING, h, "every delta is decided: " + r.tally());
            moved = true;
          } else if (h >= r.validationDeadline) {
            move(r, RoundState.AGGREGATING, h, "validation deadline " + r.validationDeadline + " passed with "
                + pending + " undecided; " + r.tally());
            moved = true;
          }
        }
        case AGGREGATING -> {
          List<String> layers = r.acceptedLayers();
          if (layers.isEmpty()) {
            move(r, RoundState.FAILED, h, "no delta was accepted: " + r.tally());
          } else if (r.checkpoints.keySet().containsAll(layers)) {
            r.partial = layers.size() < r.assignedLayers();
            move(r, RoundState.FINALIZED, h, (r.partial ? "partial: " : "") + "checkpoints for " + layers.size()
                + " layer(s)" + (r.partial ? " of " + r.assignedLayers() + " assigned" : ""));
          } else if (h >= r.aggregationDeadline) {
            long done = layers.stream().filter(r.checkpoints::containsKey).count();
            if (done == 0) {
              move(r, RoundState.FAILED, h, "no checkpoint agreed by the aggregation deadline " + r.aggregationDeadline);
            } else {
              r.partial = true;
              move(r, RoundState.FINALIZED, h, "partial: aggregation deadline " + r.aggregationDeadline
                  + " passed with checkpoints for " + done + " of " + layers.size() + " layers with accepted deltas");
            }
          }
        }
        default -> { }
      }
    }
  }

  private void move(Round r, RoundState to, long h, String reason) {
    r.state = to;
    r.history.add(new Transition(to, h, reason));
    fire(r);
  }

  private void fire(Round r) {
    if (listeners.isEmpty()) {
      return;
    }
    RoundView v = r.view();
    listeners.forEach(l -> l.accept(v));
  }

  /** A round's mutable state. */
  private static final class Round {
    final String id;
    String modelId = "";
    String datasetHash = "";
    RoundState state;
    long startHeight;
    String startTxHash = "";
    long trainingDeadline;
    long validationDeadline;
    long aggregationDeadline;
    int shardCount;
    int expectedDeltas;
    boolean partial;
    final List<AssignmentView> assignments = new ArrayList<>();
    final Map<String, DeltaRecord> deltas = new LinkedHashMap<>();
    final Map<String, CheckpointRecord> checkpoints = new TreeMap<>();
    final List<Transition> history = new ArrayList<>();

    Round(String id) {
      this.id = Objects.requireNonNull(id, "round id");
    }

    /** Assigned (shard, layer) slots that have at least one delta. */
    int coveredLayerSlots() {
      int n = 0;
      for (AssignmentView a : assignments) {
        for (int layer = a.firstLayer(); layer <= a.lastLayer(); layer++) {
          int l = layer;
          if (deltas.values().stream().anyMatch(d -> d.shardIndex() == a.shardIndex()
              && layerIndex(d.layer()).map(x -> x == l).orElse(false))) {
            n++;
          }
        }
      }
      return n;
    }

    /** Distinct layers the assignments cover. */
    int assignedLayers() {
      java.util.Set<Integer> layers = new java.util.TreeSet<>();
      for (AssignmentView a : assignments) {
        for (int layer = a.firstLayer(); layer <= a.lastLayer(); layer++) {
          layers.add(layer);
        }
      }
      return layers.size();
    }

    List<String> acceptedLayers() {
      return deltas.values().stream().filter(d -> d.status() == DeltaStatus.ACCEPTED).map(DeltaRecord::layer)
          .distinct().sorted().toList();
    }

    String tally() {
      long acc = deltas.values().stream().filter(d -> d.status() == DeltaStatus.ACCEPTED).count();
      long rej = deltas.values().stream().filter(d -> d.status() == DeltaStatus.REJECTED).count();
      long exp = deltas.values().stream().filter(d -> d.status() == DeltaStatus.EXPIRED).count();
      return acc + " accepted, " + rej + " rejected, " + exp + " expired";
    }

    RoundView view() {
      List<DeltaRecord> ds = new ArrayList<>(deltas.values());
      ds.sort(Comparator.comparingLong(DeltaRecord::committedHeight));
      String reason = history.isEmpty() ? "" : history.get(history.size() - 1).reason();
      return new RoundView(id, modelId, state, reason, startHeight, startTxHash, trainingDeadline,
          validationDeadline, aggregationDeadline, datasetHash, shardCount, assignments, ds,
          new ArrayList<>(checkpoints.values()), expectedDeltas, partial, history);
    }
  }
}
