package io.deltachain.core.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reads from a {@link ConfigView} that never throw midway: each accessor returns the
 * value (or its default when the value is absent or bad) and records what was wrong, so a
 * record's {@code from} can read every key and then call {@link #throwIfInvalid()} once.
 *
 * <p>Values must have the right JSON type: a port is a number, not the text {@code "8080"}.
 * (Environment text is converted by the loader before it gets here.)
 */
public final class ConfigReader {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)?", Pattern.CASE_INSENSITIVE);

  private final ConfigView view;
  private final Set<ConfigProblem> problems = new LinkedHashSet<>();

  ConfigReader(ConfigView view) {
    this.view = view;
  }

  /** Problems recorded so far, in order. */
  public List<ConfigProblem> problems() {
    return new ArrayList<>(problems);
  }

  /** Whether nothing was wrong so far. */
  public boolean isValid() {
    return problems.isEmpty();
  }

  /**
   * Throws if any accessor recorded a problem.
   *
   * @throws ConfigException listing every problem
   */
  public void throwIfInvalid() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems());
    }
  }

  /** Records a problem found by a record's own rule (e.g. two settings that conflict). */
  public void problem(String key, String problem) {
    problems.add(new ConfigProblem(key, problem, view.contains(key) ? view.source(key) : null));
  }

  /** Adds problems found elsewhere (another record's reader). */
  public void addAll(List<ConfigProblem> more) {
    problems.addAll(more);
  }

  /** Text, or the default when absent. */
  public String string(String key, String defaultValue) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof String s) {
      return s;
    }
    return wrongType(key, "text", v, defaultValue);
  }

  /** Non-blank text; a missing key is a problem. */
  public String requiredString(String key) {
    Object v = raw(key);
    if (v == null) {
      if (view.loadProblem(key) == null && !blocked(key)) {
        problems.add(new ConfigProblem(key, "is required but missing", null));
      }
      return null;
    }
    if (!(v instanceof String s)) {
      return wrongType(key, "text", v, null);
    }
    if (s.isBlank()) {
      return fail(key, "must not be blank", null);
    }
    return s;
  }

  /** Non-blank text, or the default when absent. */
  public String nonBlank(String key, String defaultValue) {
    String s = string(key, defaultValue);
    if (s != null && s.isBlank()) {
      return fail(key, "must not be blank", defaultValue);
    }
    return s;
  }

  /** A host name or address: non-blank, no spaces. */
  public String host(String key, String defaultValue) {
    String s = string(key, defaultValue);
    if (s != null && (s.isBlank() || s.chars().anyMatch(Character::isWhitespace))) {
      return fail(key, "must be a host name or address without spaces, got '" + s + "'", defaultValue);
    }
    return s;
  }

  /** {@code true} or {@code false}, or the default when absent. */
  public boolean bool(String key, boolean defaultValue) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    return wrongType(key, "true or false", v, defaultValue);
  }

  /** An integer in {@code [min, max]}, or the default when absent. */
  public int integer(String key, int defaultValue, int min, int max) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Integer || v instanceof Long || v instanceof BigInteger)) {
      return wrongType(key, "an integer", v, defaultValue);
    }
    Number n = (Number) v;
    if (!(v instanceof Integer) || n.intValue() < min || n.intValue() > max) {
      return fail(key, "must be between " + min + " and " + max + ", got " + v, defaultValue);
    }
    return n.intValue();
  }

  /** A TCP port to listen on, 0-65535 (0 asks the OS for a free port). */
  public int port(String key, int defaultValue) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Integer || v instanceof Long || v instanceof BigInteger)) {
      return wrongType(key, "a port number", v, defaultValue);
    }
    if (!(v instanceof Integer port) || port < 0 || port > 65_535) {
      return fail(key, "must be a port 0-65535, got " + v, defaultValue);
    }
    return port;
  }

  /**
   * A byte size, zero or more: a number, or text with a unit ({@code 512}, {@code 64MiB},
   * {@code 1GB}; KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of 1024).
   */
  public long size(String key, long defaultValue) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Integer || v instanceof Long) {
      long n = ((Number) v).longValue();
      if (n < 0) {
        return fail(key, "must not be negative, got " + n, defaultValue);
      }
      return n;
    }
    if (v instanceof String s) {
      Matcher m = SIZE.matcher(s.strip());
      if (!m.matches()) {
        return fail(key, "must be a size in bytes such as 1048576 or 64MiB, got '" + s + "'", defaultValue);
      }
      try {
        long n = Long.parseLong(m.group(1));
        return Math.multiplyExact(n, unit(m.group(2)));
      } catch (NumberFormatException | ArithmeticException e) {
        return fail(key, "is too large: '" + s + "'", defaultValue);
      }
    }
    if (v instanceof Number n && n.doubleValue() < 0) {
      return fail(key, "must not be negative, got " + v, defaultValue);
    }
    return wrongType(key, "a size in bytes (a whole number, or text such as 64MiB)", v, defaultValue);
  }

  /** An http or https URL with a host, or the default when absent. */
  public URI httpUrl(String key, String defaultValue) {
    String s = string(key, null);
    if (s == null) {
      return uriOrNull(defaultValue);
    }
    try {
      URI uri = new URI(s.strip());
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        return fail(key, "must be an http:// or https:// URL, got '" + s + "'", uriOrNull(defaultValue));
      }
      if (uri.getHost() == null) {
        return fail(key, "is a malformed URL (no host): '" + s + "'", uriOrNull(defaultValue));
      }
      if (uri.getPort() == 0 || uri.getPort() > 65_535) {
        return fail(key, "has a port outside 1-65535: '" + s + "'", uriOrNull(defaultValue));
      }
      return uri;
    } catch (URISyntaxException e) {
      return fail(key, "is a malformed URL: " + e.getMessage(), uriOrNull(defaultValue));
    }
  }

  /** A file-system path, or the default when absent. */
  public Path path(String key, Path defaultValue) {
    String s = string(key, null);
    if (s == null) {
      return defaultValue;
    }
    if (s.isBlank()) {
      return fail(key, "must be a path, got an empty string", defaultValue);
    }
    try {
      return Path.of(s);
    } catch (InvalidPathException e) {
      return fail(key, "is not a valid path: " + e.getMessage(), defaultValue);
    }
  }

  /**
   * A list of {@code host:port} addresses: a JSON array of strings or one comma-separated
   * string; empty when absent.
   */
  public List<HostPort> hostPorts(String key) {
    Object v = raw(key);
    if (v == null) {
      return List.of();
    }
    List<String> entries = new ArrayList<>();
    if (v instanceof String s) {
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          entries.add(part.strip());
        }
      }
    } else if (v instanceof JsonArray array) {
      for (Object o : array) {
        if (!(o instanceof String s)) {
          return fail(key, "must be a list of \"host:port\" strings, got an entry " + describe(o), List.of());
        }
        entries.add(s);
      }
    } else {
      return wrongType(key, "a list of \"host:port\" strings", v, List.of());
    }
    List<HostPort> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      try {
        out.add(HostPort.parse(entries.get(i)));
      } catch (IllegalArgumentException e) {
        fail(key, "entry " + i + ": " + e.getMessage(), null);
      }
    }
    return List.copyOf(out);
  }

  private static URI uriOrNull(String s) {
    return s == null ? null : URI.create(s);
  }

  private static long unit(String unit) {
    if (unit == null) {
      return 1;
    }
    return switch (unit.toUpperCase(Locale.ROOT)) {
      case "B" -> 1L;
      case "KB" -> 1_000L;
      case "MB" -> 1_000_000L;
      case "GB" -> 1_000_000_000L;
      case "TB" -> 1_000_000_000_000L;
      case "KIB" -> 1L << 10;
      case "MIB" -> 1L << 20;
      case "GIB" -> 1L << 30;
      case "TIB" -> 1L << 40;
      default -> throw new IllegalArgumentException(unit);
    };
  }

  /** The value at a key, or null; records a problem when the key cannot hold a value. */
  private Object raw(String key) {
    ConfigProblem loadProblem = view.loadProblem(key);
    if (loadProblem != null) {
      problems.add(loadProblem);
      return null;
    }
    ConfigView.Lookup found = view.lookup(key);
    if (found.blockedAt() != null) {
      Object blocker = view.lookup(found.blockedAt()).value();
      problems.add(new ConfigProblem(found.blockedAt(),
          "must be an object of settings, got " + describe(blocker),
          view.source(found.blockedAt())));
      return null;
    }
    return found.value();
  }

  private boolean blocked(String key) {
    return view.lookup(key).blockedAt() != null;
  }

  private <T> T wrongType(String key, String expected, Object value, T fallback) {
    return fail(key, "must be " + expected + ", got " + describe(value), fallback);
  }

  private <T> T fail(String key, String problem, T fallback) {
    problems.add(new ConfigProblem(key, problem, view.source(key)));
    return fallback;
  }

  private static String describe(Object value) {
    if (value instanceof String s) {
      return "text \"" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "\"";
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    if (value instanceof JsonArray) {
      return "a list";
    }
    if (value instanceof Boolean) {
      return "boolean " + value;
    }
    return "number " + value;
  }
}
