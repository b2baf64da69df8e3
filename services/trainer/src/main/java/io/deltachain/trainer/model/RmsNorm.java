package io.deltachain.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * RMSNorm as in Llama and Qwen3: {@code w * (x * rsqrt(mean(x^2) + eps))}, normalised in fp32
 * and cast back to the input dtype before the multiply by the plain (not 1+w) weight.
 */
public final class RmsNorm extends AbstractBlock {
    private final Parameter weight;
    private final float eps;

    RmsNorm(NDManager manager, int dim, double eps) {
        this.eps = (float) eps;
        this.weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.GAMMA)
                .optArray(manager.ones(new Shape(dim), DataType.FLOAT32))
                .build());
    }

    /** @return the scale parameter */
    public Parameter weight() {
        return weight;
    }

    NDArray apply(ForwardContext ctx, NDArray x) {
        DataType inType = x.getDataType();
        NDArray xf = inType == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray inv = xf.square().mean(new int[] {-1}, true).add(eps).pow(-0.5f);
        NDArray normed = xf.mul(inv);
        if (inType != DataType.FLOAT32) {
            normed = normed.toType(inType, false);
        }
        return normed.mul(ctx.value(weight));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        ForwardContext ctx = new ForwardContext(ps, x.getManager(), training, x.getDataType(), null, null, null, null);
        return new NDList(apply(ctx, x));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // The weight is created initialised (ones), there are no children.
    }
}
