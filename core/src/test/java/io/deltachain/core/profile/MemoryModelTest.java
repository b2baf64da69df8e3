package io.deltachain.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("MemoryModel")
class MemoryModelTest {
  private static final double GB = 1e9;
  private static final ModelProfile LLAMA_8B = ModelProfiles.bundled("llama-3.1-8b");

  private static TrainingSpec full() {
    return TrainingSpec.builder(TrainingMode.FULL).build();
  }

  private static TrainingSpec qlora16(boolean checkpointing) {
    return TrainingSpec.builder(TrainingMode.QLORA)
        .optLoraRank(16)
        .optSequenceLength(2048)
        .optMicroBatch(1)
        .optActivationCheckpointing(checkpointing)
        .build();
  }

  @Test
  @DisplayName("full bf16 training of Llama-3.1-8B with fp32 AdamW needs over 80 GB (about 128 GB before activations)")
  void fullLlama8bDoesNotFitAnH100() {
    MemoryEstimate e = MemoryModel.estimate(LLAMA_8B, full());
    print("llama-3.1-8b FULL bf16 seq 2048 b1", e);
    long params = 8_030_261_248L;
    assertThat(e.trainableParameters()).isEqualTo(params);
    assertThat(e.weightBytes()).isEqualTo(2 * params);
    assertThat(e.masterWeightBytes()).isEqualTo(4 * params);
    assertThat(e.gradientBytes()).isEqualTo(2 * params);
    assertThat(e.optimizerBytes()).isEqualTo(8 * params);
    assertThat(e.modelStateBytes()).isEqualTo(16 * params);
    assertThat(e.totalBytes()).isGreaterThan((long) (80 * GB));
  }

  @Test
  @DisplayName("QLoRA rank 16 on Llama-3.1-8B at seq 2048, batch 1, with checkpointing fits a 16 GB card")
  void qloraLlama8bFits16Gb() {
    MemoryEstimate e = MemoryModel.estimate(LLAMA_8B, qlora16(true));
    print("llama-3.1-8b QLORA r16 seq 2048 b1 ckpt", e);
    // r*(in+out) over the 7 linears: 16*(8192 + 5120 + 5120 + 8192 + 3*18432) per layer
    assertThat(e.trainableParameters()).isEqualTo(32L * 16 * (8192 + 5120 + 5120 + 8192 + 3 * 18432));
    assertThat(e.totalBytes()).isLessThan((long) (16 * GB));
    // without checkpointing eager attention's score matrices alone exceed the card
    MemoryEstimate noCkpt = MemoryModel.estimate(LLAMA_8B, qlora16(false));
    print("llama-3.1-8b QLORA r16 seq 2048 b1 no ckpt", noCkpt);
    assertThat(noCkpt.totalBytes()).isGreaterThan((long) (16 * GB));
  }

