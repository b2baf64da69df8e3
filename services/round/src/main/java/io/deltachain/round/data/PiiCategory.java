package io.deltachain.round.data;

/** Kinds of personal data the filter finds, with the placeholder that replaces each. */
public enum PiiCategory {
  /** E-mail addresses. */
  EMAIL("[EMAIL]"),
  /** Payment card numbers (13-19 digits, a known network prefix, valid Luhn check digit). */
  PAYMENT_CARD("[CARD]"),
  /** IBANs (country code, check digits, valid ISO 13616 mod-97 checksum). */
  IBAN("[IBAN]"),
  /** IPv6 addresses (before IPv4, so an embedded IPv4 tail is part of it). */
  IPV6("[IP]"),
  /** IPv4 addresses. */
  IPV4("[IP]"),
  /** Telephone numbers (international, NANP, and trunk-prefixed national forms). */
  PHONE("[PHONE]"),
  /** Terms on the operator's blocklist. */
  BLOCKLISTED("[BLOCKED]");

  private final String placeholder;

  PiiCategory(String placeholder) {
    this.placeholder = placeholder;
  }

  /** The text that replaces a masked occurrence. */
  public String placeholder() {
    return placeholder;
  }
}
