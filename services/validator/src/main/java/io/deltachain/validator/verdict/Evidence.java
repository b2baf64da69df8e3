package io.deltachain.validator.verdict;

import java.util.OptionalLong;

/**
 * Measurements the rules take on the way (fixed point), kept for the score and for the audit
 * trail of a verdict. Absent values mean the check did not get that far or did not apply.
 */
public final class Evidence {
  private Long maxNormRatioPpm;
  private Long evalLossBeforeMicro;
  private Long evalLossAfterMicro;
  private Long shardGainMicro;
  private Long randomGainMicro;
  private Long consensusCosinePpm;
  private Long normZMilli;
  private Long maxCopyCosinePpm;
  private Long maxTopKOverlapPpm;

  void maxNormRatioPpm(long v) {
    maxNormRatioPpm = v;
  }

  void evalLoss(long beforeMicro, long afterMicro) {
    evalLossBeforeMicro = beforeMicro;
    evalLossAfterMicro = afterMicro;
  }

  void shardGains(long shard, long random) {
    shardGainMicro = shard;
    randomGainMicro = random;
  }

  void consensusCosinePpm(long v) {
    consensusCosinePpm = v;
  }

  void normZMilli(long v) {
    normZMilli = v;
  }

  void copyMeasures(long cosinePpm, long overlapPpm) {
    maxCopyCosinePpm = cosinePpm;
    maxTopKOverlapPpm = overlapPpm;
  }

  private static OptionalLong opt(Long v) {
    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
  }

  /** Largest ||dW|| / ||W|| over the layer's tensors, ppm. */
  public OptionalLong maxNormRatioPpm() {
    return opt(maxNormRatioPpm);
  }

  /** Evaluation-set loss of the base, micro-nats. */
  public OptionalLong evalLossBeforeMicro() {
    return opt(evalLossBeforeMicro);
  }

  /** Evaluation-set loss with the delta applied, micro-nats. */
  public OptionalLong evalLossAfterMicro() {
    return opt(evalLossAfterMicro);
  }

  /** Loss before minus after on the evaluation set, micro-nats (positive = improvement). */
  public OptionalLong evalGainMicro() {
    return evalLossBeforeMicro == null ? OptionalLong.empty() : OptionalLong.of(evalLossBeforeMicro - evalLossAfterMicro);
  }

  /** Loss gain on the trainer's assigned shard, micro-nats. */
  public OptionalLong shardGainMicro() {
    return opt(shardGainMicro);
  }

  /** Loss gain on random data, micro-nats. */
  public OptionalLong randomGainMicro() {
    return opt(randomGainMicro);
  }

  /** Cosine to the round's consensus direction, ppm; absent when there is no consensus yet. */
  public OptionalLong consensusCosinePpm() {
    return opt(consensusCosinePpm);
  }

  /** Robust z-score of the norm, thousandths; absent with too little history. */
  public OptionalLong normZMilli() {
    return opt(normZMilli);
  }

  /** Highest cosine to an earlier delta of another trainer, ppm. */
  public OptionalLong maxCopyCosinePpm() {
    return opt(maxCopyCosinePpm);
  }

  /** Highest top-k overlap with an earlier delta of another trainer, ppm. */
  public OptionalLong maxTopKOverlapPpm() {
    return opt(maxTopKOverlapPpm);
  }

  @Override
  public String toString() {
    return "Evidence{normRatioPpm=" + maxNormRatioPpm + ", evalLossMicro=" + evalLossBeforeMicro + "->" + evalLossAfterMicro
        + ", shardGainMicro=" + shardGainMicro + ", randomGainMicro=" + randomGainMicro
        + ", consensusCosinePpm=" + consensusCosinePpm + ", normZMilli=" + normZMilli
        + ", copyCosinePpm=" + maxCopyCosinePpm + ", topKOverlapPpm=" + maxTopKOverlapPpm + "}";
  }
}
