package io.deltachain.validator.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TrainingMode;
import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import io.deltachain.validator.testmodel.TinyMlp;
import io.deltachain.validator.testmodel.TinyRound;
import io.deltachain.validator.testmodel.TinyTask;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuleTest {
  @TempDir static Path dir;
  static TinyRound round;
  static LayerDelta honest;
  static final String TRAINER = "t0";

  @BeforeAll
  static void setUp() {
    round = new TinyRound(dir).assignFull(TRAINER, 0).assignLora("t-lora", 1);
    honest = round.trainHonest(0, 1);
  }

  /** The honest delta's transaction, mutated by each table row. */
  static DeltaUnderReview delta(UnaryOperator<SubmitDelta.Builder> change, String trainer, String encoding, long fileBytes,
      DeltaPayload payload) {
    SubmitDelta.Builder b = SubmitDelta.newBuilder().setRoundId("round-1").setLayer(TinyMlp.LAYER1)
        .setBaseHash(ByteString.copyFrom(HexFormat.of().parseHex(round.baseHashes.get(TinyMlp.LAYER1))))
        .setMode(TrainingMode.FULL).setShardIndex(0).setSizeBytes(1000).setTokens(384);
    return DeltaUnderReview.of(new byte[32], TinyRound.address(trainer), change.apply(b).build(), encoding, fileBytes, payload);
  }

  static DeltaPayload dense(int rows, int cols, String name) {
    return new DeltaPayload.Dense(new TreeMap<>(Map.of(name, new DenseTensor(new int[] {rows, cols}, new float[rows * cols]))));
  }

  static Stream<Arguments> structureCases() {
    DeltaPayload ok = new DeltaPayload.Dense(honest.tensors());
    return Stream.of(
        Arguments.of("valid", delta(b -> b, TRAINER, "fp32", 1000, ok), null),
        Arguments.of("other round", delta(b -> b.setRoundId("round-0"), TRAINER, "fp32", 1000, ok), ReasonCode.ROUND_MISMATCH),
        Arguments.of("unassigned trainer", delta(b -> b, "stranger", "fp32", 1000, ok), ReasonCode.NOT_ASSIGNED),
        Arguments.of("layer outside range", delta(b -> b.setLayer(TinyMlp.LAYER0), TRAINER, "fp32", 1000, ok),
            ReasonCode.LAYER_NOT_ASSIGNED),
        Arguments.of("wrong mode", delta(b -> b.setMode(TrainingMode.LORA), TRAINER, "fp32", 1000, ok), ReasonCode.MODE_MISMATCH),
        Arguments.of("wrong shard", delta(b -> b.setShardIndex(3), TRAINER, "fp32", 1000, ok), ReasonCode.SHARD_MISMATCH),
        Arguments.of("wrong base", delta(b -> b.setBaseHash(ByteString.copyFrom(new byte[32])), TRAINER, "fp32", 1000, ok),
            ReasonCode.BASE_CHECKPOINT_MISMATCH),
        Arguments.of("unsupported encoding", delta(b -> b, TRAINER, "pickle", 1000, ok), ReasonCode.ENCODING_UNSUPPORTED),
        Arguments.of("declared size differs", delta(b -> b, TRAINER, "fp32", 999, ok), ReasonCode.SIZE_MISMATCH),
        Arguments.of("file too large", delta(b -> b.setSizeBytes(2 << 20), TRAINER, "fp32", 2 << 20, ok),
            ReasonCode.SIZE_LIMIT_EXCEEDED),
        Arguments.of("wrong shape", delta(b -> b, TRAINER, "fp32", 1000, dense(TinyTask.CLASSES, TinyTask.HIDDEN + 1, TinyMlp.W1)),
            ReasonCode.SHAPE_MISMATCH),
        Arguments.of("foreign tensor", delta(b -> b, TRAINER, "fp32", 1000, dense(2, 2, "model.layers.1.mlp.gate_proj.weight")),
            ReasonCode.TARGET_MODULES_MISMATCH),
        Arguments.of("dense file for a LoRA assignment", delta(b -> b.setLayer(TinyMlp.LAYER0).setMode(TrainingMode.LORA)
            .setLoraRank(TinyRound.LORA_RANK).setShardIndex(1).setBaseHash(ByteString.copyFrom(HexFormat.of().parseHex(
                round.baseHashes.get(TinyMlp.LAYER0)))), "t-lora", "fp32", 1000, ok), ReasonCode.MODE_MISMATCH));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("structureCases")
  @DisplayName("the structure check names each way a delta can disagree with the round plan")
  void structure(String name, DeltaUnderReview d, ReasonCode expected) {
    ValidationResult r = new StructureRule().check(d, round.context(d.layer(), 1), new Evidence());
    if (expected == null) {
      assertThat(r.isValid()).as(r.toString()).isTrue();
    } else {
      assertThat(r.reason()).as(r.toString()).isEqualTo(expected);
      assertThat(r.message()).isNotBlank();
    }
  }

  @Test
  @DisplayName("a delta that helps the loss but points against the round's consensus direction is flagged")
  void againstConsensus() {
    RoundState state = new RoundState();
    state.seedConsensus(honest);
    CheckContext ctx = new CheckContext(round.plan(), TinyRound.policy(), TinyMlp::layout, round.base.layerWeights(TinyMlp.LAYER1),
        round.context(TinyMlp.LAYER1, 1).evaluator(), state, 1);
    DeltaUnderReview opposite = delta(b -> b, TRAINER, "fp32", 1000, new DeltaPayload.Dense(honest.scaled(-0.5f).tensors()));
    Evidence e = new Evidence();
    ValidationResult r = new DriftRule().check(opposite, ctx, e);
    assertThat(r.reason()).isEqualTo(ReasonCode.AGAINST_CONSENSUS);
    assertThat(e.consensusCosinePpm().getAsLong()).isEqualTo(-1_000_000);
    DeltaUnderReview along = delta(b -> b, TRAINER, "fp32", 1000, new DeltaPayload.Dense(honest.tensors()));
    assertThat(new DriftRule().check(along, ctx, new Evidence()).isValid()).isTrue();
  }

  @Test
  @DisplayName("the norm z-score uses median and MAD, so one earlier outlier in the history does not mask a new one")
  void robustZScore() {
    RoundState state = new RoundState();
    double n = Math.sqrt(honest.squaredNorm());
    state.seedNormHistory(TinyMlp.LAYER1, List.of(n, n * 1.02, n * 0.98, n * 1.01, n * 0.99, n * 40));
    CheckContext ctx = new CheckContext(round.plan(), TinyRound.policy(), TinyMlp::layout, round.base.layerWeights(TinyMlp.LAYER1),
        round.context(TinyMlp.LAYER1, 1).evaluator(), state, 1);
    DeltaUnderReview big = delta(b -> b, TRAINER, "fp32", 1000, new DeltaPayload.Dense(honest.scaled(1.5f).tensors()));
    Evidence e = new Evidence();
    assertThat(new DriftRule().check(big, ctx, e).reason()).isEqualTo(ReasonCode.NORM_OUTLIER);
    DeltaUnderReview normal = delta(b -> b, TRAINER, "fp32", 1000, new DeltaPayload.Dense(honest.scaled(1.01f).tensors()));
    assertThat(new DriftRule().check(normal, ctx, new Evidence()).isValid()).isTrue();
  }

  @Test
  @DisplayName("a copy that keeps another delta's largest coordinates but buries the rest in noise is caught by top-k overlap")
  void topKOverlap() {
    int size = 100 * 100;
    SplittableRandom r = new SplittableRandom(11);
    float[] original = new float[size];
    for (int i = 0; i < size; i++) {
      original[i] = (float) r.nextGaussian();
    }
    LayerDelta a = new LayerDelta("model.layers.9", Map.of("model.layers.9.mlp.w.weight", new DenseTensor(new int[] {100, 100}, original)));
    int k = size / 10;
    int[] top = DeltaVectors.topK(a, k);
    float[] forged = new float[size];
    java.util.Arrays.fill(forged, Float.NaN);
    for (int i : top) {
      forged[i] = original[i];
    }
    float cut = Math.abs(original[top[0]]);
    for (int i : top) {
      cut = Math.min(cut, Math.abs(original[i]));
    }
    for (int i = 0; i < size; i++) {
      if (Float.isNaN(forged[i])) {
        forged[i] = (float) ((r.nextBoolean() ? 1 : -1) * cut * 0.95 * r.nextDouble());
      }
    }
    LayerDelta b = new LayerDelta("model.layers.9", Map.of("model.layers.9.mlp.w.weight", new DenseTensor(new int[] {100, 100}, forged)));
    assertThat(DeltaVectors.cosine(a, b)).as("cosine alone would not catch it").isLessThan(0.8);
    assertThat(DeltaVectors.overlap(top, DeltaVectors.topK(b, k))).isEqualTo(k);

    RoundState state = new RoundState();
    CheckContext ctx = new CheckContext(round.plan(), TinyRound.policy(), l -> new TreeMap<>(), new TreeMap<>(), round.context(TinyMlp.LAYER1, 1).evaluator(),
        state, 1);
    DeltaUnderReview first = DeltaUnderReview.of(new byte[32], TinyRound.address("a"), SubmitDelta.newBuilder().setLayer("model.layers.9").build(),
        "fp32", 1, new DeltaPayload.Dense(a.tensors()));
    DeltaUnderReview second = DeltaUnderReview.of(new byte[32], TinyRound.address("b"), SubmitDelta.newBuilder().setLayer("model.layers.9").build(),
        "fp32", 1, new DeltaPayload.Dense(b.tensors()));
    assertThat(new CopyRule().check(first, ctx, new Evidence()).isValid()).isTrue();
    assertThat(new CopyRule().check(second, ctx, new Evidence()).reason()).isEqualTo(ReasonCode.TOP_K_OVERLAP);
  }

  @Test
  @DisplayName("top-k selects the largest magnitudes, ties to the lower index")
  void topKSelection() {
    LayerDelta d = new LayerDelta("model.layers.0", new TreeMap<>(Map.of(
        "model.layers.0.a.weight", new DenseTensor(new int[] {4}, new float[] {1f, -5f, 2f, -2f}),
        "model.layers.0.b.weight", new DenseTensor(new int[] {3}, new float[] {5f, 0f, -3f}))));
    // concatenated: [1, -5, 2, -2, 5, 0, -3]
    assertThat(DeltaVectors.topK(d, 3)).containsExactly(1, 4, 6);
    assertThat(DeltaVectors.topK(d, 4)).containsExactly(1, 2, 4, 6);
    assertThat(DeltaVectors.topK(d, 5)).containsExactly(1, 2, 3, 4, 6);
  }

  @Test
  @DisplayName("scores are sign-safe: a negative gain times a negative cosine scores zero, not a large positive number")
  void scoreIsSignSafe() {
    Evidence harmful = new Evidence();
    harmful.evalLoss(2_000_000, 2_500_000);
    harmful.consensusCosinePpm(-900_000);
    assertThat(Score.of(harmful)).isZero();
    Evidence good = new Evidence();
    good.evalLoss(2_000_000, 1_900_000);
    good.consensusCosinePpm(500_000);
    assertThat(Score.of(good)).isEqualTo(50_000);
    Evidence opposed = new Evidence();
    opposed.evalLoss(2_000_000, 1_900_000);
    opposed.consensusCosinePpm(-500_000);
    assertThat(Score.of(opposed)).isZero();
    Evidence huge = new Evidence();
    huge.evalLoss(Long.MAX_VALUE / 2, -Long.MAX_VALUE / 2);
    assertThat(Score.of(huge)).isEqualTo(Score.MAX_GAIN_MICRO);
    Evidence noConsensusYet = new Evidence();
    noConsensusYet.evalLoss(1_000_000, 990_000);
    assertThat(Score.of(noConsensusYet)).isEqualTo(10_000);
  }
}
