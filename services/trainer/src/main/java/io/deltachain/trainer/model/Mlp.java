package io.deltachain.trainer.model;

import io.deltachain.core.profile.ModelProfile;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/** The SwiGLU feed-forward block: {@code down(silu(gate(x)) * up(x))}. */
public final class Mlp extends ContextBlock {
  private final Projection gate;
  private final Projection up;
  private final Projection down;

  Mlp(NDManager manager, ModelProfile spec, int layer, int seed) {
    String prefix = "model.layers." + layer + ".mlp.";
    int h = spec.hiddenSize();
    int i = spec.intermediateSize();
    gate = addChildBlock("gate_proj", new Projection(manager, prefix + "gate_proj", "gate_proj", layer, h, i,
        CausalLm.initStd(spec), seed + 5));
    up = addChildBlock("up_proj", new Projection(manager, prefix + "up_proj", "up_proj", layer, h, i,
        CausalLm.initStd(spec), seed + 6));
    down = addChildBlock("down_proj", new Projection(manager, prefix + "down_proj", "down_proj", layer, i, h,
        CausalLm.initStd(spec), seed + 7));
  }

  Projection[] projections() {
    return new Projection[] {gate, up, down};
  }

  @Override
  NDArray apply(ForwardContext ctx, NDArray x) {
    NDArray g = gate.apply(ctx, x);
    // DJL has no fused SiLU; x * sigmoid(x) is two ops with the same gradient.
    NDArray act = g.mul(Activation.sigmoid(g));
    return down.apply(ctx, act.mul(up.apply(ctx, x)));
  }
}
