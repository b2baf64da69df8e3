package io.deltachain.trainer.train;

/**
 * What one optimizer step did.
 *
 * @param step 1-based index of the completed step
 * @param loss mean training loss over its micro-batches
 * @param gradNorm global gradient norm before clipping (after unscaling)
 * @param learningRate rate used
 * @param tokens tokens processed in the step
 * @param applied false when fp16 overflow made the step skip the update
 */
public record StepResult(int step, double loss, double gradNorm, double learningRate, long tokens, boolean applied) {
}
