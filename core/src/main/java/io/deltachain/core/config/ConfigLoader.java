package io.deltachain.core.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges configuration from, lowest precedence first: an optional JSON file, environment
 * variables, and an explicit map of overrides (command-line {@code --set}, tests).
 *
 * <p>An environment variable overrides a known key when its name is the prefix (default
 * {@value #DEFAULT_ENV_PREFIX}) plus the key in upper snake case:
 * {@code delta-store.http.port} is {@code DELTACHAIN_DELTA_STORE_HTTP_PORT}. Because that
 * mapping loses the difference between '.' and '-', only keys the loader knows are looked up
 * (every record's keys, see {@link CoreConfig#KEYS}, plus any given to
 * {@link #optKnownKeys}); other variables are ignored. Environment and override text is
 * converted to the key's kind (integer, boolean, comma-separated list); text that does not
 * convert is reported against the key when a record reads it, together with every other
 * problem.
 *
 * <pre>{@code
 * ConfigView view = ConfigLoader.builder()
 *     .optFile(Path.of("deltachain.json"))
 *     .optEnvironment(System.getenv())
 *     .build()
 *     .load();
 * DeltaStoreConfig store = DeltaStoreConfig.from(view);
 * }</pre>
 */
public final class ConfigLoader {
  /** The prefix of deltachain's environment variables. */
  public static final String DEFAULT_ENV_PREFIX = "DELTACHAIN_";

  private final Path file;
  private final boolean fileRequired;
  private final Map<String, String> environment;
  private final String envPrefix;
  private final Map<String, Object> overrides;
  private final Map<String, ConfigKey> knownKeys;

  private ConfigLoader(Builder b) {
    this.file = b.file;
    this.fileRequired = b.fileRequired;
    this.environment = new TreeMap<>(b.environment);
    this.envPrefix = b.envPrefix;
    this.overrides = new LinkedHashMap<>(b.overrides);
    Map<String, ConfigKey> keys = new TreeMap<>();
    Map<String, String> byEnv = new TreeMap<>();
    for (ConfigKey k : b.knownKeys) {
      ConfigKey previous = keys.put(k.path(), k);
      if (previous != null && previous.kind() != k.kind()) {
        throw new IllegalArgumentException(
            "config key " + k.path() + " is declared as both " + previous.kind() + " and " + k.kind());
      }
      String other = byEnv.put(k.envName(envPrefix), k.path());
      if (other != null && !other.equals(k.path())) {
        throw new IllegalArgumentException(
            "config keys " + other + " and " + k.path() + " share the environment variable "
                + k.envName(envPrefix));
      }
    }
    this.knownKeys = keys;
  }

  /** A builder; with no settings it loads just the defaults of every record. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Merges the sources.
   *
   * @throws ConfigException when a file was named but cannot be read or is not a JSON object
   *     (nothing else can be checked without it); other problems are reported when records
   *     read the view
   */
  public ConfigView load() {
    JsonObject merged = new JsonObject();
    Map<String, String> sources = new TreeMap<>();
    Map<String, ConfigProblem> problems = new TreeMap<>();
    String fileSource = null;

    if (file != null) {
      fileSource = "file " + file;
      try {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        merged = new JsonObject(text);
      } catch (NoSuchFileException e) {
        if (fileRequired) {
          throw new ConfigException(List.of(new ConfigProblem("config file", "does not exist", fileSource)));
        }
        fileSource = null;
      } catch (IOException e) {
        throw new ConfigException(List.of(new ConfigProblem("config file", "cannot be read: " + e, fileSource)));
      } catch (DecodeException | ClassCastException e) {
        throw new ConfigException(
            List.of(new ConfigProblem("config file", "is not a JSON object: " + e.getMessage(), fileSource)));
      }
    }

    for (ConfigKey key : knownKeys.values()) {
      String env = key.envName(envPrefix);
      String text = environment.get(env);
      if (text != null) {
        apply(merged, sources, problems, key.path(), text, "environment variable " + env);
      }
    }
    for (Map.Entry<String, Object> e : overrides.entrySet()) {
      apply(merged, sources, problems, e.getKey(), e.getValue(), "override " + e.getKey());
    }
    return new ConfigView(merged, fileSource, sources, problems);
  }

  private void apply(
      JsonObject merged,
      Map<String, String> sources,
      Map<String, ConfigProblem> problems,
      String path,
      Object value,
      String source) {
    ConfigKey key = knownKeys.get(path);
    Object converted = value;
    if (value instanceof String text && key != null) {
      try {
        converted = convert(text, key.kind());
      } catch (IllegalArgumentException ex) {
        problems.put(path, new ConfigProblem(path, ex.getMessage(), source));
        return;
      }
    } else if (value instanceof Collection<?> c) {
      converted = new JsonArray(new ArrayList<>(c));
    } else if (value instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) m;
      converted = new JsonObject(new LinkedHashMap<>(map));
    }
    problems.remove(path);
    setPath(merged, path, converted);
    sources.put(path, source);
  }

  private static Object convert(String text, ConfigKey.Kind kind) {
    String s = text.strip();
    return switch (kind) {
      case STRING, SIZE -> text;
      case INTEGER -> {
        try {
          yield Integer.valueOf(s);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("must be an integer, got '" + text + "'");
        }
      }
      case BOOLEAN -> switch (s.toLowerCase(Locale.ROOT)) {
        case "true" -> Boolean.TRUE;
        case "false" -> Boolean.FALSE;
        default -> throw new IllegalArgumentException("must be true or false, got '" + text + "'");
      };
      case LIST -> {
        JsonArray array = new JsonArray();
        for (String part : s.split(",")) {
          if (!part.isBlank()) {
            array.add(part.strip());
          }
        }
        yield array;
      }
    };
  }

  private static void setPath(JsonObject root, String path, Object value) {
    String[] parts = path.split("\\.");
    JsonObject obj = root;
    for (int i = 0; i < parts.length - 1; i++) {
      Object child = obj.getValue(parts[i]);
      if (!(child instanceof JsonObject)) {
        // an override replaces a scalar where a section should be
        child = new JsonObject();
        obj.put(parts[i], child);
      }
      obj = (JsonObject) child;
    }
    obj.put(parts[parts.length - 1], value);
  }

  /** Builds a {@link ConfigLoader}; every setting is optional. */
  public static final class Builder {
    private Path file;
    private boolean fileRequired = true;
    private Map<String, String> environment = Map.of();
    private String envPrefix = DEFAULT_ENV_PREFIX;
    private final Map<String, Object> overrides = new LinkedHashMap<>();
    private final List<ConfigKey> knownKeys = new ArrayList<>(CoreConfig.KEYS);

    private Builder() {}

    /** A JSON file to read first; it must exist. */
    public Builder optFile(Path file) {
      this.file = file;
      this.fileRequired = true;
      return this;
    }

    /** A JSON file to read first if it exists (a default location, say). */
    public Builder optFileIfExists(Path file) {
      this.file = file;
      this.fileRequired = false;
      return this;
    }

    /** Environment variables, usually {@code System.getenv()}; none by default. */
    public Builder optEnvironment(Map<String, String> environment) {
      this.environment = environment == null ? Map.of() : environment;
      return this;
    }

    /** The environment prefix; defaults to {@value ConfigLoader#DEFAULT_ENV_PREFIX}. */
    public Builder optEnvPrefix(String envPrefix) {
      this.envPrefix = envPrefix;
      return this;
    }

    /**
     * Values by dotted key, applied last. Text values of known keys are converted like
     * environment values; other values (numbers, booleans, lists) are taken as they are.
     */
    public Builder optOverrides(Map<String, ?> overrides) {
      overrides.forEach((k, v) -> this.overrides.put(k, v));
      return this;
    }

    /** One override, applied last. */
    public Builder optOverride(String key, Object value) {
      this.overrides.put(key, value);
      return this;
    }

    /** Keys of settings beyond the core records (a service's own), for environment lookup. */
    public Builder optKnownKeys(Collection<ConfigKey> keys) {
      this.knownKeys.addAll(keys);
      return this;
    }

    /** Builds the loader. */
    public ConfigLoader build() {
      return new ConfigLoader(this);
    }
  }
}
