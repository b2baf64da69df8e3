package io.deltachain.inference.decode;

import io.deltachain.trainer.model.Sampler;
import java.util.SplittableRandom;

/** A drafter running a {@link DecoderModel} in this process. */
public final class ModelDrafter implements Drafter {
  private final DecoderModel model;
  private final DecoderSession session;

  /** @param model the draft model; a session is opened on it */
  public ModelDrafter(DecoderModel model) {
    this.model = model;
    this.session = model.open();
  }

  @Override
  public Proposal propose(int keep, int[] feed, int k, Sampler sampler, long seed) {
    return propose(session, keep, feed, k, sampler, seed);
  }

  /**
   * The drafting step on any session (shared with the remote draft service).
   *
   * @param session the draft's session
   * @param keep tokens of the session to keep
   * @param feed tokens to consume next
   * @param k tokens to propose
   * @param sampler sampling settings
   * @param seed seed of the draws
   * @return the proposal
   */
  public static Proposal propose(DecoderSession session, int keep, int[] feed, int k, Sampler sampler, long seed) {
    if (k < 1) {
      throw new IllegalArgumentException("a proposal needs k >= 1, got " + k);
    }
    session.truncate(keep);
    float[][] rows = session.append(feed);
    float[] logits = rows[rows.length - 1];
    SplittableRandom random = new SplittableRandom(seed);
    int[] tokens = new int[k];
    double[][] dists = new double[k][];
    for (int i = 0; i < k; i++) {
      if (sampler.greedy()) {
        tokens[i] = Sampler.argmax(logits);
      } else {
        dists[i] = sampler.distribution(logits);
        tokens[i] = Sampler.draw(dists[i], random);
      }
      // The last proposal is consumed with the next feed, so it needs no forward pass now.
      if (i < k - 1) {
        logits = session.append(new int[] {tokens[i]})[0];
      }
    }
    return new Proposal(tokens, dists);
  }

  @Override
  public String name() {
    return model.name();
  }

  @Override
  public void close() {
    session.close();
  }
}
