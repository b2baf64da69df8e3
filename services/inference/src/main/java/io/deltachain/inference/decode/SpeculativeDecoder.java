package io.deltachain.inference.decode;

import io.deltachain.trainer.model.Sampler;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Decoding with a target model and, optionally, a draft (speculative decoding after Leviathan et
 * al. 2023 and Chen et al. 2023).
 *
 * <p>Each round the draft proposes k tokens; the target scores them all in one forward pass
 * (together with the token it has not consumed yet). Proposal i is accepted with probability
 * {@code min(1, p_i(d_i) / q_i(d_i))}; at the first rejection the token is drawn from the
 * normalised residual {@code max(0, p_i - q_i)}; when all k are accepted one more token is drawn
 * from the target's next distribution. Every emitted token is therefore distributed exactly as
 * the target's own sampling would have it. For greedy decoding both distributions are one-hot, so
 * a proposal is accepted exactly when it is the target's arg-max and a rejection emits the
 * arg-max: the output is token for token that of plain greedy decoding.
 *
 * <p>The draft length adapts: an exponential average of the accepted fraction above 0.75 grows k
 * by one (up to {@code maxDraft}), below 0.35 shrinks it (down to 1). All randomness comes from
 * the request's seed, so a request is reproducible, the draft's draws included.
 */
public final class SpeculativeDecoder {
  private final DecoderModel target;
  private final int initialDraft;
  private final int maxDraft;

  /**
   * @param target the model whose distribution the output follows
   * @param initialDraft draft length to start with
   * @param maxDraft longest draft
   */
  public SpeculativeDecoder(DecoderModel target, int initialDraft, int maxDraft) {
    if (initialDraft < 1 || maxDraft < initialDraft) {
      throw new IllegalArgumentException("need 1 <= initial draft length <= max draft length, got "
          + initialDraft + " and " + maxDraft);
    }
    this.target = target;
    this.initialDraft = initialDraft;
    this.maxDraft = maxDraft;
  }

  /**
   * Generates a continuation.
   *
   * @param prompt prompt tokens (at least one)
   * @param maxTokens tokens to generate at most
   * @param sampler sampling settings
   * @param seed seed of every random draw of this request
   * @param drafter the draft, or null for plain decoding with the target alone
   * @param sink receives each token as soon as it is final
   * @param cancelled polled between rounds; true stops early
   * @return statistics (the tokens went to {@code sink})
   */
  public GenerationStats generate(int[] prompt, int maxTokens, Sampler sampler, long seed, Drafter drafter,
      IntConsumer sink, BooleanSupplier cancelled) {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("the prompt must hold at least one token");
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
    }
    if (prompt.length + maxTokens > target.maxPositions()) {
      throw new IllegalArgumentException("prompt (" + prompt.length + " tokens) plus max_tokens " + maxTokens
          + " exceeds the model's " + target.maxPositions() + " positions");
    }
    long start = System.nanoTime();
    int[] seq = Arrays.copyOf(prompt, prompt.length + maxTokens + maxDraft + 1);
    int n = prompt.length;
    int emitted = 0;
    int passes = 0;
    int drafted = 0;
    int accepted = 0;
    int k = initialDraft;
    double rate = 0.5;
    int draftValid = 0;
    String draftError = null;
    SplittableRandom random = new SplittableRandom(seed);
    try (DecoderSession session = target.open()) {
      while (emitted < maxTokens && !cancelled.getAsBoolean()) {
        int remaining = maxTokens - emitted;
        int consumed = session.length();
        if (drafter == null) {
          float[][] rows = session.append(Arrays.copyOfRange(seq, consumed, n));
          passes++;
          int t = sampler.sample(rows[rows.length - 1], random);
          seq[n++] = t;
          emitted++;
          sink.accept(t);
          continue;
        }
        int kNow = Math.max(1, Math.min(k, remaining - 1));
        Proposal p;
        try {
          p = drafter.propose(draftValid, Arrays.copyOfRange(seq, draftValid, n), kNow, sampler, random.nextLong());
        } catch (RuntimeException e) {
          // A lost draft (e.g. its node left the cluster) costs speed, never the answer: the target
          // alone continues from the same state.
          draftError = e.getMessage() == null ? e.toString() : e.getMessage();
          drafter = null;
          continue;
        }
        int[] d = p.tokens();
        int[] verify = new int[n - consumed + kNow];
        System.arraycopy(seq, consumed, verify, 0, n - consumed);
        System.arraycopy(d, 0, verify, n - consumed, kNow);
        float[][] rows = session.append(verify);
        passes++;
        drafted += kNow;
        int base = n - consumed - 1;
        int i = 0;
        int next = -1;
        for (; i < kNow; i++) {
          float[] logits = rows[base + i];
          if (sampler.greedy()) {
            int best = Sampler.argmax(logits);
            if (best != d[i]) {
              next = best;
              break;
            }
          } else {
            double[] pt = sampler.distribution(logits);
            double[] q = p.distributions()[i];
            double ratio = q[d[i]] <= 0 ? 0 : pt[d[i]] / q[d[i]];
            if (random.nextDouble() >= ratio) {
              next = Sampler.draw(residual(pt, q), random);
              break;
            }
          }
        }
        if (i == kNow) {
          next = sampler.sample(rows[base + kNow], random);
        }
        accepted += i;
        // The target keeps the sequence plus the accepted proposals; `next` is consumed next round.
        session.truncate(n + i);
        draftValid = n + Math.min(i, kNow - 1);
        for (int j = 0; j < i; j++) {
          seq[n + j] = d[j];
        }
        seq[n + i] = next;
        int produced = Math.min(i + 1, remaining);
        for (int j = 0; j < produced; j++) {
          sink.accept(seq[n + j]);
        }
        n += i + 1;
        emitted += produced;
        rate = 0.7 * rate + 0.3 * ((double) i / kNow);
        if (rate > 0.75 && k < maxDraft) {
          k++;
        } else if (rate < 0.35 && k > 1) {
          k--;
        }
      }
    }
    return new GenerationStats(emitted, passes, drafted, accepted, drafter == null ? 0 : k, System.nanoTime() - start,
        draftError);
  }

  /** {@code max(0, p - q)}; the target itself where that has no mass (rounding). */
  static double[] residual(double[] p, double[] q) {
    double[] r = new double[p.length];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      r[i] = Math.max(0, p[i] - q[i]);
      sum += r[i];
    }
    return sum > 0 ? r : p;
  }
}
