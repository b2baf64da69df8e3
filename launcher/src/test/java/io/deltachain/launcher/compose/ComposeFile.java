package io.deltachain.launcher.compose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The repository's compose.yaml as Docker Compose reads it: YAML with merge keys, then
 * {@code ${VAR:-default}} interpolation with no variables set (the defaults a fresh user gets),
 * then the few shorthand forms the file uses (lists or maps for {@code depends_on} and
 * {@code environment}, short volume syntax).
 */
final class ComposeFile {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?}");

  /** One service. */
  record Service(String name, Map<String, Object> spec) {
    String image() {
      return (String) spec.get("image");
    }

    boolean built() {
      return spec.containsKey("build");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> build() {
      Object b = spec.get("build");
      return b instanceof String s ? Map.of("context", s) : (Map<String, Object>) b;
    }

    /** The {@code entrypoint}, or null when the image's is used. */
    List<String> entrypoint() {
      return strings(spec.get("entrypoint"));
    }

    /** The {@code command}, or null when the image's is used. */
    List<String> command() {
      return strings(spec.get("command"));
    }

    /** The short-syntax volumes, {@code source:target[:mode]}. */
    List<Volume> volumes() {
      List<Volume> out = new ArrayList<>();
      List<String> v = strings(spec.get("volumes"));
      if (v != null) {
        for (String s : v) {
          String[] p = s.split(":");
          out.add(new Volume(p[0], p[1], p.length > 2 ? p[2] : "rw"));
        }
      }
      return out;
    }

    List<String> envFiles() {
      List<String> e = strings(spec.get("env_file"));
      return e == null ? List.of() : e;
    }

    @SuppressWarnings("unchecked")
    Map<String, String> environment() {
      Map<String, String> out = new TreeMap<>();
      Object e = spec.get("environment");
      if (e instanceof Map<?, ?> m) {
        m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
      } else if (e instanceof List<?> l) {
        for (Object o : l) {
          String s = String.valueOf(o);
          int eq = s.indexOf('=');
          out.put(s.substring(0, eq), s.substring(eq + 1));
        }
      }
      return out;
    }

    List<String> dependsOn() {
      Object d = spec.get("depends_on");
      if (d instanceof Map<?, ?> m) {
        return m.keySet().stream().map(String::valueOf).toList();
      }
      List<String> l = strings(d);
      return l == null ? List.of() : l;
    }

    /** Published ports, {@code [host_ip:]host_port:container_port[/proto]}. */
    List<String> ports() {
      List<String> p = strings(spec.get("ports"));
      return p == null ? List.of() : p;
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> reservedDevices() {
      Object deploy = spec.get("deploy");
      if (!(deploy instanceof Map<?, ?> d) || !(d.get("resources") instanceof Map<?, ?> r)
          || !(r.get("reservations") instanceof Map<?, ?> res) || !(res.get("devices") instanceof List<?> devs)) {
        return List.of();
      }
      return (List<Map<String, Object>>) devs;
    }

    /** Ports declared with {@code expose} (container ports other services reach). */
    List<String> expose() {
      List<String> e = strings(spec.get("expose"));
      return e == null ? List.of() : e;
    }

    /** The {@code healthcheck.test} command, or an empty list. */
    List<String> healthcheck() {
      Object h = spec.get("healthcheck");
      List<String> t = h instanceof Map<?, ?> m ? strings(m.get("test")) : null;
      return t == null ? List.of() : t;
    }

    /** The condition of a {@code depends_on} entry (service_started for the short syntax). */
    String dependencyCondition(String service) {
      Object d = spec.get("depends_on");
      if (d instanceof Map<?, ?> m && m.get(service) instanceof Map<?, ?> c && c.get("condition") != null) {
        return String.valueOf(c.get("condition"));
      }
      return "service_started";
    }

    List<String> profiles() {
      List<String> p = strings(spec.get("profiles"));
      return p == null ? List.of() : p;
    }
  }

  /** A short-syntax volume. */
  record Volume(String source, String target, String mode) {
    boolean bind() {
      return source.startsWith("./") || source.startsWith("/") || source.startsWith("../");
    }
  }

  private final Map<String, Object> root;
  private final Map<String, Service> services = new LinkedHashMap<>();

  @SuppressWarnings("unchecked")
  private ComposeFile(Map<String, Object> root) {
    this.root = root;
    Map<String, Object> s = (Map<String, Object>) root.get("services");
    if (s == null) {
      throw new IllegalArgumentException("compose file has no services");
    }
    s.forEach((name, spec) -> services.put(name, new Service(name, (Map<String, Object>) spec)));
  }

  /** Reads, merges and interpolates; an unset variable without a default fails. */
  @SuppressWarnings("unchecked")
  static ComposeFile read(Path file) throws IOException {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    Object doc = yaml.load(Files.readString(file, StandardCharsets.UTF_8));
    return new ComposeFile((Map<String, Object>) interpolate(doc));
  }

  private static Object interpolate(Object o) {
    if (o instanceof String s) {
      Matcher m = VARIABLE.matcher(s);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        if (m.group(2) == null) {
          throw new IllegalArgumentException("${" + m.group(1) + "} has no default: compose would substitute an"
              + " empty string when it is unset");
        }
        m.appendReplacement(sb, Matcher.quoteReplacement(m.group(3)));
      }
      m.appendTail(sb);
      return sb.toString();
    }
    if (o instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), interpolate(v)));
      return out;
    }
    if (o instanceof List<?> list) {
      return list.stream().map(ComposeFile::interpolate).toList();
    }
    return o;
  }

  private static List<String> strings(Object o) {
    if (o == null) {
      return null;
    }
    if (o instanceof List<?> l) {
      return l.stream().map(String::valueOf).toList();
    }
    return List.of(String.valueOf(o));
  }

  Map<String, Service> services() {
    return services;
  }

  Service service(String name) {
    Service s = services.get(name);
    if (s == null) {
      throw new IllegalArgumentException("compose.yaml has no service " + name);
    }
    return s;
  }

  /** The names of the top-level named volumes. */
  @SuppressWarnings("unchecked")
  List<String> namedVolumes() {
    Object v = root.get("volumes");
    return v == null ? List.of() : new ArrayList<>(((Map<String, Object>) v).keySet());
  }
}
