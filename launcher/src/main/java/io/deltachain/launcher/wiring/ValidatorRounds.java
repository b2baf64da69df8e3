package io.deltachain.launcher.wiring;

import ai.djl.Device;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.core.tx.RoundTraining;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.data.HashedDatasets;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.LayerCheckpoints;
import io.deltachain.trainer.task.TrainingJob;
import io.deltachain.trainer.task.TrainingTask;
import io.deltachain.validator.service.CommittedDelta;
import io.deltachain.validator.service.SegmentExecutors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What one validator knows of each round, rebuilt from the StartRound its own node committed and
 * nothing else: the training task of a delta (for replay spot-checks, {@link RoundTasks}) and the
 * round's loss evaluator (the round's base model: the base model the round names with every
 * declared layer checkpoint loaded, fetched from the delta store and verified; and the round's
 * data splits: its eval set by {@code eval_set_hash} and its train set by {@code dataset_hash},
 * both fetched from the delta store and verified ({@link HashedDatasets}, cached per hash), the
 * train set sharded with the round's data seed and batched as the trainer does). A
 * validator that joins late, or runs on another machine, therefore judges and replays a round
 * exactly as one that saw it start.
 *
 * <p>Evaluators are kept for the {@value #KEPT_ROUNDS} most recent rounds (each owns a model).
 * Blocking: call from worker threads.
 */
public final class ValidatorRounds implements AutoCloseable {
  /** Evaluators kept (the oldest is closed beyond this). */
  static final int KEPT_ROUNDS = 4;

  private final Function<String, StartRound> rounds;
  private final LayerCheckpoints.BlobSource checkpoints;
  private final int evalBatches;
  private final LinkedHashMap<String, ModelLossEvaluator> evaluators = new LinkedHashMap<>();

  /**
   * @param rounds the committed StartRound of a round id on this validator's node (null when unknown)
   * @param checkpoints where declared layer checkpoints are fetched
   * @param evalBatches batches per evaluation split (this validator's policy)
   */
  public ValidatorRounds(Function<String, StartRound> rounds, LayerCheckpoints.BlobSource checkpoints,
      int evalBatches) {
    this.rounds = rounds;
    this.checkpoints = checkpoints;
    this.evalBatches = evalBatches;
  }

  /** A dataset of the round by hash, fetched from the delta store and verified (cached per hash). */
  private Corpus dataset(com.google.protobuf.ByteString hash, String field, String roundId) throws IOException {
    if (hash.size() != 32) {
      throw new IOException("round " + roundId + " names no " + field + " on chain");
    }
    return HashedDatasets.fetch(ContentHash.of(hash.toByteArray()), checkpoints);
  }

  /** The committed StartRound of a round, failing when this node has not seen it. */
  public StartRound start(String roundId) {
    StartRound s = rounds.apply(roundId);
    if (s == null) {
      throw new IllegalStateException("no committed StartRound for round '" + roundId + "'");
    }
    if (!s.hasTraining()) {
      throw new IllegalStateException("round '" + roundId + "' fixes no training settings on chain");
    }
    return s;
  }

  /**
   * The task of a committed delta as its round fixes it: the signer's assignment (or, for a listed
   * trainer that took over another shard, that shard's) and the round's settings.
   */
  public TrainingTask taskOf(CommittedDelta delta) {
    String roundId = delta.tx().getRoundId();
    StartRound start = start(roundId);
    int shard = delta.tx().getShardIndex();
    List<Assignment> all = start.getAssignmentsList();
    Assignment a = all.stream().filter(x -> Arrays.equals(x.getTrainerAddress().toByteArray(), delta.trainerAddress()))
        .filter(x -> x.getShardIndex() == shard).findFirst()
        .or(() -> all.stream().filter(x -> Arrays.equals(x.getTrainerAddress().toByteArray(), delta.trainerAddress()))
            .findFirst().flatMap(own -> all.stream().filter(x -> x.getShardIndex() == shard).findFirst()))
        .orElseThrow(() -> new IllegalStateException("round '" + roundId + "' assigns nothing to "
            + HexFormat.of().formatHex(delta.trainerAddress())));
    return RoundTasks.task("replay-" + HexFormat.of().formatHex(delta.deltaId()), roundId, start.getModelId(),
        RoundTraining.of(start.getTraining()), RoundTasks.declaredBases(start), RoundTasks.Assigned.of(a),
        start.getShardCount(), "bytes", HexFormat.of().formatHex(start.getDatasetHash().toByteArray()));
  }

  /** The DJL re-executors of this validator, built from the chain's StartRound of each delta. */
  public SegmentExecutors executors() {
    return delta -> {
      TrainingTask task = taskOf(delta);
      return new DjlSegmentExecutor(task, TrainingJob.loadCorpus(task, checkpoints), checkpoints);
    };
  }

  /**
   * The loss evaluator of a round: its base model with the declared checkpoints in place, its
   * evaluation set and shards.
   *
   * @throws IllegalStateException when the round is unknown, or its base or data cannot be loaded
   */
  public synchronized ModelLossEvaluator evaluator(String roundId) {
    ModelLossEvaluator e = evaluators.get(roundId);
    if (e != null) {
      return e;
    }
    StartRound start = start(roundId);
    RoundTraining t = RoundTraining.of(start.getTraining());
    String seedBase = TrainingJob.seedBaseHash(start.getModelId(), t.baseModel()).hex();
    // a task that names only the base: loadBase resolves the profile and loads the checkpoints as trainers do
    TrainingTask base = new TrainingTask("eval-" + roundId, 0, start.getModelId(), t.baseModel(), seedBase,
        TrainingMode.FULL, -1, -1, 8, 1, List.of(), t.dataset(), "bytes", "", t.dataSeed(), 0, 1, 1, 1, 1, 1e-3,
        "fp32", false, LayerCheckpoints.toApply(RoundTasks.declaredBases(start), seedBase));
    try {
      ModelProfile profile = TrainingJob.resolveProfile(base);
      Corpus train = dataset(start.getDatasetHash(), "dataset_hash", roundId);
      Corpus eval = dataset(start.getEvalSetHash(), "eval_set_hash", roundId);
      CausalLm model = TorchGate.hold(() -> {
        try {
          return TrainingJob.loadBase(base, profile, Device.cpu(), checkpoints);
        } catch (IOException x) {
          throw new UncheckedIOException(x);
        }
      });
      e = new ModelLossEvaluator(model, new EvalData(train, eval, t.dataSeed(), start.getShardCount(),
          Math.toIntExact(t.batchSize()), Math.toIntExact(t.sequenceLength()),
          evalBatches, profile.vocabSize()));
    } catch (IOException | UncheckedIOException x) {
      throw new IllegalStateException("cannot build round " + roundId + "'s base model or data: " + x.getMessage(), x);
    }
    evaluators.put(roundId, e);
    Iterator<Map.Entry<String, ModelLossEvaluator>> it = evaluators.entrySet().iterator();
    while (evaluators.size() > KEPT_ROUNDS) {
      it.next().getValue().close();
      it.remove();
    }
    return e;
  }

  @Override
  public synchronized void close() {
    evaluators.values().forEach(ModelLossEvaluator::close);
    evaluators.clear();
  }
}
