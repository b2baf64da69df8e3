package io.deltachain.round.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PiiFilterTest {
  private final PiiFilter filter = PiiFilter.masking(List.of("Project Nightingale", "acme-internal"));

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Contact jean.dupont@europarl.europa.eu for details. | Contact [EMAIL] for details.",
      "Mail a.b+tag@sub.example.co.uk. | Mail [EMAIL].",
      "Pay with 4111 1111 1111 1111 today | Pay with [CARD] today",
      "card 5500-0000-0000-0004 expired | card [CARD] expired",
      "Amex 378282246310005 on file | Amex [CARD] on file",
      "Card: 4012888888881881 exp 12/27 | Card: [CARD] exp 12/27",
      "ref 12 4111 1111 1111 1111 | ref 12 [CARD]",
      "IBAN GB82 WEST 1234 5698 7654 32 please | IBAN [IBAN] please",
      "to DE89370400440532013000. | to [IBAN].",
      "FR14 2004 1010 0505 0001 3M02 606 AND more | [IBAN] AND more",
      "server 192.168.1.20 answered | server [IP] answered",
      "from 10.0.0.1:8080 today | from [IP]:8080 today",
      "host 2001:db8::8a2e:370:7334 is up | host [IP] is up",
      "link-local fe80::1ff:fe23:4567:890a. | link-local [IP].",
      "mapped ::ffff:192.0.2.128 here | mapped [IP] here",
      "call +44 20 7946 0958 now | call [PHONE] now",
      "US office +1 (415) 555-2671. | US office [PHONE].",
      "or (415) 555-2671 or 415-555-2671 or 415.555.2671 | or [PHONE] or [PHONE] or [PHONE]",
      "London 020 7946 0958 | London [PHONE]",
      "mobile +33 6 12 34 56 78, or 06 12 34 56 78 | mobile [PHONE], or [PHONE]",
      "the project nightingale files | the [BLOCKED] files",
      "see ACME-INTERNAL docs | see [BLOCKED] docs"})
  @DisplayName("personal data is masked")
  void masksPositives(String input, String expected) {
    assertThat(filter.filter(input).text()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "a card-like run failing Luhn: 4111 1111 1111 1112",
      "order number 1234567812345670 shipped",
      "ISBN 978-3-16-148410-0 is a book",
      "bad checksum GB82 WEST 1234 5698 7654 33",
      "on 2024-01-15 at 12:30:45 we met",
      "dated 15.03.2024 and 01.02.2024",
      "version 1.2.3 and pi 3.14159",
      "the years 1999-2000 and 2000-2004",
      "EUR 1 234 567 and 1,000,000 votes",
      "COM(1999) 493 - C5-0266/1999 - 1999/0208(COD)",
      "Report A5-0123/2000 by Mr Smith",
      "not an address 999.1.1.1 nor 1.2.3",
      "user@localhost and @handle are not e-mail addresses",
      "std::vector<int> and a ratio of 3:2",
      "The vote will take place at 12 noon on 15 March 2000.",
      "nightingales sing; the project is public",
      "Le débat est clos. Die Aussprache ist geschlossen."})
  @DisplayName("look-alikes are left alone")
  void leavesNegatives(String input) {
    PiiFilter.Result r = filter.filter(input);
    assertThat(r.text()).isEqualTo(input);
    assertThat(r.counts()).isEmpty();
  }

  @Test
  @DisplayName("checksums: Luhn, card networks, IBAN mod-97, IP parsing")
  void checks() {
    assertThat(PiiChecks.luhn("79927398713")).isTrue();
    assertThat(PiiChecks.luhn("79927398710")).isFalse();
    assertThat(PiiChecks.luhn("1234567812345670")).isTrue();
    assertThat(PiiChecks.paymentCard("1234567812345670")).as("valid Luhn but no card network").isFalse();
    assertThat(PiiChecks.paymentCard("4111111111111111")).isTrue();
    assertThat(PiiChecks.iban("GB82WEST12345698765432")).isTrue();
    assertThat(PiiChecks.iban("GB82WEST1234569876543")).as("wrong length for GB").isFalse();
    assertThat(PiiChecks.iban("NL91ABNA0417164300")).isTrue();
    assertThat(PiiChecks.ipv4("255.255.255.255")).isTrue();
    assertThat(PiiChecks.ipv4("256.1.1.1")).isFalse();
    assertThat(PiiChecks.ipv4("01.2.3.4")).isFalse();
    assertThat(PiiChecks.ipv6("2001:0db8:0000:0000:0000:ff00:0042:8329")).isTrue();
    assertThat(PiiChecks.ipv6("1::2::3")).isFalse();
    assertThat(PiiChecks.ipv6("12:30:45")).isFalse();
  }

  @Test
  @DisplayName("the report counts findings per category over a round's documents")
  void reportCounts() {
    PiiFilter.Filtered out = filter.filterAll(List.of(
        "write to a@example.org or b@example.org",
        "call +44 20 7946 0958",
        "nothing personal here",
        "card 4111 1111 1111 1111 and IBAN DE89 3704 0044 0532 0130 00 from 192.0.2.1"));
    PiiReport report = out.report();
    assertThat(report.documents()).isEqualTo(4);
    assertThat(report.dropped()).isZero();
    assertThat(report.count(PiiCategory.EMAIL)).isEqualTo(2);
    assertThat(report.count(PiiCategory.PHONE)).isEqualTo(1);
    assertThat(report.count(PiiCategory.PAYMENT_CARD)).isEqualTo(1);
    assertThat(report.count(PiiCategory.IBAN)).isEqualTo(1);
    assertThat(report.count(PiiCategory.IPV4)).isEqualTo(1);
    assertThat(report.toJson().getJsonObject("counts").getLong("email")).isEqualTo(2);
    assertThat(report.toJson().getJsonObject("counts").getLong("blocklisted")).isZero();
    assertThat(out.documents()).hasSize(4).contains("nothing personal here");
  }

  @Test
  @DisplayName("a category set to drop removes the whole document and says so")
  void dropDocuments() {
    PiiFilter dropping = PiiFilter.create(Map.of(PiiCategory.PAYMENT_CARD, PiiFilter.Action.DROP_DOCUMENT), List.of());
    PiiFilter.Filtered out = dropping.filterAll(List.of("card 4111111111111111", "mail x@example.com", "plain"));
    assertThat(out.documents()).containsExactly("mail [EMAIL]", "plain");
    assertThat(out.report().dropped()).isEqualTo(1);
    assertThat(out.report().count(PiiCategory.PAYMENT_CARD)).isEqualTo(1);
  }

  @Test
  @DisplayName("a blank blocklist term is refused")
  void blankTerm() {
    assertThatThrownBy(() -> PiiFilter.masking(List.of("ok", " "))).hasMessageContaining("must not be blank");
  }
}
