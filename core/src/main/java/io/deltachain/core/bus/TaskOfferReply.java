package io.deltachain.core.bus;

import io.vertx.core.json.JsonObject;

/**
 * A trainer's answer to a {@link TaskOffer}.
 *
 * @param taskId the offered task
 * @param accepted whether the trainer takes it
 * @param reason why it declined (null when accepted)
 */
public record TaskOfferReply(String taskId, boolean accepted, String reason) implements BusMessage {
  private static final String MSG = "TaskOfferReply";

  /** Checks the fields. */
  public TaskOfferReply {
    BusJson.requireNonBlank(taskId, MSG, "taskId");
    if (!accepted) {
      BusJson.requireNonBlank(reason, MSG, "reason");
    }
  }

  /** The trainer takes the task. */
  public static TaskOfferReply accept(String taskId) {
    return new TaskOfferReply(taskId, true, null);
  }

  /** The trainer declines, saying why. */
  public static TaskOfferReply decline(String taskId, String reason) {
    return new TaskOfferReply(taskId, false, reason);
  }

  @Override
  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("taskId", taskId).put("accepted", accepted);
    if (reason != null) {
      o.put("reason", reason);
    }
    return o;
  }

  /** Reads the JSON form; fails naming the bad field. */
  public static TaskOfferReply fromJson(JsonObject o) {
    return new TaskOfferReply(BusJson.string(o, MSG, "taskId"), BusJson.bool(o, MSG, "accepted"), BusJson.optString(o, MSG, "reason"));
  }
}
