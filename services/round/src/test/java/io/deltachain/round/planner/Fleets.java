package io.deltachain.round.planner;

import java.util.ArrayList;
import java.util.List;

/**
 * Realistic fleets for planner tests. Throughputs are sustained training FLOP/s at about 40 %
 * of each card's dense bf16/fp16 tensor peak (H100 SXM 989 TF, A100 312 TF, RTX 4090 165 TF,
 * RTX 3090 71 TF, V100 125 TF fp16, RTX 3060 51 TF, RTX 2060 52 TF fp16, GTX 1060 4.4 TF fp32).
 */
final class Fleets {
  static final long GIB = 1L << 30;

  private Fleets() {}

  static WorkerSpec h100(String id) {
    return WorkerSpec.of(id, 80 * GIB, 0.4 * 989e12, "h100");
  }

  static WorkerSpec a100(String id) {
    return WorkerSpec.of(id, 80 * GIB, 0.4 * 312e12, "a100");
  }

  static WorkerSpec a100x40(String id) {
    return WorkerSpec.of(id, 40 * GIB, 0.4 * 312e12, "a100-40");
  }

  static WorkerSpec rtx4090(String id) {
    return WorkerSpec.of(id, 24 * GIB, 0.4 * 165e12, "rtx4090");
  }

  static WorkerSpec rtx3090(String id) {
    return WorkerSpec.of(id, 24 * GIB, 0.4 * 71e12, "rtx3090");
  }

  static WorkerSpec v100(String id) {
    return new WorkerSpec(id, 16 * GIB, 0.4 * 125e12, "v100", false);
  }

  static WorkerSpec rtx3060(String id) {
    return WorkerSpec.of(id, 12 * GIB, 0.4 * 51e12, "rtx3060");
  }

  static WorkerSpec rtx3070(String id) {
    return WorkerSpec.of(id, 8 * GIB, 0.4 * 81e12, "rtx3070");
  }

  static WorkerSpec rtx2060(String id) {
    return new WorkerSpec(id, 6 * GIB, 0.4 * 52e12, "rtx2060", false);
  }

  static WorkerSpec gtx1060(String id) {
    return new WorkerSpec(id, 3 * GIB, 0.4 * 4.4e12, "gtx1060", false);
  }

  /** Qwen3-8B's fleet: 6, 12, 24 and 80 GB cards, plus one too small to train. */
  static List<WorkerSpec> mixedFor8b() {
    List<WorkerSpec> out = new ArrayList<>();
    out.add(h100("h100-a"));
    out.add(rtx4090("4090-a"));
    out.add(rtx4090("4090-b"));
    out.add(rtx3090("3090-a"));
    out.add(rtx3060("3060-a"));
    out.add(rtx3060("3060-b"));
    out.add(rtx3060("3060-c"));
    out.add(rtx2060("2060-a"));
    out.add(rtx2060("2060-b"));
    out.add(rtx2060("2060-c"));
    out.add(gtx1060("1060-a"));
    return out;
  }

  /** A realistic volunteer-plus-datacentre fleet for Llama-3.1-70B. */
  static List<WorkerSpec> fleetFor70b() {
    List<WorkerSpec> out = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      out.add(h100("h100-" + i));
    }
    for (int i = 0; i < 4; i++) {
      out.add(a100x40("a100-40-" + i));
    }
    for (int i = 0; i < 6; i++) {
      out.add(rtx4090("4090-" + i));
    }
    for (int i = 0; i < 4; i++) {
      out.add(rtx3090("3090-" + i));
    }
    for (int i = 0; i < 3; i++) {
      out.add(v100("v100-" + i));
    }
    for (int i = 0; i < 3; i++) {
      out.add(rtx3060("3060-" + i));
    }
    for (int i = 0; i < 2; i++) {
      out.add(rtx3070("3070-" + i));
    }
    for (int i = 0; i < 3; i++) {
      out.add(rtx2060("2060-" + i));
    }
    out.add(gtx1060("1060-0"));
    return out;
  }
}
