package io.deltachain.validator.verdict;

import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a validator remembers while judging one round, per layer, in chain order: the running
 * consensus direction (sum of accepted dense deltas, seeded with the previous round's aggregate
 * when known), the history of accepted delta norms (seeded from earlier rounds), and every
 * delta that reached the copying check, for near-duplicate detection. Deltas must be reviewed
 * in the order their SubmitDelta transactions were committed, so all validators see the same
 * "earlier" deltas.
 */
public final class RoundState {
  private final Map<String, LayerDelta> consensus = new HashMap<>();
  private final Map<String, List<Double>> normHistory = new HashMap<>();
  private final Map<String, List<Seen>> seen = new HashMap<>();

  /** A delta that reached the copying check. */
  record Seen(String trainer, String deltaId, LayerDelta dense, int[] topK) {}

  /** Seeds a layer's consensus direction, e.g. with the previous round's aggregate delta. */
  public void seedConsensus(LayerDelta direction) {
    consensus.put(direction.layer(), copy(direction));
  }

  /** Seeds a layer's norm history with norms of deltas accepted in earlier rounds. */
  public void seedNormHistory(String layer, List<Double> norms) {
    normHistory.computeIfAbsent(layer, l -> new ArrayList<>()).addAll(norms);
  }

  /** The layer's consensus direction, or null. */
  LayerDelta consensus(String layer) {
    return consensus.get(layer);
  }

  /** The layer's accepted norms, oldest first. */
  List<Double> normHistory(String layer) {
    return Collections.unmodifiableList(normHistory.getOrDefault(layer, List.of()));
  }

  /** Deltas of the layer that reached the copying check earlier in this round. */
  List<Seen> seen(String layer) {
    return Collections.unmodifiableList(seen.getOrDefault(layer, List.of()));
  }

  void recordSeen(DeltaUnderReview d, int[] topK) {
    seen.computeIfAbsent(d.layer(), l -> new ArrayList<>()).add(new Seen(d.trainer(), d.deltaId(), d.dense(), topK));
  }

  /** Adds an accepted delta to the consensus direction and the norm history. */
  void recordAccepted(DeltaUnderReview d) {
    LayerDelta dense = d.dense();
    normHistory.computeIfAbsent(d.layer(), l -> new ArrayList<>()).add(Math.sqrt(dense.squaredNorm()));
    LayerDelta sum = consensus.get(d.layer());
    if (sum == null || !DeltaVectors.aligned(sum, dense)) {
      consensus.put(d.layer(), copy(dense));
      return;
    }
    for (Map.Entry<String, DenseTensor> e : sum.tensors().entrySet()) {
      float[] acc = e.getValue().values();
      float[] add = dense.tensor(e.getKey()).values();
      for (int k = 0; k < acc.length; k++) {
        acc[k] += add[k];
      }
    }
  }

  private static LayerDelta copy(LayerDelta d) {
    SortedMap<String, DenseTensor> t = new TreeMap<>();
    d.tensors().forEach((k, v) -> t.put(k, v.copy()));
    return new LayerDelta(d.layer(), t);
  }
}
