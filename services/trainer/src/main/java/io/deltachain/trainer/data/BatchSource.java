package io.deltachain.trainer.data;

/**
 * A deterministic, seekable stream of batches: the same source at the same position always yields
 * the same batch, which is what exact resume from a checkpoint relies on.
 */
public interface BatchSource {

  /** @return the next batch */
  Batch next();

  /** @return batches consumed so far */
  long position();

  /**
   * Moves to a position, as if that many batches had been consumed.
   *
   * @param position batches consumed
   */
  void seek(long position);

  /** @return a stable identifier of the data and its order, recorded in checkpoints */
  String fingerprint();
}
