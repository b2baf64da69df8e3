package io.deltachain.core.config;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A merged configuration: one JSON object addressed by dotted keys, plus where each value came
 * from and any problems found while merging (an environment variable that is not a number,
 * say). Records read it through {@link #reader()}.
 *
 * <p>A verticle gets the merged object as its {@code config()} and wraps it with
 * {@link #of(JsonObject)}.
 */
public final class ConfigView {
  private final JsonObject json;
  private final String defaultSource;
  private final Map<String, String> sources;
  private final Map<String, ConfigProblem> loadProblems;

  ConfigView(
      JsonObject json,
      String defaultSource,
      Map<String, String> sources,
      Map<String, ConfigProblem> loadProblems) {
    this.json = json.copy();
    this.defaultSource = defaultSource;
    this.sources = new TreeMap<>(sources);
    this.loadProblems = new TreeMap<>(loadProblems);
  }

  /** A view of an already merged object (e.g. a verticle's {@code config()}). */
  public static ConfigView of(JsonObject json) {
    return new ConfigView(json == null ? new JsonObject() : json, null, Map.of(), Map.of());
  }

  /** An empty configuration: every record gets its defaults. */
  public static ConfigView empty() {
    return of(new JsonObject());
  }

  /** A copy of the merged object, nested by the dots of the keys. */
  public JsonObject json() {
    return json.copy();
  }

  /** A reader that collects problems for one record (or several). */
  public ConfigReader reader() {
    return new ConfigReader(this);
  }

  /** Whether a value is present (not absent, not null) at this dotted key. */
  public boolean contains(String path) {
    return lookup(path).value() != null;
  }

  /** Where the value at this key came from, or null when unknown. */
  public String source(String path) {
    String s = sources.get(path);
    return s != null ? s : defaultSource;
  }

  /** Problems the loader found for this key (e.g. an unparseable environment value). */
  ConfigProblem loadProblem(String path) {
    return loadProblems.get(path);
  }

  /** All problems found while merging. */
  public List<ConfigProblem> loadProblems() {
    return List.copyOf(loadProblems.values());
  }

  /**
   * The leaf keys present in the merged object that none of {@code known} names, sorted:
   * usually typos ({@code delta-store.http.prot}), worth a warning at start.
   */
  public List<String> unknownKeys(Collection<ConfigKey> known) {
    Set<String> knownPaths = known.stream().map(ConfigKey::path).collect(Collectors.toSet());
    Set<String> out = new TreeSet<>();
    collectLeaves(json, "", out);
    out.removeIf(knownPaths::contains);
    return new ArrayList<>(out);
  }

  private static void collectLeaves(JsonObject obj, String prefix, Set<String> out) {
    for (String field : obj.fieldNames()) {
      Object v = obj.getValue(field);
      String path = prefix.isEmpty() ? field : prefix + "." + field;
      if (v instanceof JsonObject child) {
        collectLeaves(child, path, out);
      } else {
        out.add(path);
      }
    }
  }

  /** What a dotted-key lookup found: the value, or the first ancestor that is not an object. */
  record Lookup(Object value, String blockedAt) {}

  Lookup lookup(String path) {
    String[] parts = path.split("\\.");
    Object current = json;
    StringBuilder walked = new StringBuilder();
    for (String part : parts) {
      if (!(current instanceof JsonObject obj)) {
        return new Lookup(null, walked.toString());
      }
      if (walked.length() > 0) {
        walked.append('.');
      }
      walked.append(part);
      current = obj.getValue(part);
      if (current == null) {
        return new Lookup(null, null);
      }
    }
    return new Lookup(current, null);
  }
}
