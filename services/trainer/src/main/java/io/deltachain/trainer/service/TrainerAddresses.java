package io.deltachain.trainer.service;

/** Event-bus addresses of the trainer service. Per-node addresses end with the node's hex address. */
public final class TrainerAddresses {
  /** Published once at start: the node's capabilities (JSON). */
  public static final String NODE_REGISTERED = "trainer.node.registered";
  /** Published periodically: {@code {node, busy, taskId, step}}. */
  public static final String HEARTBEAT = "trainer.node.heartbeat";
  /** Progress of running tasks: {@code {taskId, step, totalSteps, loss, tokensPerSecond, etaSeconds}}. */
  public static final String PROGRESS = "trainer.task.progress";
  /** A task finished: deltas uploaded and submitted. */
  public static final String COMPLETED = "trainer.task.completed";
  /** A task failed or was cancelled. */
  public static final String FAILED = "trainer.task.failed";

  private TrainerAddresses() {
  }

  /**
   * Where a node takes task offers (request/reply: accepted, or failed with a reason).
   *
   * @param nodeAddressHex the node's address
   * @return the address
   */
  public static String taskOffer(String nodeAddressHex) {
    return "trainer." + nodeAddressHex + ".task.offer";
  }

  /**
   * Where a node takes cancel requests ({@code {taskId}}).
   *
   * @param nodeAddressHex the node's address
   * @return the address
   */
  public static String taskCancel(String nodeAddressHex) {
    return "trainer." + nodeAddressHex + ".task.cancel";
  }
}
