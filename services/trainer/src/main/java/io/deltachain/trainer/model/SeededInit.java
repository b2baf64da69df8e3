package io.deltachain.trainer.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Random initial tensors that are the same on every device: drawn from the CPU generator seeded
 * per tensor, then moved to the model's device. CUDA's generator gives other numbers for the same
 * seed, and a validator on a CPU rebuilds a {@code random:<seed>} base or a trainer's initial
 * LoRA A (replay spot-checks) and must get the bits the trainer on a GPU started from.
 */
final class SeededInit {
  private SeededInit() {
  }

  /** normal(0, std) of the shape, on {@code target}'s device and attached to it. */
  static NDArray normal(NDManager target, int seed, float std, Shape shape) {
    return onTarget(target, seed, cpu -> cpu.randomNormal(0f, std, shape, DataType.FLOAT32));
  }

  /** uniform(low, high) of the shape, on {@code target}'s device and attached to it. */
  static NDArray uniform(NDManager target, int seed, float low, float high, Shape shape) {
    return onTarget(target, seed, cpu -> cpu.randomUniform(low, high, shape, DataType.FLOAT32));
  }

  private static NDArray onTarget(NDManager target, int seed, java.util.function.Function<NDManager, NDArray> draw) {
    Engine.getInstance().setRandomSeed(seed);
    try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
      NDArray values = draw.apply(cpu);
      NDArray out = values.toDevice(target.getDevice(), true);
      out.attach(target);
      return out;
    }
  }
}
