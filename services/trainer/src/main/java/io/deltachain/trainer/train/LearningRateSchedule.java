package io.deltachain.trainer.train;

/**
 * Linear warmup from 0 to the peak over {@code warmupSteps}, then cosine decay to the minimum at
 * {@code totalSteps}. A pure function of the step, so a resumed run continues the same curve.
 *
 * @param peak peak learning rate
 * @param minimum final learning rate
 * @param warmupSteps warmup length
 * @param totalSteps schedule length
 */
public record LearningRateSchedule(double peak, double minimum, int warmupSteps, int totalSteps) {

  /** Validates the schedule. */
  public LearningRateSchedule {
    if (!(peak > 0) || minimum < 0 || minimum > peak) {
      throw new IllegalArgumentException("learning rate needs 0 <= minimum <= peak and peak > 0, got peak " + peak
          + ", minimum " + minimum);
    }
    if (warmupSteps < 0 || totalSteps <= 0) {
      throw new IllegalArgumentException("warmup must be >= 0 and total steps > 0");
    }
  }

  /**
   * The rate for a 0-based optimizer step.
   *
   * @param step the step
   * @return the learning rate
   */
  public double at(int step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / (warmupSteps + 1);
    }
    int decaySteps = Math.max(1, totalSteps - warmupSteps);
    double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
    return minimum + 0.5 * (peak - minimum) * (1 + Math.cos(Math.PI * progress));
  }
}
