package io.deltachain.abci.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Edits CometBFT's {@code config.toml} in place, key by key, keeping comments and layout: the
 * same edits an operator makes by hand. Only existing keys are changed; a missing key is an
 * error naming it (so a CometBFT upgrade that renames a key is noticed, not silently ignored).
 */
public final class TomlEditor {
  private static final Pattern SECTION = Pattern.compile("^\\s*\\[([^\\]]+)\\]\\s*(#.*)?$");
  private static final Pattern ASSIGN = Pattern.compile("^(\\s*)([A-Za-z0-9_.-]+)(\\s*=\\s*)(.*)$");

  private final Path file;
  private final List<String> lines;

  private TomlEditor(Path file, List<String> lines) {
    this.file = file;
    this.lines = lines;
  }

  /** Reads a TOML file. */
  public static TomlEditor open(Path file) throws IOException {
    return new TomlEditor(file, new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8)));
  }

  /** A TOML string literal. */
  public static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * Sets {@code key} in {@code section} ("" for the top, before any header) to a TOML literal.
   *
   * @throws IllegalArgumentException when the key does not exist in that section
   */
  public TomlEditor set(String section, String key, String tomlLiteral) {
    String current = "";
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher s = SECTION.matcher(line);
      if (s.matches()) {
        current = s.group(1).trim();
        continue;
      }
      if (!current.equals(section)) {
        continue;
      }
      Matcher a = ASSIGN.matcher(line);
      if (a.matches() && a.group(2).equals(key)) {
        lines.set(i, a.group(1) + key + " = " + tomlLiteral);
        return this;
      }
    }
    throw new IllegalArgumentException(file + " has no key '" + key + "' in section ["
        + (section.isEmpty() ? "top level" : section) + "]");
  }

  /** The literal value of a key, or null. */
  public String get(String section, String key) {
    String current = "";
    for (String line : lines) {
      Matcher s = SECTION.matcher(line);
      if (s.matches()) {
        current = s.group(1).trim();
        continue;
      }
      Matcher a = ASSIGN.matcher(line);
      if (current.equals(section) && a.matches() && a.group(2).equals(key)) {
        return a.group(4).trim();
      }
    }
    return null;
  }

  /** Writes the file back. */
  public void save() throws IOException {
    Files.write(file, lines, StandardCharsets.UTF_8);
  }
}
