package io.deltachain.core.bus;

/**
 * Event-bus addresses of the trainer service's API. Services may override any of them through
 * configuration (see {@link BusAddresses#resolve}).
 */
public final class TrainerAddresses {
  /**
   * Prefix of the per-trainer task-offer address; see {@link #taskOfferFor}. Request
   * {@link TaskOffer}, reply {@link TaskOfferReply}.
   */
  public static final String TASK_OFFER = "trainer.task.offer";
  /** Published {@link TrainerHeartbeat} by every trainer at a fixed interval. */
  public static final String HEARTBEAT = "trainer.heartbeat";
  /** Published {@link TaskProgress} while a trainer works on a task. */
  public static final String PROGRESS = "trainer.progress";

  private TrainerAddresses() {}

  /**
   * The address one trainer takes task offers on: {@code trainer.task.offer.<ADDRESS HEX>},
   * so the coordinator offers each task to the trainer the plan assigned it to.
   */
  public static String taskOfferFor(String trainerAddressHex) {
    BusAddresses.requireSegment(trainerAddressHex, "trainer address");
    return TASK_OFFER + "." + trainerAddressHex;
  }
}
