package io.deltachain.trainer.train;

/**
 * Dynamic loss scaling for fp16 training (as torch.cuda.amp.GradScaler): the loss is multiplied
 * by the scale before backward, gradients are divided by it before clipping; a step whose
 * gradients overflow is skipped and the scale halved, and after {@code growthInterval} clean
 * steps the scale doubles.
 */
public final class LossScaler {
  private final int growthInterval;
  private double scale;
  private int cleanSteps;
  private long skipped;

  /**
   * Creates a scaler.
   *
   * @param initialScale starting scale (65536 is usual)
   * @param growthInterval clean steps before doubling
   */
  public LossScaler(double initialScale, int growthInterval) {
    if (!(initialScale > 0) || growthInterval <= 0) {
      throw new IllegalArgumentException("loss scale and growth interval must be positive");
    }
    this.scale = initialScale;
    this.growthInterval = growthInterval;
  }

  /** @return the current scale */
  public double scale() {
    return scale;
  }

  /** @return how many steps were skipped for overflow */
  public long skippedSteps() {
    return skipped;
  }

  /**
   * Records the outcome of a step.
   *
   * @param gradientsFinite whether every gradient was finite
   * @return whether the optimizer should apply this step
   */
  public boolean update(boolean gradientsFinite) {
    if (!gradientsFinite) {
      scale = Math.max(1.0, scale / 2);
      cleanSteps = 0;
      skipped++;
      return false;
    }
    if (++cleanSteps >= growthInterval) {
      scale *= 2;
      cleanSteps = 0;
    }
    return true;
  }

  void restore(double scale, int cleanSteps, long skipped) {
    this.scale = scale;
    this.cleanSteps = cleanSteps;
    this.skipped = skipped;
  }

  int cleanSteps() {
    return cleanSteps;
  }
}
