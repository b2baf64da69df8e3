package io.deltachain.round.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds personal data in a document and masks it (or drops the document), before any trainer
 * sees it.
 *
 * <p>Every finding is checked, not just pattern-matched: a card number must carry a known
 * network prefix and length and pass the Luhn check, an IBAN must have its country's length
 * and pass the mod-97 check, an IP address must parse. So order numbers, ISBNs and other digit
 * runs stay as they are. Phone numbers have no checksum; the filter takes international numbers
 * ({@code +} and 8-15 digits), North American numbers written with parentheses, hyphens or dots
 * ({@code (415) 555-2671}), and trunk-prefixed national numbers with one consistent separator
 * ({@code 020 7946 0958}); dates and plain numbers do not have those shapes.
 *
 * <p>Where findings overlap, the earlier category in {@link PiiCategory} order wins (an IBAN's
 * digits are not also a phone number). Blocklisted terms match whole words, case-insensitively.
 */
public final class PiiFilter {
  /** What to do with a finding. */
  public enum Action {
    /** Replace it with the category's placeholder. */
    MASK,
    /** Drop the whole document. */
    DROP_DOCUMENT
  }

  private static final Pattern EMAIL = Pattern.compile(
      "(?<![\\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
          + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,24}(?![\\w-])");
  private static final Pattern IBAN = Pattern.compile(
      "(?<![A-Za-z0-9])[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])");
  private static final Pattern CARD = Pattern.compile("(?<![\\d.,])\\d(?:[ -]?\\d){11,22}(?![\\d]|[.,]\\d)");
  private static final Pattern IPV6 = Pattern.compile(
      "(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\\d{1,3}\\.){3}\\d{1,3}|[0-9A-Fa-f]{1,4})?"
          + "(?![0-9A-Za-z:]|\\.\\d)");
  private static final Pattern IPV4 = Pattern.compile("(?<![\\d.])(?:\\d{1,3}\\.){3}\\d{1,3}(?!\\d|\\.\\d)");
  private static final Pattern PHONE_INTERNATIONAL = Pattern.compile(
      "(?<![\\w+])\\+\\d{1,3}(?:[ .-]?\\(?\\d{1,5}\\)?){1,6}(?!\\w)");
  private static final Pattern PHONE_NANP = Pattern.compile(
      "(?<![\\w(])(?:\\(\\d{3}\\) ?\\d{3}[ .-]|\\d{3}-\\d{3}-|\\d{3}\\.\\d{3}\\.)\\d{4}(?![\\w])");
  private static final Pattern PHONE_TRUNK = Pattern.compile(
      "(?<![\\w.,/-])0\\d{1,4}([ .-])\\d{2,4}(?:\\1\\d{2,4}){1,3}(?![\\w]|[.,/-]\\d)");

  private final Map<PiiCategory, Action> actions;
  private final Pattern blocklist;

  private PiiFilter(Map<PiiCategory, Action> actions, Pattern blocklist) {
    this.actions = actions;
    this.blocklist = blocklist;
  }

  /** A filter that masks every category and blocks these terms (none when empty). */
  public static PiiFilter masking(Collection<String> blocklistedTerms) {
    return create(new EnumMap<>(PiiCategory.class), blocklistedTerms);
  }

  /**
   * A filter with an action per category (MASK for those not given) and a blocklist.
   *
   * @throws IllegalArgumentException for a blank blocklist term
   */
  public static PiiFilter create(Map<PiiCategory, Action> actions, Collection<String> blocklistedTerms) {
    Map<PiiCategory, Action> a = new EnumMap<>(PiiCategory.class);
    for (PiiCategory c : PiiCategory.values()) {
      a.put(c, actions.getOrDefault(c, Action.MASK));
    }
    Pattern block = null;
    if (blocklistedTerms != null && !blocklistedTerms.isEmpty()) {
      for (String t : blocklistedTerms) {
        if (t == null || t.isBlank()) {
          throw new IllegalArgumentException("blocklist terms must not be blank");
        }
      }
      String alternatives = blocklistedTerms.stream()
          .map(String::strip).distinct()
          .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
          .map(Pattern::quote)
          .collect(Collectors.joining("|"));
      block = Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + alternatives + ")(?![\\p{L}\\p{N}])",
          Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }
    return new PiiFilter(a, block);
  }

  /** One finding: where, and of which kind. */
  public record Finding(PiiCategory category, int start, int end) {}

  /** A filtered document: its new text (null when dropped) and what was found. */
  public record Result(String text, boolean dropped, Map<PiiCategory, Integer> counts) {
    /** Copies the counts. */
    public Result {
      counts = Map.copyOf(counts);
    }

    /** How many findings of this category. */
    public int count(PiiCategory c) {
      return counts.getOrDefault(c, 0);
    }
  }

