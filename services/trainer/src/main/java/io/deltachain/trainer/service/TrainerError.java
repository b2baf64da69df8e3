package io.deltachain.trainer.service;

/** Failure codes of trainer event-bus replies ({@code message.fail(code, reason)}). */
public enum TrainerError {
  /** The request is malformed. */
  BAD_REQUEST(400),
  /** The node cannot run this task (memory, profile, base checkpoint, precision). */
  CANNOT_RUN(422),
  /** The node is already training. */
  BUSY(409),
  /** No such task on this node. */
  UNKNOWN_TASK(404);

  private final int code;

  TrainerError(int code) {
    this.code = code;
  }

  /** @return the numeric code */
  public int code() {
    return code;
  }
}
