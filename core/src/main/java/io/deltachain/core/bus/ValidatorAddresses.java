package io.deltachain.core.bus;

/**
 * Event-bus addresses of the validator service's API. Services may override any of them through
 * configuration (see {@link BusAddresses#resolve}).
 */
public final class ValidatorAddresses {
  /** Published {@link VerdictPublished} once a validator's verdict transaction is committed. */
  public static final String VERDICT_PUBLISHED = "validator.verdict.published";

  private ValidatorAddresses() {}
}
