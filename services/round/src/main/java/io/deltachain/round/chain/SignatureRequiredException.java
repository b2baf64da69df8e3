package io.deltachain.round.chain;

/**
 * The chain credits a delta to the key that signed it, so the coordinator cannot submit one on a
 * trainer's behalf: the trainer must sign the SubmitDelta itself and the service relays it.
 */
public final class SignatureRequiredException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With what the caller should do instead. */
  public SignatureRequiredException(String message) {
    super(message);
  }
}
