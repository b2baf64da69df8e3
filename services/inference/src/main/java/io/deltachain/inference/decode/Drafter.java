package io.deltachain.inference.decode;

import io.deltachain.trainer.model.Sampler;

/**
 * The draft side of speculative decoding: keeps its own session over the sequence and proposes
 * continuations. Local ({@link ModelDrafter}) or on another node
 * ({@link io.deltachain.inference.remote.EventBusDrafter}).
 */
public interface Drafter extends AutoCloseable {
  /**
   * Rewinds the draft's session to {@code keep} tokens, consumes {@code feed}, then proposes
   * {@code k} tokens one by one (each drawn with {@code sampler} from a random source seeded with
   * {@code seed}).
   *
   * @param keep tokens of the draft's session to keep
   * @param feed tokens to consume after them (at least one)
   * @param k tokens to propose
   * @param sampler the request's sampling settings
   * @param seed seed of this proposal's draws
   * @return the proposal
   */
  Proposal propose(int keep, int[] feed, int k, Sampler sampler, long seed);

  /** @return the draft model's name */
  String name();

  @Override
  void close();
}
