package io.deltachain.trainer.model;

/**
 * Every size and option of a Llama-family decoder; nothing in the model code is hard-coded.
 * Built from a core {@code ModelProfile} (or a Hugging Face {@code config.json}) for real models.
 *
 * @param name profile name, for messages and metadata
 * @param vocabSize vocabulary size
 * @param hiddenSize model width
 * @param intermediateSize SwiGLU inner width
 * @param numLayers decoder layers
 * @param numHeads query heads
 * @param numKvHeads key/value heads (grouped-query attention when fewer than query heads)
 * @param headDim width of one head (Qwen3 sets it independently of hidden / heads)
 * @param rmsNormEps epsilon of every RMSNorm
 * @param ropeTheta rotary base
 * @param ropeScaling optional frequency scaling (null for none)
 * @param maxPositions longest supported context
 * @param tieWordEmbeddings whether the output head reuses the token embedding
 * @param qkNorm whether attention applies RMSNorm to each query/key head before RoPE (Qwen3)
 * @param initStd standard deviation of the normal initialisation of fresh weights
 */
public record ModelSpec(
        String name,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        int maxPositions,
        boolean tieWordEmbeddings,
        boolean qkNorm,
        double initStd) {

    /** Checks that the sizes fit together. */
    public ModelSpec {
        requirePositive("vocab_size", vocabSize);
        requirePositive("hidden_size", hiddenSize);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("num_hidden_layers", numLayers);
        requirePositive("num_attention_heads", numHeads);
        requirePositive("num_key_value_heads", numKvHeads);
        requirePositive("head_dim", headDim);
        requirePositive("max_position_embeddings", maxPositions);
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numHeads
                    + ") must be a multiple of num_key_value_heads (" + numKvHeads + ") in " + name);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even for rotary embeddings, got " + headDim + " in " + name);
        }
        if (!(rmsNormEps > 0) || !(ropeTheta > 0) || !(initStd > 0)) {
            throw new IllegalArgumentException("rms_norm_eps, rope_theta and init std must be positive in " + name);
        }
    }

    private static void requirePositive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    /**
     * Number of parameters of the dense model.
     *
     * @return the parameter count
     */
    public long parameterCount() {
        long h = hiddenSize;
        long q = (long) numHeads * headDim;
        long kv = (long) numKvHeads * headDim;
        long perLayer = h * q + 2 * h * kv + q * h + 3 * h * intermediateSize + 2 * h + (qkNorm ? 2L * headDim : 0);
        long embed = (long) vocabSize * h;
        return embed + (tieWordEmbeddings ? 0 : embed) + numLayers * perLayer + h;
    }

    /**
     * A small spec for tests and benchmarks, with head_dim = hidden / heads.
     *
     * @param name name
     * @param vocab vocabulary size
     * @param hidden width
     * @param intermediate MLP width
     * @param layers layers
     * @param heads query heads
     * @param kvHeads kv heads
     * @param maxPositions context length
     * @return the spec, with rope theta 10000, eps 1e-5, tied embeddings, no QK-norm
     */
    public static ModelSpec simple(String name, int vocab, int hidden, int intermediate, int layers, int heads,
            int kvHeads, int maxPositions) {
        return new ModelSpec(name, vocab, hidden, intermediate, layers, heads, kvHeads, hidden / heads, 1e-5, 10000.0,
                null, maxPositions, true, false, 0.02);
    }

    /**
     * Returns a copy with QK-norm switched on or off.
     *
     * @param enabled whether to use QK-norm
     * @return the new spec
     */
    public ModelSpec withQkNorm(boolean enabled) {
        return new ModelSpec(name, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
                rmsNormEps, ropeTheta, ropeScaling, maxPositions, tieWordEmbeddings, enabled, initStd);
    }

    /**
     * Returns a copy with tied or separate output head.
     *
     * @param tied whether lm_head reuses embed_tokens
     * @return the new spec
     */
    public ModelSpec withTiedEmbeddings(boolean tied) {
        return new ModelSpec(name, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
                rmsNormEps, ropeTheta, ropeScaling, maxPositions, tied, qkNorm, initStd);
    }

    /**
     * Returns a copy with the given rope scaling.
     *
     * @param scaling the scaling, or null
     * @return the new spec
     */
    public ModelSpec withRopeScaling(RopeScaling scaling) {
        return new ModelSpec(name, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
                rmsNormEps, ropeTheta, scaling, maxPositions, tieWordEmbeddings, qkNorm, initStd);
    }
}
