package io.deltachain.core.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tensor.DType;
import io.deltachain.core.tensor.FloatTensor;
import io.deltachain.core.tensor.HalfFloats;
import io.deltachain.core.tensor.SafeTensorsReader;
import io.deltachain.core.tensor.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaFileTest {
  static final ContentHash BASE = ContentHash.sha256(new byte[] {7});
  static final String LAYER = "model.layers.3";
  static final String UP = "model.layers.3.mlp.up_proj";
  static final String DOWN = "model.layers.3.mlp.down_proj";

  @TempDir Path dir;

  static float[] gaussian(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian() * 0.01f;
    }
    return x;
  }

  static DeltaMetadata.Builder dense(ValueEncoding enc) {
    return DeltaMetadata.builder().setKind(DeltaKind.DENSE).setLayer(LAYER).setModules(List.of(UP, DOWN))
        .setBaseHash(BASE).setRoundId(3).setTrainerId("trainer-1").optEncoding(enc);
  }

  static Map<String, FloatTensor> denseTensors() {
    return Map.of(
        UP + ".weight", FloatTensor.of(gaussian(24 * 10, 1), 24, 10),
        DOWN + ".weight", FloatTensor.of(gaussian(10 * 24 + 0, 2), 10, 24),
        DOWN + ".bias", FloatTensor.of(gaussian(7, 3), 7)); // odd count, rank 1
  }

  @Test
  @DisplayName("a dense delta round-trips in every encoding within that encoding's error")
  void denseEveryEncoding() throws IOException {
    Map<String, FloatTensor> original = denseTensors();
    for (ValueEncoding enc : ValueEncoding.values()) {
      for (boolean dq : enc.isFourBit() ? new boolean[] {false, true} : new boolean[] {false}) {
        DeltaMetadata.Builder b = dense(enc);
        if (enc.isFourBit()) {
          b.optDoubleQuant(dq).optBlockSize(16);
        }
        DeltaFile d = DeltaFile.of(b.build(), original);
        Path f = dir.resolve(enc.wireName() + dq + ".delta");
        d.write(f);
        DeltaFile back = DeltaFile.read(f);
        assertThat(back.metadata()).isEqualTo(d.metadata());
        assertThat(back.tensors().keySet()).containsExactlyElementsOf(new TreeMap<>(original).keySet());
        for (Map.Entry<String, FloatTensor> e : original.entrySet()) {
          FloatTensor got = back.tensors().get(e.getKey());
          assertThat(got.shape()).containsExactly(e.getValue().shape());
          float[] x = e.getValue().data();
          float[] y = got.data();
          for (int i = 0; i < x.length; i++) {
            float expected = switch (enc) {
              case FP32 -> x[i];
              case FP16 -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(x[i]));
              case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(x[i]));
              default -> Float.NaN;
            };
            if (!Float.isNaN(expected)) {
              assertThat(y[i]).isEqualTo(expected);
            } else {
              // every quantized encoding here stays below 16% of the tensor's largest magnitude
              float amax = 0;
              for (float v : x) {
                amax = Math.max(amax, Math.abs(v));
              }
              assertThat(Math.abs(x[i] - y[i])).as("%s dq=%s %s[%d]", enc, dq, e.getKey(), i)
                  .isLessThanOrEqualTo(amax * 0.16f + amax * (dq ? 0.01f : 0f));
            }
          }
        }
      }
    }
  }

  @Test
  @DisplayName("stored tensors follow the documented layout (NF4 with double quantization)")
  void storedLayout() throws IOException {
    DeltaFile d = DeltaFile.of(dense(ValueEncoding.NF4).optDoubleQuant(true).build(), denseTensors());
    Path f = dir.resolve("layout.delta");
    d.write(f);
    try (SafeTensorsReader r = SafeTensorsReader.open(f)) {
      String w = UP + ".weight"; // 240 values: 120 bytes, 4 blocks of 64
      assertThat(r.info(w).dtype()).isEqualTo(DType.U8);
      assertThat(r.info(w).shape()).containsExactly(120);
      assertThat(r.info(w + ".absmax").dtype()).isEqualTo(DType.I8);
      assertThat(r.info(w + ".absmax").shape()).containsExactly(4);
      assertThat(r.info(w + ".nested_absmax").shape()).containsExactly(1);
      assertThat(r.info(w + ".nested_offset").shape()).containsExactly(1);
      assertThat(r.metadata()).containsEntry("format", "pt").containsEntry("deltachain.schema", "1");
      assertThat(r.metadata().get("deltachain.tensors")).contains("\"" + w + "\":[24,10]");
      assertThat(r.names()).hasSize(12);
    }
  }

  @Test
  @DisplayName("the same delta always writes the same bytes")
  void deterministicBytes() throws IOException {
    Path a = dir.resolve("a.delta");
    Path b = dir.resolve("b.delta");
    DeltaFile.of(dense(ValueEncoding.INT8).build(), denseTensors()).write(a);
    DeltaFile.of(dense(ValueEncoding.INT8).build(), new TreeMap<>(denseTensors()).descendingMap()).write(b);
    assertThat(ContentHash.sha256(a)).isEqualTo(ContentHash.sha256(b));
  }

  @Test
  @DisplayName("a LoRA delta round-trips and its factors are validated against the rank")
  void lora() throws IOException {
    DeltaMetadata m = DeltaMetadata.builder().setKind(DeltaKind.LORA).setLayer(LAYER).setModules(List.of(UP))
        .setBaseHash(BASE).setRoundId(1).setTrainerId("t").setLora(4, 8f, List.of("up_proj")).build();
    Map<String, FloatTensor> t = Map.of(
        UP + ".lora_A.weight", FloatTensor.of(gaussian(4 * 10, 5), 4, 10),
        UP + ".lora_B.weight", FloatTensor.of(gaussian(24 * 4, 6), 24, 4));
    Path f = dir.resolve("lora.delta");
    DeltaFile.of(m, t).write(f);
    DeltaFile back = DeltaFile.read(f);
    assertThat(back.tensors()).containsExactlyInAnyOrderEntriesOf(t);
    assertThat(Deltas.denseUpdates(back).get(UP + ".weight").shape()).containsExactly(24, 10);

    assertThatThrownBy(() -> DeltaFile.of(m, Map.of(UP + ".lora_A.weight", FloatTensor.zeros(4, 10))))
        .hasMessageContaining("needs both");
    assertThatThrownBy(() -> DeltaFile.of(m, Map.of(
        UP + ".lora_A.weight", FloatTensor.zeros(3, 10), UP + ".lora_B.weight", FloatTensor.zeros(24, 3))))
        .hasMessageContaining("expected [4, in] for rank 4");
  }

  @Test
  @DisplayName("a sparse delta round-trips its indices exactly and its values per encoding")
  void sparse() throws IOException {
    float[] v = gaussian(240, 9);
    SparseVector top = TopK.sparsify(v, 24);
    for (ValueEncoding enc : List.of(ValueEncoding.FP32, ValueEncoding.INT8, ValueEncoding.NF4)) {
      DeltaMetadata.Builder b = dense(enc).setKind(DeltaKind.SPARSE).setSparseDensity(0.1).setModules(List.of(UP));
      DeltaFile d = DeltaFile.sparse(b.build(), Map.of(UP + ".weight", new SparseTensor(new long[] {24, 10}, top)));
      Path f = dir.resolve("sparse-" + enc.wireName() + ".delta");
      d.write(f);
      SparseTensor back = DeltaFile.read(f).sparseTensors().get(UP + ".weight");
      assertThat(back.shape()).containsExactly(24, 10);
      assertThat(back.vector().indices()).containsExactly(top.indices());
      if (enc == ValueEncoding.FP32) {
        assertThat(back.vector().values()).containsExactly(top.values());
      } else {
        for (int i = 0; i < top.size(); i++) {
          assertThat(Math.abs(back.vector().values()[i] - top.values()[i])).isLessThan(0.01f);
        }
      }
    }
  }

  @Test
  @DisplayName("tensors outside the delta's modules, or with reserved names, are refused on construction")
  void constructionValidation() {
    assertThatThrownBy(() -> DeltaFile.of(dense(ValueEncoding.FP32).build(),
        Map.of("model.layers.4.mlp.up_proj.weight", FloatTensor.zeros(1), DOWN + ".weight", FloatTensor.zeros(1))))
        .hasMessageContaining("does not belong");
    assertThatThrownBy(() -> DeltaFile.of(dense(ValueEncoding.FP32).build(), Map.of(DOWN + ".weight", FloatTensor.zeros(1))))
        .hasMessageContaining("'" + UP + "' is listed in the metadata but has no tensor");
    assertThatThrownBy(() -> DeltaFile.of(dense(ValueEncoding.FP32).build(),
        Map.of(UP + ".scale", FloatTensor.zeros(1), DOWN + ".weight", FloatTensor.zeros(1))))
        .hasMessageContaining("reserved suffix");
  }

  /** Rewrites a valid delta file, dropping one tensor or adding one, or replacing the metadata. */
  private Path tamper(Path good, String drop, String add, Map<String, String> metadata) throws IOException {
    Path out = dir.resolve("tampered-" + System.nanoTime() + ".delta");
    try (SafeTensorsReader r = SafeTensorsReader.open(good)) {
      SafeTensorsWriter w = new SafeTensorsWriter().putAllMetadata(metadata != null ? metadata : r.metadata());
      for (String name : r.names()) {
        if (!name.equals(drop)) {
          w.addFrom(r, name);
        }
      }
      if (add != null) {
        w.addFloats(add, new long[] {1}, new float[] {1f});
      }
      w.write(out);
    }
    return out;
  }

  @Test
  @DisplayName("files with a wrong schema version, stray, missing or mistyped tensors are refused, naming the file")
  void readValidation() throws IOException {
    Path good = dir.resolve("good.delta");
    DeltaFile.of(dense(ValueEncoding.INT8).build(), denseTensors()).write(good);
    DeltaFile.read(good);

    TreeMap<String, String> v2 = new TreeMap<>(DeltaFile.readMetadata(good).toMap());
    v2.put("deltachain.schema", "2");
    try (SafeTensorsReader r = SafeTensorsReader.open(good)) {
      v2.put("deltachain.tensors", r.metadata().get("deltachain.tensors"));
    }
    Path wrongVersion = tamper(good, null, null, v2);
    assertThatThrownBy(() -> DeltaFile.read(wrongVersion)).isInstanceOf(DeltaFormatException.class)
        .hasMessageContaining(wrongVersion.toString()).hasMessageContaining("unsupported delta schema version '2'");
    assertThatThrownBy(() -> DeltaFile.readMetadata(wrongVersion)).isInstanceOf(DeltaFormatException.class);

    Path plain = dir.resolve("plain.safetensors");
    new SafeTensorsWriter().addFloats("x", new long[] {1}, new float[] {1}).write(plain);
    assertThatThrownBy(() -> DeltaFile.read(plain)).isInstanceOf(DeltaFormatException.class)
        .hasMessageContaining("no 'deltachain.schema'");

    Path stray = tamper(good, null, UP + ".extra", null);
    assertThatThrownBy(() -> DeltaFile.read(stray)).isInstanceOf(DeltaFormatException.class)
        .hasMessageContaining("unexpected tensor '" + UP + ".extra'");

    Path missing = tamper(good, UP + ".weight.scale", null, null);
    assertThatThrownBy(() -> DeltaFile.read(missing)).isInstanceOf(DeltaFormatException.class)
        .hasMessageContaining("missing tensor '" + UP + ".weight.scale'");

    Path fp32 = dir.resolve("fp32.delta");
    DeltaFile.of(dense(ValueEncoding.FP32).build(), denseTensors()).write(fp32);
    TreeMap<String, String> claimsFp16 = new TreeMap<>();
    try (SafeTensorsReader r = SafeTensorsReader.open(fp32)) {
      claimsFp16.putAll(r.metadata());
    }
    claimsFp16.put("deltachain.encoding", "fp16");
    Path mistyped = tamper(fp32, null, null, claimsFp16);
    assertThatThrownBy(() -> DeltaFile.read(mistyped)).isInstanceOf(DeltaFormatException.class)
        .hasMessageContaining("expected F16");
  }
}
