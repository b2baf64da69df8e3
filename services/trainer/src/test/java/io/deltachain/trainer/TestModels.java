package io.deltachain.trainer;

import ai.djl.Device;
import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.data.ByteTokenizer;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.data.ShardPlan;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.core.profile.ModelFamily;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Shared fixtures: a tiny byte-level model and Europarl shards. */
public final class TestModels {
  private static Corpus europarl;

  private TestModels() {
  }

  /** A very small byte-level Llama profile (GQA 4/2 heads, 2 layers, tied head) for fast tests. */
  public static ModelProfile tiny() {
    return ModelProfile.builder().setName("test-micro").setFamily(ModelFamily.LLAMA).setVocabSize(256)
        .setHiddenSize(64).setNumLayers(2).setNumHeads(4).optNumKvHeads(2).setIntermediateSize(176)
        .setMaxPositionEmbeddings(256).optRmsNormEps(1e-5).optTieWordEmbeddings(true)
        .optTorchDtype("float32").build();
  }

  /** @return the bundled tiny-1m profile */
  public static ModelProfile tiny1m() {
    return ModelProfiles.bundled("tiny-1m");
  }

  /** @return a fresh tiny model */
  public static CausalLm tinyModel(int seed) {
    return new CausalLm(tiny(), Device.cpu(), seed);
  }

  private static java.util.Map<String, float[]> pretrained;

  /**
   * Weights of the micro model after 60 FULL steps on shard 0 (computed once per JVM), so adapter
   * tests start from a base that already knows some language.
   */
  public static synchronized java.util.Map<String, float[]> pretrainedWeights() {
    if (pretrained == null) {
      try (CausalLm model = tinyModel(11)) {
        io.deltachain.trainer.train.TrainingConfig cfg = io.deltachain.trainer.train.TrainingConfig.builder()
            .setMode(io.deltachain.core.profile.TrainingMode.FULL).setSteps(60).optBatch(8, 64)
            .optLearningRate(3e-3, 1e-3, 5).optSeed(11).build();
        try (var s = new io.deltachain.trainer.train.TrainingSession(model, cfg, shard(0, 8, 64), null)) {
          for (int i = 0; i < cfg.steps(); i++) {
            s.trainStep();
          }
        }
        pretrained = snapshot(model);
      }
    }
    return pretrained;
  }

  /** @return a micro model loaded with {@link #pretrainedWeights()} */
  public static CausalLm pretrainedModel() {
    CausalLm model = tinyModel(11);
    for (var e : pretrainedWeights().entrySet()) {
      model.setWeight(e.getKey(), e.getValue(), model.parameters().get(e.getKey()).getArray().getShape());
    }
    return model;
  }

  /** @return every tensor's values by HF name */
  public static java.util.Map<String, float[]> snapshot(CausalLm model) {
    java.util.Map<String, float[]> out = new java.util.LinkedHashMap<>();
    model.parameters().forEach((k, v) -> out.put(k, v.getArray().toFloatArray()));
    return out;
  }

  /** @return logits of a fixed probe sequence */
  public static float[] probeLogits(CausalLm model) {
    long[] tokens = new long[32];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = "The European Parliament votes.".getBytes()[i % 30] & 0xFF;
    }
    try (ai.djl.ndarray.NDManager m = model.manager().newSubManager()) {
      return model.forward(m.create(tokens, new ai.djl.ndarray.types.Shape(1, tokens.length)), null, false)
          .toFloatArray();
    }
  }

  /** @return the largest absolute difference */
  public static float maxAbsDiff(float[] a, float[] b) {
    float d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }

  /** @return the first 1500 Europarl documents (cached) */
  public static synchronized Corpus europarl() {
    if (europarl == null) {
      try {
        europarl = Corpus.europarl(1500);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return europarl;
  }

  /** @return the shard plan used in tests: 4 shards, 50 documents held out */
  public static ShardPlan plan() {
    return new ShardPlan(europarl().hash(), 7L, 4, 50);
  }

  /** @return training batches of one shard */
  public static PackedBatches shard(int shard, int batch, int length) {
    ShardPlan plan = plan();
    return new PackedBatches(plan.shard(europarl(), shard), new ByteTokenizer(256), batch, length,
        plan.seed("shard", shard), europarl().hash().hex() + "/" + shard);
  }

  /** @return held-out evaluation batches */
  public static List<Batch> heldOut(int count, int batch, int length) {
    ShardPlan plan = plan();
    PackedBatches b = new PackedBatches(plan.heldOutDocuments(europarl()), new ByteTokenizer(256), batch, length,
        plan.heldOutSeed(), "heldout");
    List<Batch> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(b.next());
    }
    return out;
  }
}
