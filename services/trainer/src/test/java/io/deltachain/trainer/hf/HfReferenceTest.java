package io.deltachain.trainer.hf;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.deltachain.trainer.TestModels;
import io.deltachain.trainer.model.CausalLm;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the DJL model against Hugging Face transformers itself: the fixtures are tiny random
 * checkpoints written by {@code LlamaForCausalLM} / {@code Qwen3ForCausalLM.save_pretrained} with
 * the logits transformers computed (bench/trainer/make_hf_fixtures.py).
 */
class HfReferenceTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"llama-gqa-llama3rope", "qwen3-qknorm-tied"})
  void logitsMatchTransformers(String fixture) throws IOException, URISyntaxException {
    Path dir = Path.of(getClass().getResource("/hf-fixtures/" + fixture + "/config.json").toURI()).getParent();
    JsonObject expected = new JsonObject(Files.readString(dir.resolve("expected_logits.json")));
    JsonArray tokens = expected.getJsonArray("tokens");
    JsonArray want = expected.getJsonArray("logits");
    long[] ids = new long[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = tokens.getLong(i);
    }
    try (CausalLm model = HfCheckpoints.load(dir, Device.cpu()); NDManager m = model.manager().newSubManager()) {
      float[] got = model.forward(m.create(ids, new Shape(1, ids.length)), null, false).toFloatArray();
      float[] ref = new float[want.size()];
      for (int i = 0; i < ref.length; i++) {
        ref[i] = want.getFloat(i);
      }
      assertThat(got).hasSameSizeAs(ref);
      float diff = TestModels.maxAbsDiff(got, ref);
      System.out.printf("%s: max |DJL - transformers %s| = %.3g%n", fixture, expected.getString("transformers"), diff);
      assertThat(diff).isLessThan(2e-5f);
    }
  }
}
