package io.deltachain.round.data;

import java.math.BigInteger;
import java.util.Map;

/** The checksums that tell real card numbers and IBANs from random digit runs. */
public final class PiiChecks {
  /** IBAN lengths by country (ISO 13616 registry), for the countries most often seen. */
  private static final Map<String, Integer> IBAN_LENGTHS = Map.ofEntries(
      Map.entry("AD", 24), Map.entry("AT", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("CH", 21),
      Map.entry("CY", 28), Map.entry("CZ", 24), Map.entry("DE", 22), Map.entry("DK", 18), Map.entry("EE", 20),
      Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FR", 27), Map.entry("GB", 22), Map.entry("GR", 27),
      Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IS", 26), Map.entry("IT", 27),
      Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20), Map.entry("LV", 21), Map.entry("MC", 27),
      Map.entry("MT", 31), Map.entry("NL", 18), Map.entry("NO", 15), Map.entry("PL", 28), Map.entry("PT", 25),
      Map.entry("RO", 24), Map.entry("SE", 24), Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27),
      Map.entry("TR", 26), Map.entry("UA", 29));
  private static final BigInteger NINETY_SEVEN = BigInteger.valueOf(97);

  private PiiChecks() {}

  /** Whether the digits pass the Luhn (mod 10) check. */
  public static boolean luhn(String digits) {
    int sum = 0;
    boolean doubleIt = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      int d = c - '0';
      if (doubleIt) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      doubleIt = !doubleIt;
    }
    return !digits.isEmpty() && sum % 10 == 0;
  }

  /**
   * Whether the digits look like a payment card: 13-19 digits, a prefix of a major network
   * (Visa, Mastercard, American Express, Discover, JCB, Diners, UnionPay, Maestro) with a length
   * that network issues, and a valid Luhn check digit.
   */
  public static boolean paymentCard(String digits) {
    int n = digits.length();
    if (n < 13 || n > 19 || !luhn(digits)) {
      return false;
    }
    int p2 = Integer.parseInt(digits.substring(0, 2));
    int p3 = Integer.parseInt(digits.substring(0, 3));
    int p4 = Integer.parseInt(digits.substring(0, 4));
    int p6 = Integer.parseInt(digits.substring(0, 6));
    if (digits.charAt(0) == '4') {
      return n == 13 || n == 16 || n == 19; // Visa
    }
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) {
      return n == 16; // Mastercard
    }
    if (p2 == 34 || p2 == 37) {
      return n == 15; // American Express
    }
    if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) {
      return n >= 16; // Discover
    }
    if (p4 >= 3528 && p4 <= 3589) {
      return n >= 16; // JCB
    }
    if (p2 == 36 || p2 == 38 || p2 == 39 || (p3 >= 300 && p3 <= 305) || p3 == 309) {
      return n >= 14; // Diners Club
    }
    if (p2 == 62) {
      return n >= 16; // UnionPay
    }
    if (p2 == 50 || (p2 >= 56 && p2 <= 69)) {
      return n >= 12; // Maestro
    }
    return false;
  }

  /**
   * Whether the text (spaces removed, upper case) is an IBAN: two letters, two check digits,
   * the country's registered length (15-34 for countries not in the table), and the ISO 7064
   * mod-97 remainder 1.
   */
  public static boolean iban(String compact) {
    int n = compact.length();
    if (n < 15 || n > 34 || !compact.matches("[A-Z]{2}\\d{2}[A-Z0-9]+")) {
      return false;
    }
    Integer expected = IBAN_LENGTHS.get(compact.substring(0, 2));
    if (expected != null && expected != n) {
      return false;
    }
    String rearranged = compact.substring(4) + compact.substring(0, 4);
    StringBuilder numeric = new StringBuilder();
    for (char c : rearranged.toCharArray()) {
      if (Character.isDigit(c)) {
        numeric.append(c);
      } else {
        numeric.append(c - 'A' + 10);
      }
    }
    return new BigInteger(numeric.toString()).mod(NINETY_SEVEN).intValue() == 1;
  }

  /**
   * Whether the text is an IPv6 address in any standard textual form (RFC 4291 section 2.2):
   * eight groups of 1-4 hex digits, or fewer with one {@code ::}, optionally ending in an IPv4
   * address; at least two groups must be written, so that a bare {@code ::} in prose is not one.
   */
  public static boolean ipv6(String text) {
    String s = text;
    int groupsNeeded = 8;
    int lastColon = s.lastIndexOf(':');
    if (s.indexOf('.') >= 0) {
      String tail = s.substring(lastColon + 1);
      if (!ipv4(tail)) {
        return false;
      }
      s = s.substring(0, lastColon + 1) + "0:0";
    }
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
      return false;
    }
    String[] parts;
    int written;
    if (dbl >= 0) {
      String left = s.substring(0, dbl);
      String right = s.substring(dbl + 2);
      String[] l = left.isEmpty() ? new String[0] : left.split(":", -1);
      String[] r = right.isEmpty() ? new String[0] : right.split(":", -1);
      written = l.length + r.length;
      if (written > groupsNeeded - 1 || written < 2) {
        return false;
      }
      parts = new String[written];
      System.arraycopy(l, 0, parts, 0, l.length);
      System.arraycopy(r, 0, parts, l.length, r.length);
    } else {
      parts = s.split(":", -1);
      if (parts.length != groupsNeeded) {
        return false;
      }
    }
    for (String g : parts) {
      if (g.isEmpty() || g.length() > 4 || !g.matches("[0-9A-Fa-f]+")) {
        return false;
      }
    }
    return true;
  }

  /** Whether the text is a dotted-quad IPv4 address (each part 0-255, no leading zeros beyond "0"). */
  public static boolean ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)
          || (p.length() > 1 && p.charAt(0) == '0') || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }
}
