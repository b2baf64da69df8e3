package io.deltachain.launcher.wiring;

import io.deltachain.core.profile.TrainingMode;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.task.TrainingJob;
import io.deltachain.trainer.task.TrainingTask;
import io.deltachain.validator.replay.SegmentExecutor;
import io.deltachain.validator.service.CommittedDelta;
import io.deltachain.validator.service.SegmentExecutors;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Rebuilds a delta's training task as its round fixes it, for re-execution: what the chain
 * carries comes from the committed StartRound (the signer's assignment: layers, mode, rank,
 * targets, shard, precision; the round's shard count, dataset hash and seed), the rest from the
 * round's published training settings (profile, base checkpoint, dataset and tokenizer names,
 * steps, batch, sequence length, learning rate, LoRA alpha), which StartRound does not carry and
 * the coordinator registers here. Nothing comes from the trainer. One instance holds the
 * published settings; each validator gets its {@link #executors} over its own node's view of the
 * chain.
 */
public final class RoundReplayTasks {
  private final Map<String, TrainingTask> settings = new ConcurrentHashMap<>();
  private final Map<String, Corpus> corpora = new ConcurrentHashMap<>();

  /**
   * Publishes a round's training settings: a task of the round, of which the fields the
   * assignment and StartRound fix are ignored.
   */
  public void register(String roundId, TrainingTask roundSettings) {
    settings.put(roundId, roundSettings);
  }

  /** Lends a loaded dataset, so replays do not read it again. */
  public void dataset(String name, Corpus corpus) {
    corpora.put(name, corpus);
  }

  /**
   * The task of a committed delta.
   *
   * @param delta the delta
   * @param start its round's StartRound as committed (null when not seen)
   */
  public TrainingTask taskOf(CommittedDelta delta, StartRound start) {
    String roundId = delta.tx().getRoundId();
    if (start == null) {
      throw new IllegalStateException("no committed StartRound for round '" + roundId + "'");
    }
    TrainingTask t = settings.get(roundId);
    if (t == null) {
      throw new IllegalStateException("round '" + roundId + "' has no published training settings to replay with");
    }
    Assignment a = start.getAssignmentsList().stream()
        .filter(x -> Arrays.equals(x.getTrainerAddress().toByteArray(), delta.trainerAddress()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("round '" + roundId + "' assigns nothing to "
            + HexFormat.of().formatHex(delta.trainerAddress())));
    return new TrainingTask("replay-" + HexFormat.of().formatHex(delta.deltaId()), t.roundId(), t.profile(),
        t.baseCheckpoint(), t.baseHash(), TrainingMode.valueOf(a.getMode().name()), a.getFirstLayer(), a.getLastLayer(),
        a.getLoraRank(), t.loraAlpha(), a.getTargetModulesList(), t.dataset(), t.tokenizer(),
        // The dataset as the trainers loaded it (their published settings); the round service names
        // the dataset by its own registry hash, which is not the corpus hash the trainers check.
        t.datasetHash().isEmpty() ? HexFormat.of().formatHex(start.getDatasetHash().toByteArray()) : t.datasetHash(),
        // Likewise the data seed and shard count the trainers were configured with (published with
        // the settings); the round's eval seed on chain fixes the evaluation set, not the shards.
        t.roundSeed(), a.getShardIndex(), t.shardCount() > 0 ? t.shardCount() : start.getShardCount(), t.steps(), t.batchSize(), t.sequenceLength(), t.learningRate(),
        a.getPrecision().isEmpty() ? t.precision() : a.getPrecision(), t.activationCheckpointing());
  }

  /**
   * The DJL re-executors of one validator.
   *
   * @param rounds the committed StartRound of a round id on that validator's node (null when unknown)
   */
  public SegmentExecutors executors(Function<String, StartRound> rounds) {
    return delta -> executor(taskOf(delta, rounds.apply(delta.tx().getRoundId())));
  }

  private SegmentExecutor executor(TrainingTask task) throws Exception {
    Corpus corpus = corpora.get(task.dataset());
    if (corpus == null) {
      corpus = TrainingJob.loadCorpus(task.dataset());
      corpora.putIfAbsent(task.dataset(), corpus);
    }
    return new DjlSegmentExecutor(task, corpus);
  }
}
