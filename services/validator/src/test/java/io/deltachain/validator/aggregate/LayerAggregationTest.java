package io.deltachain.validator.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.validator.delta.LayerDelta;
import io.deltachain.validator.testmodel.TinyMlp;
import io.deltachain.validator.testmodel.TinyRound;
import io.deltachain.validator.testmodel.TinyTask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerAggregationTest {
  @TempDir Path dir;

  @Test
  @DisplayName("aggregating accepted deltas writes a checkpoint that lowers held-out loss and a proposal naming its hash and contributors")
  void proposesCheckpoint() throws Exception {
    TinyRound round = new TinyRound(dir);
    List<LayerAggregation.AcceptedDelta> accepted = new ArrayList<>();
    for (int s = 0; s < 7; s++) {
      LayerDelta d = s == 6 ? round.trainHonest(0, 1).scaled(-10f) : round.trainHonest(s, 100 + s);
      accepted.add(new LayerAggregation.AcceptedDelta(ContentHash.sha256(new byte[] {(byte) s}).bytes(), d, 384));
    }
    ContentHash parent = ContentHash.parse(round.baseHashes.get(TinyMlp.LAYER1));
    LayerAggregation agg = new LayerAggregation(new RobustAggregator());
    LayerAggregation.Proposal p = agg.run("round-1", TinyMlp.LAYER1, parent, round.base.layerWeights(TinyMlp.LAYER1), accepted,
        LayerAggregation.spec(AggregationMethod.MULTI_KRUM, 1), dir.resolve("ckpt.safetensors"));

    assertThat(p.body().getCheckpointHash().toByteArray()).isEqualTo(ContentHash.sha256(p.file()).bytes());
    assertThat(p.body().getParentHash().toByteArray()).isEqualTo(parent.bytes());
    assertThat(p.body().getContributingDeltasList()).hasSize(6)
        .doesNotContain(com.google.protobuf.ByteString.copyFrom(accepted.get(6).deltaId()));
    TinyMlp moved = round.base.plus(deltaFromCheckpoint(round, p.file()));
    TinyTask.Data heldOut = round.task.sample(0x4E1D0L, 2000);
    assertThat(moved.meanLoss(heldOut)).isLessThan(round.base.meanLoss(heldOut));

    // a second validator with four threads proposes the same bytes
    LayerAggregation.Proposal q = new LayerAggregation(new RobustAggregator(4)).run("round-1", TinyMlp.LAYER1, parent,
        round.base.layerWeights(TinyMlp.LAYER1), accepted, LayerAggregation.spec(AggregationMethod.MULTI_KRUM, 1), dir.resolve("other.safetensors"));
    assertThat(q.body()).isEqualTo(p.body());

    assertThatThrownBy(() -> agg.run("round-1", TinyMlp.LAYER1, parent, round.base.layerWeights(TinyMlp.LAYER1), List.of(),
        LayerAggregation.spec(AggregationMethod.KRUM, 0), dir.resolve("none.safetensors"))).hasMessageContaining("no accepted deltas");
  }

  /** The checkpoint minus the base, as a delta the test model can apply. */
  private static LayerDelta deltaFromCheckpoint(TinyRound round, Path file) throws Exception {
    float[] ckpt = CheckpointFiles.readTensors(file).get(TinyMlp.W1).values();
    float[] base = round.base.layerWeights(TinyMlp.LAYER1).get(TinyMlp.W1).values();
    float[] d = new float[ckpt.length];
    for (int k = 0; k < d.length; k++) {
      d[k] = ckpt[k] - base[k];
    }
    return new LayerDelta(TinyMlp.LAYER1, java.util.Map.of(TinyMlp.W1,
        new io.deltachain.validator.delta.DenseTensor(new int[] {TinyTask.CLASSES, TinyTask.HIDDEN}, d)));
  }
}
