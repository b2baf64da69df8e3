package io.deltachain.validator.verdict;

/**
 * Why a delta was rejected. The names are carried verbatim in {@code Verdict.reason_codes} on
 * chain, so they are part of the protocol: add new ones, never rename.
 */
public enum ReasonCode {
  // 1. structure
  /** The fetched file does not hash to the content hash in the transaction. */
  CONTENT_HASH_MISMATCH(Stage.STRUCTURE),
  /** The fetched file is not a valid delta file (message names the problem). */
  MALFORMED_FILE(Stage.STRUCTURE),
  /** The delta names another round than the one it is checked against. */
  ROUND_MISMATCH(Stage.STRUCTURE),
  /** The submitter has no assignment in the round's plan. */
  NOT_ASSIGNED(Stage.STRUCTURE),
  /** The delta's layer is outside the submitter's assigned layer range. */
  LAYER_NOT_ASSIGNED(Stage.STRUCTURE),
  /** The training mode differs from the assignment. */
  MODE_MISMATCH(Stage.STRUCTURE),
  /** The LoRA rank differs from the assignment. */
  RANK_MISMATCH(Stage.STRUCTURE),
  /** The delta touches modules other than the assigned target modules (or misses some). */
  TARGET_MODULES_MISMATCH(Stage.STRUCTURE),
  /** A tensor's shape does not match the model's layout for that mode and rank. */
  SHAPE_MISMATCH(Stage.STRUCTURE),
  /** The delta was built on another base checkpoint than the one the plan names for the layer. */
  BASE_CHECKPOINT_MISMATCH(Stage.STRUCTURE),
  /** The shard index differs from the assignment. */
  SHARD_MISMATCH(Stage.STRUCTURE),
  /** The file encoding is not one the round accepts. */
  ENCODING_UNSUPPORTED(Stage.STRUCTURE),
  /** The declared size differs from the fetched file's size. */
  SIZE_MISMATCH(Stage.STRUCTURE),
  /** The file is larger than the round allows. */
  SIZE_LIMIT_EXCEEDED(Stage.STRUCTURE),
  // 2. numeric sanity
  /** A value is NaN or infinite. */
  NON_FINITE(Stage.NUMERIC),
  /** ||dW|| / ||W|| of some tensor exceeds the round's bound. */
  NORM_RATIO_EXCEEDED(Stage.NUMERIC),
  // 3. proof of learning
  /** Applying the delta makes the evaluation-set loss clearly worse. */
  LOSS_INCREASED(Stage.PROOF_OF_LEARNING),
  /** The evaluation-set loss does not improve by the round's threshold. */
  LOSS_GAIN_BELOW_THRESHOLD(Stage.PROOF_OF_LEARNING),
  /** The gain on the assigned shard does not exceed the gain on random data: not trained on the shard. */
  SHARD_GAIN_NOT_ABOVE_RANDOM(Stage.PROOF_OF_LEARNING),
  // 4. drift and anomalies
  /** The delta points away from the round's consensus direction. */
  AGAINST_CONSENSUS(Stage.DRIFT),
  /** The delta's norm is an outlier against the history (robust z-score). */
  NORM_OUTLIER(Stage.DRIFT),
  // 5. copying
  /** The delta is a near-duplicate (cosine) of another trainer's earlier delta in the round. */
  NEAR_DUPLICATE(Stage.COPYING),
  /** The delta's top-k coordinates overlap too much with another trainer's earlier delta. */
  TOP_K_OVERLAP(Stage.COPYING);

  /** The check a reason belongs to, in the order the checks run. */
  public enum Stage {
    /** Metadata and shapes against the round plan. */
    STRUCTURE,
    /** Finite values and norm bounds. */
    NUMERIC,
    /** Loss gains. */
    PROOF_OF_LEARNING,
    /** Consensus direction and norm history. */
    DRIFT,
    /** Near-duplicates. */
    COPYING
  }

  private final Stage stage;

  ReasonCode(Stage stage) {
    this.stage = stage;
  }

  /** The check this reason belongs to. */
  public Stage stage() {
    return stage;
  }
}
