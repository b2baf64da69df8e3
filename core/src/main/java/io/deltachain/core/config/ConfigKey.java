package io.deltachain.core.config;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A setting a record reads: its dotted key and the kind of value, which tells the loader how
 * to turn an environment variable's text into JSON.
 *
 * @param path the dotted key, lowercase words joined by '-' ({@code delta-store.http.port})
 * @param kind the kind of value
 */
public record ConfigKey(String path, Kind kind) {
  private static final Pattern PATH = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*");

  /** How a value is written in JSON and parsed from environment text. */
  public enum Kind {
    /** Text. */
    STRING,
    /** A 32-bit integer (ports, counts). */
    INTEGER,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** A JSON array of strings; in the environment, comma-separated. */
    LIST,
    /** A byte size: a number, or text with a unit ({@code 64MiB}, {@code 1GB}). */
    SIZE
  }

  /** Validates the key's spelling. */
  public ConfigKey {
    Objects.requireNonNull(kind, "kind");
    if (path == null || !PATH.matcher(path).matches()) {
      throw new IllegalArgumentException(
          "config key must be lowercase dotted words such as delta-store.http.port, got '" + path + "'");
    }
  }

  /** A key of this kind. */
  public static ConfigKey of(String path, Kind kind) {
    return new ConfigKey(path, kind);
  }

  /** The environment variable that overrides this key: prefix + upper-snake of the path. */
  public String envName(String prefix) {
    return prefix + path.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
