package io.deltachain.trainer.train;

import io.deltachain.core.profile.TrainingMode;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.delta.FourBitCode;
import io.deltachain.core.delta.FourBitQuantized;
import io.deltachain.core.delta.Quantization;
import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.LoraConfig;
import io.deltachain.trainer.model.Nf4Quantizer;
import io.deltachain.trainer.model.Nf4Weight;
import io.deltachain.trainer.model.QuantizedWeight;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class QloraTest {

  @Test
  @DisplayName("QLoRA holds the base of its layers in NF4 (core quantisation), keeps it bitwise fixed and lowers the loss")
  void qloraBaseStaysNf4() {
    List<Batch> held = TestModels.heldOut(2, 8, 64);
    try (CausalLm model = TestModels.pretrainedModel()) {
      Map<String, float[]> dense = TestModels.snapshot(model);
      TrainingConfig cfg = TrainingConfig.builder().setMode(TrainingMode.QLORA).setSteps(100).optBatch(8, 64)
          .optLora(LoraConfig.allLinear(8, 16)).optLayerRange(0, 1).optLearningRate(1e-2, 2e-3, 2)
          .optSeed(7).build();
      try (TrainingSession s = new TrainingSession(model, cfg, TestModels.shard(1, 8, 64), new Nf4Quantizer())) {
        Map<String, QuantizedWeight> q = model.quantizedWeights();
        assertThat(q).hasSize(7 * model.spec().numLayers());
        assertThat(model.parameters().keySet()).noneMatch(n -> n.endsWith("_proj.weight"));
        Map<String, byte[]> codes = new HashMap<>();
        for (var e : q.entrySet()) {
          Nf4Weight w = (Nf4Weight) e.getValue();
          FourBitQuantized ref = Quantization.quantize4Bit(FourBitCode.NF4, dense.get(e.getKey()), 64);
          assertThat(w.packedCodes()).as(e.getKey()).isEqualTo(ref.packed());
          assertThat(w.storedBytes()).isLessThan(dense.get(e.getKey()).length * 4L / 6);
          codes.put(e.getKey(), w.packedCodes());
        }
        double before = s.evaluate(held);
        for (int i = 0; i < cfg.steps(); i++) {
          s.trainStep();
        }
        double after = s.evaluate(held);
        System.out.printf("QLoRA: held-out loss %.4f -> %.4f%n", before, after);
        // Asserted as a clear decrease: the pre-trained base varies a little between JVMs (see AdapterTrainingTest).
        assertThat(after).isLessThan(before - 0.005);
        for (var e : model.quantizedWeights().entrySet()) {
          assertThat(((Nf4Weight) e.getValue()).packedCodes()).as(e.getKey()).isEqualTo(codes.get(e.getKey()));
        }
        // The forward pass expands the nibbles with DJL ops; it must agree with core's dequantisation.
        String name = "model.layers.1.mlp.down_proj.weight";
        FourBitQuantized ref = Quantization.quantize4Bit(FourBitCode.NF4, dense.get(name), 64);
        try (ai.djl.ndarray.NDManager m = model.manager().newSubManager()) {
          float[] expanded = model.quantizedWeights().get(name).dequantize(m, ai.djl.ndarray.types.DataType.FLOAT32)
              .toFloatArray();
          assertThat(TestModels.maxAbsDiff(expanded, Quantization.dequantize(ref))).isLessThan(1e-6f);
        }
      }
    }
  }
}
