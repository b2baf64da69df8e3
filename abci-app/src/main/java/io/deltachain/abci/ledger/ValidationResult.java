package io.deltachain.abci.ledger;

/**
 * The outcome of a validation rule: a {@link TxCode} and a readable reason. Rules return one;
 * they never throw for bad input.
 */
public record ValidationResult(TxCode code, String log) {
  /** Success. */
  public static final ValidationResult OK = new ValidationResult(TxCode.OK, "");

  /** A failure with a reason. */
  public static ValidationResult fail(TxCode code, String log) {
    return new ValidationResult(code, log);
  }

  /** True on success. */
  public boolean ok() {
    return code == TxCode.OK;
  }

  @Override
  public String toString() {
    return ok() ? "OK" : code + ": " + log;
  }
}