  /** Every finding in the text, in order, without overlaps. */
  public List<Finding> find(String text) {
    List<Finding> all = new ArrayList<>();
    collect(all, PiiCategory.EMAIL, EMAIL, text, m -> true);
    collectIbans(all, text);
    collectCards(all, text);
    collect(all, PiiCategory.IPV6, IPV6, text, m -> PiiChecks.ipv6(m.group()));
    collect(all, PiiCategory.IPV4, IPV4, text, m -> PiiChecks.ipv4(m.group()));
    collect(all, PiiCategory.PHONE, PHONE_INTERNATIONAL, text, m -> digitCount(m.group(), 8, 15));
    collect(all, PiiCategory.PHONE, PHONE_NANP, text, m -> true);
    collect(all, PiiCategory.PHONE, PHONE_TRUNK, text, m -> digitCount(m.group(), 9, 12));
    if (blocklist != null) {
      collect(all, PiiCategory.BLOCKLISTED, blocklist, text, m -> true);
    }
    // earlier categories first, then by position: keep a finding only if it overlaps none kept
    all.sort(Comparator.comparingInt((Finding f) -> f.category().ordinal()).thenComparingInt(Finding::start));
    List<Finding> kept = new ArrayList<>();
    for (Finding f : all) {
      boolean overlaps = kept.stream().anyMatch(k -> f.start() < k.end() && k.start() < f.end());
      if (!overlaps) {
        kept.add(f);
      }
    }
    kept.sort(Comparator.comparingInt(Finding::start));
    return kept;
  }

  /** Filters one document. */
  public Result filter(String text) {
    Objects.requireNonNull(text, "text");
    List<Finding> findings = find(text);
    Map<PiiCategory, Integer> counts = new EnumMap<>(PiiCategory.class);
    boolean drop = false;
    StringBuilder out = new StringBuilder(text.length());
    int at = 0;
    for (Finding f : findings) {
      counts.merge(f.category(), 1, Integer::sum);
      if (actions.get(f.category()) == Action.DROP_DOCUMENT) {
        drop = true;
      }
      out.append(text, at, f.start()).append(f.category().placeholder());
      at = f.end();
    }
    out.append(text, at, text.length());
    return new Result(drop ? null : out.toString(), drop, counts);
  }

  /** Filters documents, keeping those not dropped, and reports what it found. */
  public Filtered filterAll(List<String> documents) {
    PiiReport report = new PiiReport();
    List<String> kept = new ArrayList<>(documents.size());
    for (String d : documents) {
      Result r = filter(d);
      report.add(r);
      if (!r.dropped()) {
        kept.add(r.text());
      }
    }
    return new Filtered(kept, report);
  }

  /** Documents after filtering, and the report. */
  public record Filtered(List<String> documents, PiiReport report) {}

  private interface Check {
    boolean ok(Matcher m);
  }

  private static void collect(List<Finding> out, PiiCategory c, Pattern p, String text, Check check) {
    Matcher m = p.matcher(text);
    while (m.find()) {
      if (check.ok(m)) {
        out.add(new Finding(c, m.start(), m.end()));
      }
    }
  }

  private static void collectIbans(List<Finding> out, String text) {
    Matcher m = IBAN.matcher(text);
    while (m.find()) {
      // the pattern may run on into a following code word; try shorter endings too
      String candidate = m.group();
      for (int end = candidate.length(); end >= 15; end--) {
        if (end < candidate.length() && candidate.charAt(end) != ' ') {
          continue;
        }
        String compact = candidate.substring(0, end).replace(" ", "");
        if (PiiChecks.iban(compact)) {
          out.add(new Finding(PiiCategory.IBAN, m.start(), m.start() + end));
          break;
        }
      }
    }
  }

  private static void collectCards(List<Finding> out, String text) {
    Matcher m = CARD.matcher(text);
    while (m.find()) {
      // a card may sit inside a longer run of digit groups: try group-aligned slices, longest first
      String run = m.group();
      List<int[]> groups = new ArrayList<>();
      int i = 0;
      while (i < run.length()) {
        int j = i;
        while (j < run.length() && Character.isDigit(run.charAt(j))) {
          j++;
        }
        groups.add(new int[] {i, j});
        i = j + 1;
      }
      Finding best = null;
      for (int a = 0; a < groups.size() && best == null; a++) {
        for (int b = groups.size() - 1; b >= a; b--) {
          String digits = run.substring(groups.get(a)[0], groups.get(b)[1]).replaceAll("[ -]", "");
          if (digits.length() >= 13 && digits.length() <= 19 && PiiChecks.paymentCard(digits)) {
            best = new Finding(PiiCategory.PAYMENT_CARD, m.start() + groups.get(a)[0], m.start() + groups.get(b)[1]);
            break;
          }
        }
      }
      if (best != null) {
        out.add(best);
      }
    }
  }

  private static boolean digitCount(String s, int min, int max) {
    long n = s.chars().filter(Character::isDigit).count();
    return n >= min && n <= max;
  }
}
