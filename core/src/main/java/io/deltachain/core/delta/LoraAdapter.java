package io.deltachain.core.delta;

import io.deltachain.core.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A LoRA adapter in memory, as exchanged with Hugging Face PEFT ({@link PeftAdapters}).
 *
 * @param baseModelNameOrPath the base model's hub id or path ({@code null} if unknown)
 * @param rank r
 * @param alpha lora_alpha; scaling is {@code alpha / r}
 * @param targetModules short module names the adapter targets ({@code q_proj}, ...)
 * @param tensors {@code <module>.lora_A.weight [r, in]} and {@code <module>.lora_B.weight [out, r]}
 */
public record LoraAdapter(String baseModelNameOrPath, int rank, float alpha, SortedSet<String> targetModules,
    SortedMap<String, FloatTensor> tensors) {

  /** Freezes the collections. */
  public LoraAdapter {
    if (rank <= 0) {
      throw new IllegalArgumentException("LoRA rank must be positive, got " + rank);
    }
    targetModules = Collections.unmodifiableSortedSet(new TreeSet<>(Objects.requireNonNull(targetModules)));
    tensors = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(tensors)));
  }

  /** The adapter of a LoRA delta file. */
  public static LoraAdapter fromDeltaFile(DeltaFile delta, String baseModelNameOrPath) {
    DeltaMetadata m = delta.metadata();
    if (m.kind() != DeltaKind.LORA) {
      throw new IllegalArgumentException("only a LoRA delta exports as a PEFT adapter, this one is " + m.kind().wireName());
    }
    return new LoraAdapter(baseModelNameOrPath, m.loraRank(), m.loraAlpha(), m.loraTargetModules(), delta.tensors());
  }

  /** Full module paths with factors, sorted. */
  public List<String> modules() {
    List<String> out = new ArrayList<>();
    for (String name : tensors.keySet()) {
      if (name.endsWith(DeltaFile.LORA_A_SUFFIX)) {
        out.add(name.substring(0, name.length() - DeltaFile.LORA_A_SUFFIX.length()));
      }
    }
    return out;
  }

  /**
   * The delta file for the modules of one layer: {@code template} supplies base hash, round,
   * trainer, encoding and metrics; kind, layer, modules and the LoRA settings come from here.
   */
  public DeltaFile toDeltaFile(DeltaMetadata.Builder template, String layer) {
    TreeMap<String, FloatTensor> selected = new TreeMap<>();
    List<String> modules = new ArrayList<>();
    TreeSet<String> shortNames = new TreeSet<>();
    for (String module : modules()) {
      if (module.equals(layer) || module.startsWith(layer + ".")) {
        modules.add(module);
        shortNames.add(module.substring(module.lastIndexOf('.') + 1));
        selected.put(module + DeltaFile.LORA_A_SUFFIX, tensors.get(module + DeltaFile.LORA_A_SUFFIX));
        selected.put(module + DeltaFile.LORA_B_SUFFIX, tensors.get(module + DeltaFile.LORA_B_SUFFIX));
      }
    }
    if (modules.isEmpty()) {
      throw new IllegalArgumentException("the adapter has no module inside layer '" + layer + "'");
    }
    DeltaMetadata m = template.setKind(DeltaKind.LORA).setLayer(layer).setModules(modules)
        .setLora(rank, alpha, new ArrayList<>(shortNames)).build();
    return DeltaFile.of(m, selected);
  }

  /** The LoRA factors of one module as a map entry pair (A, B), or {@code null} when absent. */
  public Map.Entry<FloatTensor, FloatTensor> factors(String module) {
    FloatTensor a = tensors.get(module + DeltaFile.LORA_A_SUFFIX);
    FloatTensor b = tensors.get(module + DeltaFile.LORA_B_SUFFIX);
    return a == null || b == null ? null : Map.entry(a, b);
  }
}
