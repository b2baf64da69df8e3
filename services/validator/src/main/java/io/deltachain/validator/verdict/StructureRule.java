package io.deltachain.validator.verdict;

import static io.deltachain.validator.verdict.ValidationResult.invalid;

import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LoraFactors;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Check 1: the delta's metadata and tensor shapes against the round's plan on chain. Costs no
 * arithmetic on the values, so it runs first.
 */
public final class StructureRule implements DeltaRule {

  @Override
  public ValidationResult check(DeltaUnderReview d, CheckContext ctx, Evidence evidence) {
    RoundPlan plan = ctx.plan();
    if (!plan.roundId().equals(d.roundId())) {
      return invalid(ReasonCode.ROUND_MISMATCH, "delta is for round '" + d.roundId() + "', plan is round '" + plan.roundId() + "'");
    }
    TrainerAssignment a = plan.assignments().get(d.trainer());
    if (a == null) {
      return invalid(ReasonCode.NOT_ASSIGNED, "trainer " + d.trainer() + " has no assignment in round " + plan.roundId());
    }
    int index = LayerLayout.layerIndex(d.layer());
    if (index < a.firstLayer() || index > a.lastLayer()) {
      return invalid(ReasonCode.LAYER_NOT_ASSIGNED, "layer '" + d.layer() + "' (index " + index + ") is outside the assigned range "
          + a.firstLayer() + ".." + a.lastLayer());
    }
    if (d.mode() != a.mode()) {
      return invalid(ReasonCode.MODE_MISMATCH, "mode " + d.mode() + " but the assignment says " + a.mode());
    }
    if (a.isLora() && d.loraRank() != a.loraRank()) {
      return invalid(ReasonCode.RANK_MISMATCH, "LoRA rank " + d.loraRank() + " but the assignment says " + a.loraRank());
    }
    if (d.shardIndex() != a.shardIndex()) {
      return invalid(ReasonCode.SHARD_MISMATCH, "shard " + d.shardIndex() + " but the assignment says " + a.shardIndex());
    }
    String base = plan.baseCheckpoints().get(d.layer());
    if (base == null) {
      return invalid(ReasonCode.BASE_CHECKPOINT_MISMATCH, "the plan names no base checkpoint for layer " + d.layer());
    }
    if (!base.equals(d.baseHash())) {
      return invalid(ReasonCode.BASE_CHECKPOINT_MISMATCH, "delta is built on " + d.baseHash() + " but the plan's base for "
          + d.layer() + " is " + base);
    }
    if (!ctx.policy().allowedEncodings().contains(d.encoding())) {
      return invalid(ReasonCode.ENCODING_UNSUPPORTED, "encoding '" + d.encoding() + "' is not one of " + ctx.policy().allowedEncodings());
    }
    if (d.declaredBytes() != d.fileBytes()) {
      return invalid(ReasonCode.SIZE_MISMATCH, "transaction declares " + d.declaredBytes() + " bytes, the file has " + d.fileBytes());
    }
    if (d.fileBytes() > ctx.policy().maxDeltaBytes()) {
      return invalid(ReasonCode.SIZE_LIMIT_EXCEEDED, "file of " + d.fileBytes() + " bytes exceeds the limit of " + ctx.policy().maxDeltaBytes());
    }
    return checkTensors(d, a, ctx.layout().shapes(d.layer()));
  }

  private static ValidationResult checkTensors(DeltaUnderReview d, TrainerAssignment a, SortedMap<String, int[]> layout) {
    SortedSet<String> names = new TreeSet<>();
    if (d.payload() instanceof DeltaPayload.Dense dense) {
      if (a.isLora()) {
        return invalid(ReasonCode.MODE_MISMATCH, "assignment is " + a.mode() + " but the file holds dense tensors");
      }
      names.addAll(dense.tensors().keySet());
    } else if (d.payload() instanceof DeltaPayload.Lora lora) {
      if (!a.isLora()) {
        return invalid(ReasonCode.MODE_MISMATCH, "assignment is " + a.mode() + " but the file holds LoRA factors");
      }
      names.addAll(lora.factors().keySet());
    }
    for (String name : names) {
      if (!layout.containsKey(name)) {
        return invalid(ReasonCode.TARGET_MODULES_MISMATCH, "tensor '" + name + "' is not a weight of layer " + d.layer());
      }
    }
    SortedSet<String> modules = new TreeSet<>();
    names.forEach(n -> modules.add(LayerLayout.moduleOf(n)));
    SortedSet<String> expected = new TreeSet<>();
    if (a.targetModules().isEmpty()) {
      layout.keySet().forEach(n -> expected.add(LayerLayout.moduleOf(n)));
    } else {
      expected.addAll(a.targetModules());
    }
    if (!modules.equals(expected)) {
      return invalid(ReasonCode.TARGET_MODULES_MISMATCH, "delta touches modules " + modules + ", the assignment targets " + expected);
    }
    if (d.payload() instanceof DeltaPayload.Dense dense) {
      for (Map.Entry<String, DenseTensor> e : dense.tensors().entrySet()) {
        int[] want = layout.get(e.getKey());
        if (!e.getValue().sameShape(want)) {
          return invalid(ReasonCode.SHAPE_MISMATCH, "tensor '" + e.getKey() + "' has shape " + Arrays.toString(e.getValue().shape())
              + ", the layer needs " + Arrays.toString(want));
        }
      }
    } else if (d.payload() instanceof DeltaPayload.Lora lora) {
      for (Map.Entry<String, LoraFactors> e : lora.factors().entrySet()) {
        int[] w = layout.get(e.getKey());
        LoraFactors f = e.getValue();
        if (w.length != 2) {
          return invalid(ReasonCode.SHAPE_MISMATCH, "LoRA on '" + e.getKey() + "' which is not a matrix");
        }
        if (f.rank() != a.loraRank()) {
          return invalid(ReasonCode.RANK_MISMATCH, "'" + e.getKey() + "' has LoRA rank " + f.rank() + ", the assignment says " + a.loraRank());
        }
        int[] wantA = {a.loraRank(), w[1]};
        int[] wantB = {w[0], a.loraRank()};
        if (!f.loraA().sameShape(wantA) || !f.loraB().sameShape(wantB)) {
          return invalid(ReasonCode.SHAPE_MISMATCH, "'" + e.getKey() + "' lora_A " + Arrays.toString(f.loraA().shape()) + " / lora_B "
              + Arrays.toString(f.loraB().shape()) + ", expected " + Arrays.toString(wantA) + " / " + Arrays.toString(wantB));
        }
      }
    }
    return ValidationResult.valid();
  }
}
