package io.deltachain.validator.verdict;

import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.StartRound;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The parts of a round's plan on chain that verdicts check against: who trains which layers in
 * which mode on which shard, the base checkpoint of every layer, the norm bound and the
 * evaluation seed.
 *
 * @param roundId the round
 * @param assignments trainer address (lowercase hex) to assignment
 * @param baseCheckpoints layer module path to base checkpoint hash (lowercase hex)
 * @param maxNormRatioPpm bound on ||dW|| / ||W|| per tensor, parts per million
 * @param evalSeed seed of the evaluation set, fixed on chain before training
 */
public record RoundPlan(String roundId, SortedMap<String, TrainerAssignment> assignments,
    SortedMap<String, String> baseCheckpoints, long maxNormRatioPpm, long evalSeed) {

  private static final HexFormat HEX = HexFormat.of();

  /** Copies the maps so the record stays immutable. */
  public RoundPlan {
    assignments = Collections.unmodifiableSortedMap(new TreeMap<>(assignments));
    baseCheckpoints = Collections.unmodifiableSortedMap(new TreeMap<>(baseCheckpoints));
    if (maxNormRatioPpm <= 0) {
      throw new IllegalArgumentException("round " + roundId + " needs a positive max_norm_ratio_ppm, got " + maxNormRatioPpm);
    }
  }

  /** The plan as committed in a StartRound transaction. */
  public static RoundPlan from(StartRound start) {
    SortedMap<String, TrainerAssignment> a = new TreeMap<>();
    for (Assignment as : start.getAssignmentsList()) {
      a.put(HEX.formatHex(as.getTrainerAddress().toByteArray()), TrainerAssignment.from(as));
    }
    SortedMap<String, String> bases = new TreeMap<>();
    for (Map.Entry<String, com.google.protobuf.ByteString> e : start.getBaseCheckpointsMap().entrySet()) {
      bases.put(e.getKey(), HEX.formatHex(e.getValue().toByteArray()));
    }
    return new RoundPlan(start.getRoundId(), a, bases, Integer.toUnsignedLong(start.getMaxNormRatioPpm()), start.getEvalSeed());
  }
}
