package io.deltachain.core.bus;

import io.vertx.core.json.JsonObject;

/**
 * Published by a trainer on {@link TrainerAddresses#PROGRESS} while it works on a task.
 *
 * @param taskId the task
 * @param roundId its round
 * @param trainerAddress the trainer (40 uppercase hex characters)
 * @param step optimizer steps done
 * @param totalSteps steps planned
 * @param tokens tokens processed so far
 * @param lossMicro the latest training loss x 1e6 (fixed point, as on chain)
 */
public record TaskProgress(
    String taskId, String roundId, String trainerAddress, long step, long totalSteps, long tokens, long lossMicro)
    implements BusMessage {
  private static final String MSG = "TaskProgress";

  /** Checks the fields. */
  public TaskProgress {
    BusJson.requireNonBlank(taskId, MSG, "taskId");
    BusJson.requireNonBlank(roundId, MSG, "roundId");
    BusJson.requireAddress(trainerAddress, MSG, "trainerAddress");
    BusJson.requireNonNegative(step, MSG, "step");
    BusJson.requireNonNegative(totalSteps, MSG, "totalSteps");
    if (step > totalSteps) {
      throw new IllegalArgumentException(MSG + ".step " + step + " is past totalSteps " + totalSteps);
    }
    BusJson.requireNonNegative(tokens, MSG, "tokens");
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("taskId", taskId)
        .put("roundId", roundId)
        .put("trainerAddress", trainerAddress)
        .put("step", step)
        .put("totalSteps", totalSteps)
        .put("tokens", tokens)
        .put("lossMicro", lossMicro);
  }

  /** Reads the JSON form; fails naming the bad field. */
  public static TaskProgress fromJson(JsonObject o) {
    return new TaskProgress(
        BusJson.string(o, MSG, "taskId"),
        BusJson.string(o, MSG, "roundId"),
        BusJson.string(o, MSG, "trainerAddress"),
        BusJson.longValue(o, MSG, "step"),
        BusJson.longValue(o, MSG, "totalSteps"),
        BusJson.longValue(o, MSG, "tokens"),
        BusJson.longValue(o, MSG, "lossMicro"));
  }
}
