package io.deltachain.trainer.model;

/**
 * Rotary-embedding frequency scaling as Hugging Face configs express it ({@code rope_scaling} or
 * transformers v5 {@code rope_parameters}). Only {@code llama3} changes the frequencies here;
 * {@code default} leaves them as {@code theta^(-2i/d)}.
 *
 * @param type the rope type ({@code "default"} or {@code "llama3"})
 * @param factor the overall scaling factor
 * @param lowFreqFactor llama3 low-frequency factor
 * @param highFreqFactor llama3 high-frequency factor
 * @param originalMaxPositions the context length the base frequencies were trained for
 */
public record RopeScaling(
        String type,
        double factor,
        double lowFreqFactor,
        double highFreqFactor,
        int originalMaxPositions) {

    /** Validates the fields of the supported types. */
    public RopeScaling {
        if (type == null) {
            throw new IllegalArgumentException("rope scaling type is missing");
        }
        if (!type.equals("default") && !type.equals("llama3")) {
            throw new IllegalArgumentException("unsupported rope scaling type '" + type + "' (supported: default, llama3)");
        }
        if (type.equals("llama3")
                && (factor <= 0 || lowFreqFactor <= 0 || highFreqFactor <= lowFreqFactor || originalMaxPositions <= 0)) {
            throw new IllegalArgumentException("llama3 rope scaling needs factor > 0, 0 < low_freq_factor < high_freq_factor"
                    + " and original_max_position_embeddings > 0, got " + this);
        }
    }

    /**
     * Applies the scaling to the base inverse frequencies, exactly as transformers'
     * {@code _compute_llama3_parameters}.
     *
     * @param invFreq base inverse frequencies, modified in place
     */
    public void apply(double[] invFreq) {
        if (!type.equals("llama3")) {
            return;
        }
        double lowWavelen = originalMaxPositions / lowFreqFactor;
        double highWavelen = originalMaxPositions / highFreqFactor;
        for (int i = 0; i < invFreq.length; i++) {
            double inv = invFreq[i];
            double wavelen = 2 * Math.PI / inv;
            if (wavelen > lowWavelen) {
                invFreq[i] = inv / factor;
            } else if (wavelen >= highWavelen) {
                double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                invFreq[i] = (1 - smooth) * inv / factor + smooth * inv;
            }
        }
    }
}