  @Test
  @DisplayName("LoRA needs a small fraction of full training's memory, and QLoRA less again")
  void loraMuchSmallerThanFull() {
    TrainingSpec lora = TrainingSpec.builder(TrainingMode.LORA).optActivationCheckpointing(true).build();
    TrainingSpec fullCkpt = TrainingSpec.builder(TrainingMode.FULL).optActivationCheckpointing(true).build();
    MemoryEstimate l = MemoryModel.estimate(LLAMA_8B, lora);
    MemoryEstimate f = MemoryModel.estimate(LLAMA_8B, fullCkpt);
    MemoryEstimate q = MemoryModel.estimate(LLAMA_8B, qlora16(true));
    assertThat(l.totalBytes()).isLessThan(f.totalBytes() / 4);
    assertThat(l.modelStateBytes() - l.weightBytes()).isLessThan((f.modelStateBytes() - f.weightBytes()) / 100);
    assertThat(q.totalBytes()).isLessThan(l.totalBytes());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"llama-3.1-8b", "llama-3.1-70b", "qwen3-8b", "qwen3-32b"})
  @DisplayName("QLoRA's NF4 linears take just over a quarter of their bf16 bytes; the unquantized embeddings lift the whole model to under 0.4")
  void qloraWeightsQuarter(String name) {
    ModelProfile p = ModelProfiles.bundled(name);
    TrainingSpec bf16 = TrainingSpec.builder(TrainingMode.LORA).build();
    TrainingSpec nf4 = qlora16(true);
    long bf16Base = MemoryModel.baseWeightBytes(p, bf16);
    long nf4Base = MemoryModel.baseWeightBytes(p, nf4);
    long linearParams = p.cost().linearParametersPerLayer() * p.numLayers();
    long otherBytes = 2 * (p.cost().totalParameters() - linearParams);
    double linearRatio = (nf4Base - otherBytes) / (2.0 * linearParams);
    double wholeRatio = nf4Base / (double) bf16Base;
    System.out.printf(Locale.ROOT, "%s: bf16 weights %.2f GB, QLoRA weights %.2f GB (x%.3f); NF4 linears x%.4f%n",
        name, bf16Base / GB, nf4Base / GB, wholeRatio, linearRatio);
    assertThat(bf16Base).isEqualTo(2 * p.cost().totalParameters());
    assertThat(linearRatio).isBetween(0.25, 0.26);
    assertThat(wholeRatio).isBetween(0.25, 0.40);
  }

  @Test
  @DisplayName("NF4 without double quantization costs 4/64 byte of absmax per parameter")
  void nf4Overheads() {
    TensorSpec t = new TensorSpec("w", ModelModule.Q_PROJ, 0, java.util.List.of(4096L, 4096L));
    long n = 4096L * 4096;
    assertThat(Precision.NF4.storageBytes(t, false)).isEqualTo(n / 2 + 4 * (n / 64) + 64);
    assertThat(Precision.NF4.storageBytes(t, true)).isEqualTo(n / 2 + n / 64 + 4 * (n / 64 / 256) + 1024 + 64);
    assertThat(Precision.NF4.nominalBytesPerParameter(false)).isEqualTo(0.5625);
    assertThat((Precision.NF4.nominalBytesPerParameter(true) - 0.5) * 8).isBetween(0.126, 0.128);
    assertThat(Precision.INT8.storageBytes(t, false)).isEqualTo(n + 4 * 4096);
  }

  @Test
  @DisplayName("activation checkpointing cuts activations by more than 5x on Llama-3.1-8B")
  void checkpointingReducesActivations() {
    TrainingSpec.Builder b = TrainingSpec.builder(TrainingMode.LORA).optSequenceLength(4096).optMicroBatch(2);
    MemoryEstimate plain = MemoryModel.estimate(LLAMA_8B, b.optActivationCheckpointing(false).build());
    MemoryEstimate ckpt = MemoryModel.estimate(LLAMA_8B, b.optActivationCheckpointing(true).build());
    System.out.printf(Locale.ROOT, "activations seq 4096 b2: %.2f GB plain, %.2f GB checkpointed%n",
        plain.activationBytes() / GB, ckpt.activationBytes() / GB);
    assertThat(ckpt.activationBytes() * 5).isLessThan(plain.activationBytes());
    assertThat(ckpt.weightBytes()).isEqualTo(plain.weightBytes());
  }

  @Test
  @DisplayName("activations per layer follow the documented formula for a tiny model")
  void layerActivationFormula() {
    ModelProfile tiny = ModelProfiles.bundled("tiny-1m");
    TrainingSpec spec = TrainingSpec.builder(TrainingMode.FULL)
        .optBasePrecision(Precision.FP32).optComputePrecision(Precision.FP32)
        .optSequenceLength(64).optMicroBatch(3).build();
    long h = 128, q = 128, kv = 64, inter = 480, heads = 4, s = 64, b = 3;
    long expected = 4 * b * s * (4 * h + 2 * q + 2 * kv + 4 * inter) + b * heads * s * s * 4;
    assertThat(MemoryModel.layerActivationBytes(tiny, spec, false)).isEqualTo(expected);
    long head = 4 * b * s * 2 * h + 8 * b * s * 256;
    assertThat(MemoryModel.estimate(tiny, spec).activationBytes()).isEqualTo(4 * expected + head);
    // fp32 everywhere: no master copy, 4-byte gradients
    MemoryEstimate e = MemoryModel.estimate(tiny, spec);
    assertThat(e.masterWeightBytes()).isZero();
    assertThat(e.gradientBytes()).isEqualTo(4 * tiny.cost().totalParameters());
  }

  @Test
  @DisplayName("fused attention stores no s x s scores, so long sequences cost linear memory")
  void fusedAttention() {
    TrainingSpec.Builder b = TrainingSpec.builder(TrainingMode.QLORA).optSequenceLength(8192);
    long eager = MemoryModel.layerActivationBytes(LLAMA_8B, b.optFusedAttention(false).build(), true);
    long fused = MemoryModel.layerActivationBytes(LLAMA_8B, b.optFusedAttention(true).build(), true);
    assertThat(eager).isGreaterThan(5 * fused);
  }

  @Test
  @DisplayName("training a layer range trains only those layers and skips activations below it")
  void layerRange() {
    TrainingSpec staged = TrainingSpec.builder(TrainingMode.STAGED).optLayerRange(new LayerRange(8, 15)).build();
    MemoryEstimate e = MemoryModel.estimate(LLAMA_8B, staged);
    assertThat(e.trainableParameters()).isEqualTo(8 * 218_112_000L);
    assertThat(e.frozenParameters()).isEqualTo(8_030_261_248L - 8 * 218_112_000L);
    assertThat(e.optimizerBytes()).isEqualTo(8 * e.trainableParameters());

    TrainingSpec top = TrainingSpec.builder(TrainingMode.STAGED).optLayerRange(new LayerRange(24, 31)).build();
    assertThat(MemoryModel.estimate(LLAMA_8B, top).activationBytes())
        .isLessThan(e.activationBytes());

    TrainingSpec loraTop = TrainingSpec.builder(TrainingMode.LORA).optLayerRange(new LayerRange(30, 31))
        .optTargetModules(EnumSet.of(ModelModule.Q_PROJ, ModelModule.V_PROJ)).optLoraRank(8).build();
    assertThat(MemoryModel.estimate(LLAMA_8B, loraTop).trainableParameters())
        .isEqualTo(2L * 8 * ((4096 + 4096) + (4096 + 1024)));

    TrainingSpec outside = TrainingSpec.builder(TrainingMode.FULL).optLayerRange(new LayerRange(30, 32)).build();
    assertThatThrownBy(() -> MemoryModel.estimate(LLAMA_8B, outside))
        .hasMessageContaining("layer range 30-32 exceeds llama-3.1-8b, which has 32 layers (0-31)");
  }

  @Test
  @DisplayName("training specs that make no sense are refused with the reason")
  void badSpecs() {
    assertThatThrownBy(() -> TrainingSpec.builder(TrainingMode.QLORA).optBasePrecision(Precision.BF16).build())
        .hasMessageContaining("QLORA keeps the base in nf4");
    assertThatThrownBy(() -> TrainingSpec.builder(TrainingMode.FULL).optBasePrecision(Precision.NF4).build())
        .hasMessageContaining("cannot be stored in nf4");
    assertThatThrownBy(() -> TrainingSpec.builder(TrainingMode.LORA).optLoraRank(0).optSequenceLength(-1).build())
        .hasMessageContaining("LoRA rank must be positive, got 0")
        .hasMessageContaining("sequence length must be positive, got -1");
    assertThatThrownBy(() -> TrainingSpec.builder(TrainingMode.LORA)
            .optTargetModules(EnumSet.of(ModelModule.EMBED_TOKENS)).build())
        .hasMessageContaining("LoRA target embed_tokens is not a layer linear projection");
    assertThatThrownBy(() -> TrainingSpec.builder(TrainingMode.LORA).optComputePrecision(Precision.INT8).build())
        .hasMessageContaining("compute precision must be fp32, bf16 or fp16");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"llama-3.1-8b", "llama-3.1-70b", "qwen3-8b", "qwen3-32b"})
  @DisplayName("figures for the published models (printed for the report), ordered FULL > LORA > QLORA")
  void publishedModelFigures(String name) {
    ModelProfile p = ModelProfiles.bundled(name);
    MemoryEstimate f = MemoryModel.estimate(p, TrainingSpec.builder(TrainingMode.FULL).optActivationCheckpointing(true).build());
    MemoryEstimate l = MemoryModel.estimate(p, TrainingSpec.builder(TrainingMode.LORA).optActivationCheckpointing(true).build());
    MemoryEstimate q = MemoryModel.estimate(p, qlora16(true));
    print(name + " FULL bf16 ckpt seq2048 b1", f);
    print(name + " LORA r16 bf16 ckpt seq2048 b1", l);
    print(name + " QLORA r16 nf4 ckpt seq2048 b1", q);
    assertThat(f.totalBytes()).isGreaterThan(l.totalBytes());
    assertThat(l.totalBytes()).isGreaterThan(q.totalBytes());
  }

  private static void print(String label, MemoryEstimate e) {
    System.out.printf(Locale.ROOT, "%-42s %s%n", label, e.summary());
  }
}
