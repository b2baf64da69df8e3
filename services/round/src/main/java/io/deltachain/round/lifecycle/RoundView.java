package io.deltachain.round.lifecycle;

import java.util.List;

/**
 * An immutable snapshot of a round.
 *
 * @param roundId the round's id
 * @param modelId the base model
 * @param state where it is
 * @param reason why it is there (the last transition's reason)
 * @param startHeight the height its StartRound committed at (0 while CREATED)
 * @param startTxHash the StartRound transaction's hash, hex (empty while CREATED)
 * @param trainingDeadline the last height at which training deltas are expected
 * @param validationDeadline the height by which pending verdicts must be in
 * @param aggregationDeadline the height by which checkpoints must be agreed
 * @param datasetHash the dataset's hash, hex
 * @param shardCount data shards (one per pipeline)
 * @param assignments who trains what
 * @param deltas deltas committed for the round, in commit order
 * @param checkpoints checkpoints agreed for the round, by layer
 * @param expectedDeltas one delta per assigned layer
 * @param partial whether it finalized without every assigned layer
 * @param history every transition, oldest first
 */
public record RoundView(
    String roundId,
    String modelId,
    RoundState state,
    String reason,
    long startHeight,
    String startTxHash,
    long trainingDeadline,
    long validationDeadline,
    long aggregationDeadline,
    String datasetHash,
    int shardCount,
    List<AssignmentView> assignments,
    List<DeltaRecord> deltas,
    List<CheckpointRecord> checkpoints,
    int expectedDeltas,
    boolean partial,
    List<Transition> history) {

  /** Copies the lists. */
  public RoundView {
    assignments = List.copyOf(assignments);
    deltas = List.copyOf(deltas);
    checkpoints = List.copyOf(checkpoints);
    history = List.copyOf(history);
  }

  /** Deltas committed. */
  public int deltasReceived() {
    return deltas.size();
  }

  /** Deltas in a status. */
  public int count(DeltaStatus status) {
    return (int) deltas.stream().filter(d -> d.status() == status).count();
  }

  /** Deltas validators decided on (accepted or rejected). */
  public int deltasValidated() {
    return count(DeltaStatus.ACCEPTED) + count(DeltaStatus.REJECTED);
  }

  /**
   * A rough fraction done: 0 when created; training counts for up to 0.6 by deltas received,
   * validation up to 0.8 by deltas decided, aggregation up to 1 by layers checkpointed; 1 when
   * ended.
   */
  public double progress() {
    return switch (state) {
      case CREATED -> 0.0;
      case TRAINING -> 0.1 + 0.5 * fraction(deltasReceived(), expectedDeltas);
      case VALIDATING -> 0.6 + 0.2 * fraction(deltasReceived() - count(DeltaStatus.PENDING), deltasReceived());
      case AGGREGATING -> 0.8 + 0.2 * fraction(checkpoints.size(), acceptedLayers());
      case FINALIZED, FAILED, CANCELLED -> 1.0;
    };
  }

  /** Distinct layers with at least one accepted delta. */
  public int acceptedLayers() {
    return (int) deltas.stream().filter(d -> d.status() == DeltaStatus.ACCEPTED).map(DeltaRecord::layer)
        .distinct().count();
  }

  private static double fraction(int a, int b) {
    return b <= 0 ? 0 : Math.min(1.0, a / (double) b);
  }
}
