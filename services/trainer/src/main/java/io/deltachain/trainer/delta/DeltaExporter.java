package io.deltachain.trainer.delta;

import ai.djl.nn.Parameter;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.delta.DeltaKind;
import io.deltachain.core.delta.DeltaMetadata;
import io.deltachain.core.delta.LoraAdapter;
import io.deltachain.core.tensor.FloatTensor;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.LoraConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Builds core {@link DeltaFile}s from a trained model. */
public final class DeltaExporter {
  private DeltaExporter() {
  }

  /**
   * Copies the tensors a dense run may change, taken before training so the update can be
   * computed afterwards.
   *
   * @param model the model
   * @param firstLayer first assigned layer
   * @param lastLayer last assigned layer
   * @param includeGlobal whether embeddings, final norm and head are assigned too
   * @return values by HF name
   */
  public static Map<String, float[]> snapshot(CausalLm model, int firstLayer, int lastLayer, boolean includeGlobal) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
      if (inScope(e.getKey(), firstLayer, lastLayer, includeGlobal)) {
        out.put(e.getKey(), e.getValue().getArray().toFloatArray());
      }
    }
    return out;
  }

  private static boolean inScope(String name, int first, int last, boolean includeGlobal) {
    if (name.contains(".lora_")) {
      return false;
    }
    int layer = CausalLm.layerOf(name);
    return layer < 0 ? includeGlobal : layer >= first && layer <= last;
  }

  /** The HF layer (delta unit) a tensor belongs to: {@code model.layers.N} or the global module. */
  static String layerPath(String tensorName) {
    int layer = CausalLm.layerOf(tensorName);
    if (layer >= 0) {
      return "model.layers." + layer;
    }
    return tensorName.substring(0, tensorName.length() - ".weight".length());
  }

  /**
   * Dense deltas ({@code after - before}), one file per layer of the snapshot.
   *
   * @param model the trained model
   * @param before the snapshot taken before training
   * @param template base hash, round, trainer, encoding and metrics
   * @return delta files ordered by layer path
   */
  public static List<DeltaFile> dense(CausalLm model, Map<String, float[]> before, DeltaMetadata.Builder template) {
    Map<String, Parameter> params = model.parameters();
    Map<String, Map<String, FloatTensor>> byLayer = new TreeMap<>();
    for (Map.Entry<String, float[]> e : before.entrySet()) {
      var arr = params.get(e.getKey()).getArray();
      float[] now = arr.toFloatArray();
      float[] old = e.getValue();
      float[] diff = new float[now.length];
      for (int i = 0; i < now.length; i++) {
        diff[i] = now[i] - old[i];
      }
      byLayer.computeIfAbsent(layerPath(e.getKey()), k -> new TreeMap<>())
          .put(e.getKey(), new FloatTensor(arr.getShape().getShape(), diff));
    }
    List<DeltaFile> out = new ArrayList<>();
    for (Map.Entry<String, Map<String, FloatTensor>> e : byLayer.entrySet()) {
      List<String> modules = new ArrayList<>(new TreeSet<>(e.getValue().keySet().stream()
          .map(n -> n.substring(0, n.length() - ".weight".length())).toList()));
      DeltaMetadata m = template.setKind(DeltaKind.DENSE).setLayer(e.getKey()).setModules(modules).build();
      out.add(DeltaFile.of(m, e.getValue()));
    }
    return out;
  }

  /**
   * The model's LoRA adapters as one core adapter.
   *
   * @param model a model with adapters
   * @param baseModelNameOrPath recorded in PEFT's adapter_config.json
   * @return the adapter
   */
  public static LoraAdapter adapter(CausalLm model, String baseModelNameOrPath) {
    LoraConfig cfg = model.lora();
    if (cfg == null) {
      throw new IllegalStateException("the model has no LoRA adapters");
    }
    TreeMap<String, FloatTensor> tensors = new TreeMap<>();
    for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
      if (e.getKey().contains(".lora_")) {
        var arr = e.getValue().getArray();
        tensors.put(e.getKey(), new FloatTensor(arr.getShape().getShape(), arr.toFloatArray()));
      }
    }
    return new LoraAdapter(baseModelNameOrPath, cfg.rank(), (float) cfg.alpha(), new TreeSet<>(cfg.targetModules()),
        tensors);
  }

  /**
   * LoRA deltas, one file per layer that has adapters.
   *
   * @param model the trained model
   * @param template base hash, round, trainer, encoding and metrics
   * @return delta files ordered by layer
   */
  public static List<DeltaFile> lora(CausalLm model, DeltaMetadata.Builder template) {
    LoraAdapter adapter = adapter(model, null);
    TreeSet<String> layers = new TreeSet<>();
    for (String module : adapter.modules()) {
      layers.add(layerPath(module + ".weight"));
    }
    List<DeltaFile> out = new ArrayList<>();
    for (String layer : layers) {
      out.add(adapter.toDeltaFile(template, layer));
    }
    return out;
  }
}
