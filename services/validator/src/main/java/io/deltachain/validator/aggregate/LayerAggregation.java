package io.deltachain.validator.aggregate;

import com.google.protobuf.ByteString;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.core.tx.proto.ProposeCheckpoint;
import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The end of a round for one layer: aggregate the accepted deltas (in chain order) with the
 * round's method, write base + aggregate as a safetensors checkpoint, and build the
 * ProposeCheckpoint body naming its hash and the deltas that contributed. Everything that goes
 * into the file (tensors and metadata) is a function of chain data, so every honest validator
 * proposes the same hash.
 */
public final class LayerAggregation {
  private final RobustAggregator aggregator;

  /** Aggregates with the given aggregator (single-threaded by default; any thread count gives the same bytes). */
  public LayerAggregation(RobustAggregator aggregator) {
    this.aggregator = aggregator;
  }

  /** One accepted delta: its id on chain, its dense delta and its verified tokens. */
  public record AcceptedDelta(byte[] deltaId, LayerDelta delta, long verifiedTokens) {}

  /** The written checkpoint and the transaction body proposing it. */
  public record Proposal(Path file, ContentHash hash, ProposeCheckpoint body, AggregateResult result) {}

  /**
   * @param roundId the round
   * @param layer the layer's module path
   * @param parentHash the layer's current head (the base the deltas were built on)
   * @param base the head's tensors
   * @param accepted accepted deltas in the order their SubmitDelta transactions were committed
   * @param spec method and Byzantine bound from the round
   * @param out where to write the checkpoint
   */
  public Proposal run(String roundId, String layer, ContentHash parentHash, SortedMap<String, DenseTensor> base,
      List<AcceptedDelta> accepted, AggregationSpec spec, Path out) throws IOException {
    if (accepted.isEmpty()) {
      throw new IllegalArgumentException("layer " + layer + " of round " + roundId + " has no accepted deltas to aggregate");
    }
    List<LayerDelta> deltas = new ArrayList<>();
    long[] tokens = new long[accepted.size()];
    for (int i = 0; i < accepted.size(); i++) {
      deltas.add(accepted.get(i).delta());
      tokens[i] = accepted.get(i).verifiedTokens();
    }
    AggregateResult r = aggregator.aggregate(DeltaSet.of(deltas, tokens), spec);
    List<String> contributorIds = new ArrayList<>();
    ProposeCheckpoint.Builder body = ProposeCheckpoint.newBuilder().setRoundId(roundId).setLayer(layer)
        .setParentHash(ByteString.copyFrom(parentHash.bytes())).setMethod(spec.method());
    for (int i : r.contributors()) {
      body.addContributingDeltas(ByteString.copyFrom(accepted.get(i).deltaId()));
      contributorIds.add(HexFormat.of().formatHex(accepted.get(i).deltaId()));
    }
    SortedMap<String, String> meta = new TreeMap<>();
    meta.put("deltachain.round", roundId);
    meta.put("deltachain.layer", layer);
    meta.put("deltachain.parent", parentHash.hex());
    meta.put("deltachain.aggregation", spec.method().name());
    meta.put("deltachain.byzantine_f", Integer.toString(spec.byzantineF()));
    meta.put("deltachain.contributors", String.join(",", contributorIds));
    ContentHash hash = CheckpointFiles.write(out, CheckpointBuilder.apply(base, r), meta);
    body.setCheckpointHash(ByteString.copyFrom(hash.bytes()));
    return new Proposal(out, hash, body.build(), r);
  }

  /** Convenience for a round's method and bound. */
  public static AggregationSpec spec(AggregationMethod method, int byzantineF) {
    return AggregationSpec.of(method, byzantineF);
  }
}
