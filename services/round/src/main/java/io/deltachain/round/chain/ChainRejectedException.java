package io.deltachain.round.chain;

/** The chain refused a transaction (CheckTx or DeliverTx failed); the message says why. */
public final class ChainRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With the chain's reason. */
  public ChainRejectedException(String message) {
    super(message);
  }
}
