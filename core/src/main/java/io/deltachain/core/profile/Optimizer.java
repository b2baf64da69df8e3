package io.deltachain.core.profile;

/** Optimizers by the fp32 state they keep per trained parameter. */
public enum Optimizer {
  /** AdamW: first and second moments. */
  ADAMW(2),
  /** SGD with momentum: one momentum buffer. */
  SGD_MOMENTUM(1),
  /** Plain SGD: no state. */
  SGD(0);

  private final int statesPerParameter;

  Optimizer(int statesPerParameter) {
    this.statesPerParameter = statesPerParameter;
  }

  /** fp32 values of optimizer state kept per trained parameter. */
  public int statesPerParameter() {
    return statesPerParameter;
  }
}
