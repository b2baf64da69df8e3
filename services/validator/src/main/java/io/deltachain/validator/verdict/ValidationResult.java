package io.deltachain.validator.verdict;

import java.util.Objects;

/**
 * The outcome of one rule: valid, or invalid with a reason code and a message that names what
 * was wrong (for logs and the verdict's audit trail; the chain carries only the code).
 */
public final class ValidationResult {
  private static final ValidationResult VALID = new ValidationResult(null, "");

  private final ReasonCode reason;
  private final String message;

  private ValidationResult(ReasonCode reason, String message) {
    this.reason = reason;
    this.message = message;
  }

  /** A passing result. */
  public static ValidationResult valid() {
    return VALID;
  }

  /** A failing result. */
  public static ValidationResult invalid(ReasonCode reason, String message) {
    return new ValidationResult(Objects.requireNonNull(reason, "reason"), Objects.requireNonNull(message, "message"));
  }

  /** Whether the rule passed. */
  public boolean isValid() {
    return reason == null;
  }

  /** The reason, or null when valid. */
  public ReasonCode reason() {
    return reason;
  }

  /** What was wrong; empty when valid. */
  public String message() {
    return message;
  }

  @Override
  public String toString() {
    return isValid() ? "valid" : reason + ": " + message;
  }
}
