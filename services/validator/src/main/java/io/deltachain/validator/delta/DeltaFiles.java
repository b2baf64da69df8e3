package io.deltachain.validator.delta;

import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.delta.DeltaKind;
import io.deltachain.core.delta.SparseTensor;
import io.deltachain.core.tensor.FloatTensor;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Adapts core's {@link DeltaFile} (the on-disk delta format: dense, LoRA or sparse tensors with
 * their metadata) to the validator's in-memory view. LoRA modules {@code M} with
 * {@code M.lora_A.weight} and {@code M.lora_B.weight} become factor pairs keyed by the weight they
 * update, {@code M.weight}; sparse top-k tensors are expanded to dense ones.
 */
public final class DeltaFiles {
  private DeltaFiles() {}

  /** Dense tensors of a DENSE or SPARSE delta file, keyed by weight name. */
  public static SortedMap<String, DenseTensor> denseTensors(DeltaFile file) {
    SortedMap<String, DenseTensor> out = new TreeMap<>();
    if (file.metadata().kind() == DeltaKind.SPARSE) {
      for (Map.Entry<String, SparseTensor> e : file.sparseTensors().entrySet()) {
        out.put(e.getKey(), new DenseTensor(intShape(e.getValue().shape()), e.getValue().vector().toDense()));
      }
      return out;
    }
    if (file.metadata().kind() != DeltaKind.DENSE) {
      throw new IllegalArgumentException("delta file holds " + file.metadata().kind().wireName() + " tensors, not dense ones");
    }
    for (Map.Entry<String, FloatTensor> e : file.tensors().entrySet()) {
      out.put(e.getKey(), toDense(e.getValue()));
    }
    return out;
  }

  /** LoRA factor pairs of a LORA delta file, keyed by the weight they update ({@code M.weight}). */
  public static SortedMap<String, LoraFactors> loraFactors(DeltaFile file) {
    if (file.metadata().kind() != DeltaKind.LORA) {
      throw new IllegalArgumentException("delta file holds " + file.metadata().kind().wireName() + " tensors, not LoRA factors");
    }
    SortedMap<String, LoraFactors> out = new TreeMap<>();
    for (String name : file.tensors().keySet()) {
      if (!name.endsWith(DeltaFile.LORA_A_SUFFIX)) {
        continue;
      }
      String module = name.substring(0, name.length() - DeltaFile.LORA_A_SUFFIX.length());
      FloatTensor b = file.tensors().get(module + DeltaFile.LORA_B_SUFFIX);
      if (b == null) {
        throw new IllegalArgumentException("LoRA module " + module + " has lora_A but no lora_B");
      }
      out.put(module + ".weight", new LoraFactors(toDense(file.tensors().get(name)), toDense(b), file.metadata().loraAlpha()));
    }
    return out;
  }

  private static DenseTensor toDense(FloatTensor t) {
    return new DenseTensor(intShape(t.shape()), t.data());
  }

  private static int[] intShape(long[] shape) {
    int[] s = new int[shape.length];
    for (int d = 0; d < s.length; d++) {
      s[d] = Math.toIntExact(shape[d]);
    }
    return s;
  }
}
