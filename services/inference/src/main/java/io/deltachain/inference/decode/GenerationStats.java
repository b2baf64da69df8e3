package io.deltachain.inference.decode;

/**
 * What one generation did.
 *
 * @param emitted tokens produced
 * @param targetPasses forward passes of the target model (the prompt's prefill included)
 * @param drafted tokens the draft proposed
 * @param accepted proposed tokens the target accepted
 * @param finalDraftLength the adaptive draft length at the end (0 without speculation)
 * @param nanos wall time
 * @param draftError why the draft was dropped mid-generation (the target finished alone), or null
 */
public record GenerationStats(int emitted, int targetPasses, int drafted, int accepted, int finalDraftLength,
    long nanos, String draftError) {

  /** @return accepted / drafted (0 without speculation) */
  public double acceptanceRate() {
    return drafted == 0 ? 0 : (double) accepted / drafted;
  }

  /** @return emitted tokens per target forward pass */
  public double tokensPerTargetPass() {
    return targetPasses == 0 ? 0 : (double) emitted / targetPasses;
  }

  /** @return the statistics as JSON for the API */
  public io.vertx.core.json.JsonObject toJson() {
    return new io.vertx.core.json.JsonObject().put("tokens", emitted).put("target_passes", targetPasses)
        .put("drafted", drafted).put("accepted", accepted).put("acceptance_rate", acceptanceRate())
        .put("tokens_per_target_pass", tokensPerTargetPass()).put("draft_length", finalDraftLength)
        .put("seconds", nanos / 1e9).put("tokens_per_second", tokensPerSecond())
        .put("draft_error", draftError);
  }

  /** @return emitted tokens per second */
  public double tokensPerSecond() {
    return nanos == 0 ? 0 : emitted / (nanos / 1e9);
  }
}
