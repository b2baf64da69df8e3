package io.deltachain.validator.verdict;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The thresholds a validator applies beyond what the round plan fixes. Losses are in micro-nats
 * (loss x 1e6), ratios and cosines in parts per million, z-scores in thousandths, so decisions
 * compare integers.
 *
 * @param allowedEncodings delta file encodings accepted (core's value encodings: {@code fp32}, {@code bf16}, {@code nf4}, ...)
 * @param maxDeltaBytes largest accepted delta file
 * @param minEvalGainMicro the evaluation-set loss must drop by at least this much
 * @param harmToleranceMicro a loss rise beyond this is reported as {@link ReasonCode#LOSS_INCREASED}
 *     rather than as a gain below threshold
 * @param minShardAdvantageMicro assigned-shard gain minus random-data gain must reach this
 * @param randomSampleSize examples in the random-data sample the shard gain is compared against
 * @param minConsensusCosinePpm lowest accepted cosine to the round's consensus direction
 * @param maxNormZMilli largest accepted |robust z-score| of the delta norm against history
 * @param minNormHistory the z-score check runs only with at least this many past norms
 * @param copyCosinePpm a cosine at or above this to an earlier delta of another trainer is a copy
 * @param topKPpm top-k size as a fraction of the layer's values (ppm), at least one value
 * @param topKOverlapPpm an overlap of top-k index sets at or above this fraction is a copy
 */
public record ValidatorPolicy(
    SortedSet<String> allowedEncodings,
    long maxDeltaBytes,
    long minEvalGainMicro,
    long harmToleranceMicro,
    long minShardAdvantageMicro,
    int randomSampleSize,
    long minConsensusCosinePpm,
    long maxNormZMilli,
    int minNormHistory,
    long copyCosinePpm,
    long topKPpm,
    long topKOverlapPpm) {

  /** Validates ranges so that a bad configuration fails at start, not per delta. */
  public ValidatorPolicy {
    allowedEncodings = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(allowedEncodings));
    if (allowedEncodings.isEmpty()) {
      throw new IllegalArgumentException("policy must allow at least one delta encoding");
    }
    require(maxDeltaBytes > 0, "maxDeltaBytes must be positive");
    require(minEvalGainMicro >= 0, "minEvalGainMicro must be >= 0");
    require(harmToleranceMicro >= 0, "harmToleranceMicro must be >= 0");
    require(randomSampleSize > 0, "randomSampleSize must be positive");
    require(minConsensusCosinePpm >= -1_000_000 && minConsensusCosinePpm <= 1_000_000, "minConsensusCosinePpm must be in [-1e6, 1e6]");
    require(maxNormZMilli > 0, "maxNormZMilli must be positive");
    require(minNormHistory >= 3, "minNormHistory must be at least 3 for a median/MAD to mean anything");
    require(copyCosinePpm > 0 && copyCosinePpm <= 1_000_000, "copyCosinePpm must be in (0, 1e6]");
    require(topKPpm > 0 && topKPpm <= 1_000_000, "topKPpm must be in (0, 1e6]");
    require(topKOverlapPpm > 0 && topKOverlapPpm <= 1_000_000, "topKOverlapPpm must be in (0, 1e6]");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Defaults for LLM layer deltas; rounds tune them. */
  public static ValidatorPolicy defaults() {
    return new ValidatorPolicy(new TreeSet<>(Set.of("fp32", "fp16", "bf16", "int8", "int4", "nf4")),
        1L << 32, 1_000, 5_000, 1_000, 1024, 0, 6_000, 5, 995_000, 10_000, 950_000);
  }
}
