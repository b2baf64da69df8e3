package io.deltachain.validator.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import io.deltachain.validator.delta.LoraFactors;
import io.deltachain.validator.testmodel.TinyMlp;
import io.deltachain.validator.testmodel.TinyRound;
import io.deltachain.validator.testmodel.TinyTask;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One round of the tiny model with honest trainers and attackers, reviewed in chain order by
 * the standard verdict engine. Every delta comes from real SGD on real (synthetic, learnable)
 * data, is written as a safetensors file and read back; every loss is a real cross-entropy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttackVerdictTest {
  @TempDir static Path dir;
  private TinyRound round;
  private final VerdictEngine engine = new VerdictEngine();
  private final java.util.List<VerdictDecision> honest = new java.util.ArrayList<>();

  @BeforeAll
  void setUp() {
    round = new TinyRound(dir);
    for (int s = 0; s < 5; s++) {
      round.assignFull("honest-" + s, s);
    }
    round.assignFull("late-honest", 5).assignFull("noise", 10).assignFull("flipper", 11).assignFull("scaler", 12)
        .assignFull("nan", 13).assignFull("copier", 19).assignFull("stale", 15).assignFull("lazy", 16)
        .assignFull("booster", 23).assignLora("lora", 8);
    // the honest trainers come first in chain order: they build the consensus and the norm history
    for (int s = 0; s < 5; s++) {
      honest.add(review("honest-" + s, s, round.trainHonest(s, 1000 + s)));
    }
  }

  private VerdictDecision review(String trainer, int shard, LayerDelta delta) {
    return review(trainer, shard, delta, round.baseHashes.get(TinyMlp.LAYER1));
  }

  private VerdictDecision review(String trainer, int shard, LayerDelta delta, String baseHash) {
    DeltaUnderReview d = round.submitDense(trainer, shard, delta, baseHash);
    return engine.review(d, round.context(d.layer(), 0xB10C + shard));
  }

  @Test
  @DisplayName("honest deltas trained on their shards are accepted with a positive score and a real loss gain")
  void honestAccepted() {
    assertThat(honest).allSatisfy(v -> {
      assertThat(v.approve()).as("%s %s", v.message(), v.evidence()).isTrue();
      assertThat(v.reason()).isNull();
      assertThat(v.scoreMicro()).isPositive();
      assertThat(v.evidence().evalGainMicro().getAsLong()).isGreaterThanOrEqualTo(TinyRound.policy().minEvalGainMicro());
      assertThat(v.toProto().getReasonCodesList()).isEmpty();
    });
    // a late honest delta is still accepted after the attacks below have been seen
    VerdictDecision late = review("late-honest", 5, round.trainHonest(5, 2005));
    assertThat(late.approve()).as("%s %s", late.message(), late.evidence()).isTrue();
  }

  @Test
  @DisplayName("random noise with an honest delta's norm is rejected: no loss gain")
  void randomNoise() {
    LayerDelta template = round.trainHonest(10, 3010);
    double norm = Math.sqrt(template.squaredNorm());
    float[] v = new float[TinyTask.CLASSES * TinyTask.HIDDEN];
    SplittableRandom r = new SplittableRandom(3);
    double ss = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
      ss += (double) v[i] * v[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] * norm / Math.sqrt(ss));
    }
    LayerDelta noise = new LayerDelta(TinyMlp.LAYER1, Map.of(TinyMlp.W1, new DenseTensor(new int[] {TinyTask.CLASSES, TinyTask.HIDDEN}, v)));
    assertRejected(review("noise", 10, noise), ReasonCode.LOSS_GAIN_BELOW_THRESHOLD);
  }

  @Test
  @DisplayName("a sign-flipped honest delta is rejected: the evaluation loss rises")
  void signFlipped() {
    VerdictDecision v = review("flipper", 11, round.trainHonest(11, 3011).scaled(-1f));
    assertRejected(v, ReasonCode.LOSS_INCREASED);
    assertThat(v.evidence().evalGainMicro().getAsLong()).isNegative();
  }

  @Test
  @DisplayName("a scaled-up delta (x20) is rejected by the round's norm bound before any loss is computed")
  void scaledUp() {
    VerdictDecision v = review("scaler", 12, round.trainHonest(12, 3012).scaled(20f));
    assertRejected(v, ReasonCode.NORM_RATIO_EXCEEDED);
    assertThat(v.evidence().evalLossBeforeMicro()).isEmpty();
  }

  @Test
  @DisplayName("a delta containing NaN is rejected as non-finite")
  void nan() {
    LayerDelta d = round.trainHonest(13, 3013);
    d.tensor(TinyMlp.W1).values()[17] = Float.NaN;
    VerdictDecision v = review("nan", 13, d);
    assertRejected(v, ReasonCode.NON_FINITE);
    assertThat(v.message()).contains("index 17");
  }

  @Test
  @DisplayName("a copy of another trainer's delta, lightly fine-tuned on the copier's own shard, is rejected as a near-duplicate")
  void copied() {
    // the free-rider takes honest-0's delta and adds one cheap epoch on its own shard, enough to
    // pass the assigned-shard check; the cosine to the original gives it away
    TinyMlp copied = round.base.plus(round.trainHonest(0, 1000));
    copied.train(round.task.shard(19), TinyMlp.LAYER1, 1, 0.1, TinyRound.BATCH, 9);
    VerdictDecision v = review("copier", 19, round.base.deltaTo(copied, TinyMlp.LAYER1));
    assertRejected(v, ReasonCode.NEAR_DUPLICATE);
    assertThat(v.evidence().shardGainMicro().getAsLong() - v.evidence().randomGainMicro().getAsLong())
        .as("the copy passed the shard check on its own merits").isGreaterThanOrEqualTo(TinyRound.policy().minShardAdvantageMicro());
    assertThat(v.message()).contains(honest.get(0).deltaId());
  }

  @Test
  @DisplayName("a delta built on an older base checkpoint is rejected by the structure check")
  void wrongBase() {
    TinyMlp m = round.previousBase.copy();
    m.train(round.task.shard(15), TinyMlp.LAYER1, TinyRound.EPOCHS, TinyRound.LR, TinyRound.BATCH, 3015);
    VerdictDecision v = review("stale", 15, round.previousBase.deltaTo(m, TinyMlp.LAYER1), round.previousBaseHash);
    assertRejected(v, ReasonCode.BASE_CHECKPOINT_MISMATCH);
    assertThat(v.message()).contains(round.previousBaseHash).contains(round.baseHashes.get(TinyMlp.LAYER1));
  }

  @Test
  @DisplayName("a delta trained on random data instead of the assigned shard is rejected by the shard-versus-random check")
  void trainedOnRandomData() {
    TinyMlp m = round.base.copy();
    m.train(round.task.sample(4242, TinyTask.SHARD_SIZE), TinyMlp.LAYER1, TinyRound.EPOCHS, TinyRound.LR, TinyRound.BATCH, 3016);
    VerdictDecision v = review("lazy", 16, round.base.deltaTo(m, TinyMlp.LAYER1));
    assertRejected(v, ReasonCode.SHARD_GAIN_NOT_ABOVE_RANDOM);
    assertThat(v.evidence().evalGainMicro().getAsLong()).as("it does lower the eval loss, so only the shard check can tell")
        .isGreaterThanOrEqualTo(TinyRound.policy().minEvalGainMicro());
  }

  @Test
  @DisplayName("a boosted delta (x1.7) within the norm bound still lowers the loss, but its norm is an outlier against the accepted history")
  void normOutlier() {
    VerdictDecision v = review("booster", 23, round.trainHonest(23, 3023).scaled(1.7f));
    assertRejected(v, ReasonCode.NORM_OUTLIER);
    assertThat(v.evidence().normZMilli().getAsLong()).isGreaterThan(TinyRound.policy().maxNormZMilli());
  }

  @Test
  @DisplayName("an honest LoRA delta is accepted after mapping to dense (alpha/r) B A; a wrong rank is refused")
  void lora() {
    TinyMlp m = round.base.copy();
    LoraFactors f = m.trainLora(round.task.shard(8), TinyRound.LORA_RANK, TinyRound.LORA_ALPHA, TinyRound.EPOCHS, TinyRound.LR,
        TinyRound.BATCH, 50);
    DeltaUnderReview d = round.submitLora("lora", 8, f, TinyRound.LORA_RANK);
    VerdictDecision v = engine.review(d, round.context(TinyMlp.LAYER0, 0xB10C + 8));
    assertThat(v.approve()).as("%s %s", v.message(), v.evidence()).isTrue();
    DeltaUnderReview wrongRank = round.submitLora("lora", 8, f, TinyRound.LORA_RANK + 1);
    assertRejected(engine.review(wrongRank, round.context(TinyMlp.LAYER0, 1)), ReasonCode.RANK_MISMATCH);
  }

  private static void assertRejected(VerdictDecision v, ReasonCode expected) {
    assertThat(v.approve()).as("approved unexpectedly: %s", v.evidence()).isFalse();
    assertThat(v.reason()).as("%s / %s", v.message(), v.evidence()).isEqualTo(expected);
    assertThat(v.scoreMicro()).isZero();
    assertThat(v.toProto().getReasonCodesList()).containsExactly(expected.name());
    assertThat(v.toProto().getApprove()).isFalse();
  }
}
