package io.deltachain.core.bus;

import io.vertx.core.json.JsonObject;

/**
 * Published by every trainer on {@link TrainerAddresses#HEARTBEAT} at a fixed interval, so the
 * coordinator's scheduler knows who is alive and free.
 *
 * @param trainerAddress the trainer's node address (40 uppercase hex characters)
 * @param state what the trainer is doing
 * @param device the training device, e.g. {@code "cpu"} or {@code "cuda:NVIDIA H100 80GB"}
 * @param freeMemoryBytes accelerator (or host) memory free for a new task
 * @param taskId the task being worked on, or null when idle
 * @param sentAtMillis the sender's wall clock in epoch milliseconds; for liveness only, never for chain state
 */
public record TrainerHeartbeat(
    String trainerAddress, State state, String device, long freeMemoryBytes, String taskId, long sentAtMillis)
    implements BusMessage {
  private static final String MSG = "TrainerHeartbeat";

  /** What a trainer is doing. */
  public enum State {
    /** Ready for a task. */
    IDLE,
    /** Training a task. */
    TRAINING,
    /** Uploading or submitting a finished delta. */
    SUBMITTING,
    /** Finishing its current work and taking no new tasks. */
    DRAINING
  }

  /** Checks the fields. */
  public TrainerHeartbeat {
    BusJson.requireAddress(trainerAddress, MSG, "trainerAddress");
    BusJson.requireField(state, MSG, "state");
    BusJson.requireNonBlank(device, MSG, "device");
    BusJson.requireNonNegative(freeMemoryBytes, MSG, "freeMemoryBytes");
  }

  @Override
  public JsonObject toJson() {
    JsonObject o = new JsonObject()
        .put("trainerAddress", trainerAddress)
        .put("state", state.name())
        .put("device", device)
        .put("freeMemoryBytes", freeMemoryBytes)
        .put("sentAtMillis", sentAtMillis);
    if (taskId != null) {
      o.put("taskId", taskId);
    }
    return o;
  }

  /** Reads the JSON form; fails naming the bad field. */
  public static TrainerHeartbeat fromJson(JsonObject o) {
    return new TrainerHeartbeat(
        BusJson.string(o, MSG, "trainerAddress"),
        BusJson.enumValue(o, MSG, "state", State.class),
        BusJson.string(o, MSG, "device"),
        BusJson.longValue(o, MSG, "freeMemoryBytes"),
        BusJson.optString(o, MSG, "taskId"),
        BusJson.longValue(o, MSG, "sentAtMillis"));
  }
}
