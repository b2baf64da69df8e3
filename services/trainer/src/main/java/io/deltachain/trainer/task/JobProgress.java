package io.deltachain.trainer.task;

import io.vertx.core.json.JsonObject;

/**
 * A progress report of a running job.
 *
 * @param taskId the task
 * @param step completed optimizer steps
 * @param totalSteps steps planned
 * @param loss training loss of the last step
 * @param tokensPerSecond throughput so far
 * @param etaSeconds estimated seconds left
 */
public record JobProgress(String taskId, int step, int totalSteps, double loss, double tokensPerSecond,
    double etaSeconds) {

  /** @return event-bus JSON */
  public JsonObject toJson() {
    return new JsonObject().put("taskId", taskId).put("step", step).put("totalSteps", totalSteps)
        .put("loss", loss).put("tokensPerSecond", tokensPerSecond).put("etaSeconds", etaSeconds);
  }
}
