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
   * Most tokens a draft distribution keeps. The draft samples from its own distribution cut to its
   * {@value} most likely tokens (renormalised): the rejection scheme is exact for whatever
   * distribution the draft really sampled from, so the output still follows the target, while a
   * remote draft sends at most this many probabilities per token instead of the whole vocabulary
   * (150k entries for Qwen-size vocabularies). The acceptance rate loses at most the draft's mass
   * outside the cut.
   */
  public static final int MAX_SUPPORT = 256;

  /**
   * A distribution cut to its {@code max} largest entries (the lower id first on ties),
   * renormalised; returned unchanged when it has no more than {@code max} non-zero entries.
   */
  public static double[] capSupport(double[] p, int max) {
    int nonZero = 0;
    for (double x : p) {
      if (x > 0) {
        nonZero++;
      }
    }
    if (nonZero <= max) {
      return p;
    }
    // the max largest by a bounded min-heap (smallest on top; on equal mass the higher id leaves first)
    java.util.PriorityQueue<Integer> heap = new java.util.PriorityQueue<>(max + 1,
        (a, b) -> p[a] != p[b] ? Double.compare(p[a], p[b]) : Integer.compare(b, a));
    for (int i = 0; i < p.length; i++) {
      if (p[i] > 0) {
        heap.add(i);
        if (heap.size() > max) {
          heap.poll();
        }
      }
    }
    double[] out = new double[p.length];
    double kept = 0;
    for (int i : heap) {
      kept += p[i];
    }
    for (int i : heap) {
      out[i] = p[i] / kept;
    }
    return out;
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
        dists[i] = capSupport(sampler.distribution(logits), MAX_SUPPORT);
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
