package io.deltachain.validator.replay;

import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.delta.DeltaKind;
import io.deltachain.core.delta.ValueEncoding;
import io.deltachain.core.replay.StateLayout;
import io.deltachain.core.tensor.FloatTensor;
import io.deltachain.core.tensor.HalfFloats;
import io.deltachain.validator.delta.DenseTensor;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Ties a delta to its trace: the delta must be exactly what the trace's final state trained.
 * Without it a trainer could publish an honest trace and submit another delta. A LoRA delta's
 * factors must equal the final state's adapter weights; a dense delta must equal the final
 * weights minus the base weights (float32 subtraction, as the trainer computes it). Values are
 * compared after rounding the expected value to the delta's encoding (fp32, fp16, bf16), so the
 * comparison is exact. Block-quantised (int8, int4, nf4) and sparse deltas cannot be compared
 * exactly; for them the binding is not checked and says so.
 */
public final class FinalStateBinding {
  private final DeltaFile delta;
  private final SortedMap<String, DenseTensor> base;
  private final String notChecked;

  private FinalStateBinding(DeltaFile delta, SortedMap<String, DenseTensor> base, String notChecked) {
    this.delta = delta;
    this.base = base;
    this.notChecked = notChecked;
  }

  /**
   * The binding of one delta.
   *
   * @param delta the delta file as submitted
   * @param baseWeights the base tensors of the delta's layer (used for dense deltas)
   */
  public static FinalStateBinding of(DeltaFile delta, SortedMap<String, DenseTensor> baseWeights) {
    ValueEncoding enc = delta.metadata().encoding();
    String why = null;
    if (delta.metadata().kind() == DeltaKind.SPARSE) {
      why = "sparse deltas are not compared with the final state";
    } else if (enc != ValueEncoding.FP32 && enc != ValueEncoding.FP16 && enc != ValueEncoding.BF16) {
      why = enc.wireName() + "-encoded deltas are not compared with the final state";
    }
    return new FinalStateBinding(delta, new TreeMap<>(baseWeights), why);
  }

  /** No binding (a trace checked on its own). */
  public static FinalStateBinding none() {
    return new FinalStateBinding(null, new TreeMap<>(), "no delta given");
  }

  /** Why the binding is not checked, or null when it is. */
  public String notChecked() {
    return notChecked;
  }

  /**
   * Compares the delta with the trace's final state.
   *
   * @return null when they agree (or the binding is not checked), else what differs
   */
  public String mismatch(float[] finalState, StateLayout layout) {
    if (notChecked != null) {
      return null;
    }
    boolean lora = delta.metadata().kind() == DeltaKind.LORA;
    String layer = delta.metadata().layer();
    Map<String, FloatTensor> tensors = delta.tensors();
    for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
      String name = e.getKey();
      float[] got = e.getValue().data();
      StateLayout.Section s = layout.section(name);
      if (s == null || s.kind() != StateLayout.Kind.WEIGHT) {
        if (lora) {
          return "the delta has " + name + ", which the run's state does not train";
        }
        // a dense delta may carry tensors its run never unfroze (STAGED); they must be zero
        for (int i = 0; i < got.length; i++) {
          if (got[i] != 0f) {
            return String.format(Locale.ROOT, "%s[%d] is %s in the delta, but the run never trains %s", name, i, got[i], name);
          }
        }
        continue;
      }
      if (s.length() != got.length) {
        return name + " has " + got.length + " values in the delta, " + s.length() + " in the final state";
      }
      float[] before = null;
      if (!lora) {
        DenseTensor b = base.get(name);
        if (b == null || b.values().length != got.length) {
          return "no base weights of " + name + " to compare the dense delta with";
        }
        before = b.values();
      }
      for (int i = 0; i < got.length; i++) {
        float expected = finalState[s.offset() + i];
        if (before != null) {
          expected = expected - before[i];
        }
        expected = rounded(expected);
        if (!Float.isFinite(expected)) {
          // a NaN must never bind to a NaN: such a run trained nothing a delta could stand for
          return String.format(Locale.ROOT, "the trace's final state gives %s for %s[%d], not a finite value", expected, name, i);
        }
        if (!(got[i] == expected)) {
          return String.format(Locale.ROOT, "%s[%d] is %s in the delta, %s per the trace's final state", name, i, got[i],
              expected);
        }
      }
    }
    for (StateLayout.Section s : layout.sections(StateLayout.Kind.WEIGHT)) {
      if (s.name().startsWith(layer + ".") && !tensors.containsKey(s.name())) {
        return "the run trains " + s.name() + ", which the delta of " + layer + " leaves out";
      }
    }
    return null;
  }

  private float rounded(float v) {
    return switch (delta.metadata().encoding()) {
      case FP16 -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(v));
      case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(v));
      default -> v;
    };
  }
}
