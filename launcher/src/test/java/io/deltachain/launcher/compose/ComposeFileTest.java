package io.deltachain.launcher.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.deltachain.abci.AbciConfig;
import io.deltachain.core.config.ConfigLoader;
import io.deltachain.core.config.ConfigView;
import io.deltachain.core.node.NodeBinaries;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.launcher.DeltachainCommand;
import io.deltachain.launcher.compose.ComposeFile.Service;
import io.deltachain.launcher.compose.ComposeFile.Volume;
import io.deltachain.round.RoundServiceConfig;
import io.deltachain.store.DeltaStoreConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * compose.yaml refers only to things that exist: images pinned to the versions the project
 * builds, the project's Dockerfile, entry points (launcher subcommands or main classes) with
 * arguments they accept, files in the repository or written by deploy/compose/testnet.sh. No
 * Docker engine is involved: this reads the files.
 */
class ComposeFileTest {
  /** Where the Dockerfile puts the launcher jar. */
  static final String JAR = "/opt/deltachain/deltachain.jar";
  /** Bind-mount sources under this directory are written by deploy/compose/testnet.sh, not committed. */
  static final String GENERATED = "deploy/compose/generated/";
  /** What deploy/compose/testnet.sh writes there (checked against a real run by ComposeTestnetIT). */
  static final Set<String> GENERATED_PATHS = Set.of("validator-0", "validator-1", "validator-2", "validator-3",
      "round.env", "coordinator");

  static Path root;
  static ComposeFile compose;
  static Dockerfile dockerfile;

  /** The final stage of the Dockerfile: ENTRYPOINT, CMD, COPY destinations. */
  record Dockerfile(List<String> stages, List<String> entrypoint, List<String> cmd, List<String> copiedTo) {
    static Dockerfile read(Path file) throws Exception {
      List<String> stages = new ArrayList<>();
      List<String> entrypoint = List.of();
      List<String> cmd = List.of();
      List<String> copied = new ArrayList<>();
      StringBuilder logical = new StringBuilder();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank() || line.stripLeading().startsWith("#")) {
          continue;
        }
        if (line.endsWith("\\")) {
          logical.append(line, 0, line.length() - 1).append(' ');
          continue;
        }
        String l = logical.append(line).toString().strip();
        logical.setLength(0);
        String[] w = l.split("\\s+");
        switch (w[0].toUpperCase()) {
          case "FROM" -> {
            stages.add(l.substring(5).strip());
            entrypoint = List.of();
            cmd = List.of();
            copied.clear();
          }
          case "ENTRYPOINT" -> entrypoint = jsonArray(l.substring(10));
          case "CMD" -> cmd = jsonArray(l.substring(3));
          case "COPY" -> copied.add(w[w.length - 1]);
          default -> { }
        }
      }
      return new Dockerfile(stages, entrypoint, cmd, copied);
    }

    private static List<String> jsonArray(String s) {
      return new JsonArray(s.strip()).stream().map(String::valueOf).toList();
    }
  }

  @BeforeAll
  static void read() throws Exception {
    root = NodeBinaries.repositoryRoot();
    compose = ComposeFile.read(root.resolve("compose.yaml"));
    dockerfile = Dockerfile.read(root.resolve("Dockerfile"));
  }

  /** The default of VAR="${VAR:-...}" in scripts/node-binaries.sh. */
  static String pinned(String variable) throws Exception {
    Matcher m = Pattern.compile(variable + "=\"\\$\\{" + variable + ":-([^}]+)}\"")
        .matcher(Files.readString(root.resolve("scripts/node-binaries.sh")));
    assertThat(m.find()).as("scripts/node-binaries.sh pins %s", variable).isTrue();
    return m.group(1);
  }

  @Test
  @DisplayName("every service runs the project image built from the root Dockerfile, or CometBFT or kubo at the pinned versions")
  void imagesExist() throws Exception {
    Set<String> official = Set.of("cometbft/cometbft:" + pinned("COMETBFT_VERSION"), "ipfs/kubo:" + pinned("KUBO_VERSION"));
    for (Service s : compose.services().values()) {
      if (s.built()) {
        Path context = root.resolve(String.valueOf(s.build().getOrDefault("context", "."))).normalize();
        Path file = context.resolve(String.valueOf(s.build().getOrDefault("dockerfile", "Dockerfile")));
        assertThat(file).as("Dockerfile of %s", s.name()).isRegularFile();
        assertThat(file.normalize()).isEqualTo(root.resolve("Dockerfile"));
      } else {
        assertThat(s.image()).as("image of %s", s.name()).isIn(official);
      }
    }
    assertThat(dockerfile.stages()).as("multi-stage: a Maven build, then a JRE 17 runtime").hasSize(2);
    assertThat(dockerfile.stages().get(0)).startsWith("maven:").contains("temurin-17").endsWith("AS build");
    assertThat(dockerfile.stages().get(1)).isEqualTo("eclipse-temurin:17-jre");
    assertThat(dockerfile.copiedTo()).contains(JAR);
    assertThat(dockerfile.entrypoint()).containsSubsequence("-jar", JAR);
    assertThat(Files.readString(root.resolve("Dockerfile"))).contains("-pl launcher -am package")
        .contains("launcher/target/deltachain.jar");
  }

  /** The argv a container of a project-image service runs. */
  static List<String> argv(Service s) {
    List<String> entry = s.entrypoint() != null ? s.entrypoint() : dockerfile.entrypoint();
    // Docker drops the image's CMD when the entrypoint is overridden
    List<String> cmd = s.command() != null ? s.command() : s.entrypoint() != null ? List.of() : dockerfile.cmd();
    List<String> all = new ArrayList<>(entry);
    all.addAll(cmd);
    return all;
  }

  @Test
  @DisplayName("every project-image service runs a launcher subcommand or a main class that exists, with arguments it accepts")
  void entryPointsExist() throws Exception {
    Set<String> checkedMains = new HashSet<>();
    for (Service s : compose.services().values()) {
      if (!s.built()) {
        continue;
      }
      List<String> argv = argv(s);
      assertThat(argv.get(0)).as("%s runs java", s.name()).isEqualTo("java");
      int jar = argv.indexOf("-jar");
      int cp = argv.indexOf("-cp");
      if (jar >= 0) {
        assertThat(argv.get(jar + 1)).isEqualTo(JAR);
        List<String> args = argv.subList(jar + 2, argv.size());
        // picocli refuses an unknown subcommand or option
        new CommandLine(new DeltachainCommand()).parseArgs(args.toArray(String[]::new));
      } else if (cp >= 0) {
        assertThat(argv.get(cp + 1)).as("class path of %s", s.name()).isEqualTo(JAR);
        String mainClass = argv.get(cp + 2);
        Method main = Class.forName(mainClass).getMethod("main", String[].class);
        assertThat(Modifier.isStatic(main.getModifiers())).as("%s.main is static", mainClass).isTrue();
        List<String> args = argv.subList(cp + 3, argv.size());
        checkArguments(s, mainClass, args);
        checkedMains.add(mainClass);
      } else {
        fail(s.name() + " runs neither -jar " + JAR + " nor -cp " + JAR + " <main class>: " + argv);
      }
    }
    assertThat(checkedMains).contains("io.deltachain.abci.AbciMain", "io.deltachain.store.DeltaStoreMain",
        "io.deltachain.round.RoundMain");
  }

  /** Each main class's own parser accepts what the service passes (and what it mounts). */
  private static void checkArguments(Service s, String mainClass, List<String> args) throws Exception {
    switch (mainClass) {
      case "io.deltachain.abci.AbciMain" -> {
        AbciConfig c = AbciConfig.fromArgs(args.toArray(String[]::new));
        assertThat(c.host()).as("%s listens on all interfaces of its container", s.name()).isEqualTo("0.0.0.0");
        assertThat(s.volumes()).as("%s keeps its ledger in a named volume", s.name())
            .anySatisfy(v -> assertThat(v.target()).isEqualTo(c.dataDir().toString()));
      }
      case "io.deltachain.store.DeltaStoreMain" -> {
        assertThat(args).hasSize(1);
        Path config = repoFileMountedAt(s, args.get(0));
        DeltaStoreConfig c = DeltaStoreConfig.fromJson(new JsonObject(Files.readString(config)));
        assertThat(c.http().host()).isEqualTo("0.0.0.0");
        assertThat(c.ipfs()).singleElement().satisfies(i -> {
          assertThat(i.apiUrl().getHost()).as("the store reaches kubo by its service name").isEqualTo("kubo");
          assertThat(compose.services()).containsKey(i.apiUrl().getHost());
          assertThat(s.dependsOn()).contains("kubo");
        });
        assertThat(s.volumes()).anySatisfy(v -> assertThat(v.target()).isEqualTo(c.local().dataDir().toString()));
        assertThat(s.ports()).anySatisfy(p -> assertThat(p).endsWith(":" + c.http().port()));
      }
      case "io.deltachain.round.RoundMain" -> {
        assertThat(args).as("RoundMain takes only an optional config file").isEmpty();
        Map<String, String> env = new HashMap<>(s.environment());
        // the token comes from the env_file deploy/compose/testnet.sh writes
        assertThat(s.envFiles()).contains("./" + GENERATED + "round.env");
        env.put("DELTACHAIN_ROUND_API_TOKENS", "operator:0123456789abcdef0123");
        ConfigView view = ConfigLoader.builder().optEnvironment(env).optKnownKeys(RoundServiceConfig.KEYS).build().load();
        RoundServiceConfig c = RoundServiceConfig.from(view);
        assertThat(c.http().host()).isEqualTo("0.0.0.0");
        assertThat(s.ports()).anySatisfy(p -> assertThat(p).endsWith(":" + c.http().port()));
      }
      case "io.deltachain.trainer.bench.TrainBench" -> {
        assertThat(args).as("TrainBench <profile> <mode> <batch> <seq> <warmup> <steps>").hasSize(6);
        assertThat(ModelProfiles.bundledNames()).contains(args.get(0));
        TrainingMode.valueOf(args.get(1));
        args.subList(2, 6).forEach(Integer::parseInt);
      }
      default -> fail(s.name() + " runs " + mainClass + ", which this test does not know how to check");
    }
  }

  /** The repository file that a service mounts at {@code containerPath}. */
  private static Path repoFileMountedAt(Service s, String containerPath) {
    Volume v = s.volumes().stream().filter(x -> x.target().equals(containerPath)).findFirst()
        .orElseThrow(() -> new AssertionError(s.name() + " mounts nothing at " + containerPath));
    assertThat(v.bind()).as("%s is a file from the repository", containerPath).isTrue();
    assertThat(v.mode()).isEqualTo("ro");
    Path p = root.resolve(v.source()).normalize();
    assertThat(p).isRegularFile();
    return p;
  }

  @Test
  @DisplayName("every mounted file or directory exists in the repository or is one that deploy/compose/testnet.sh writes; named volumes are declared")
  void mountsExist() {
    for (Service s : compose.services().values()) {
      List<String> sources = new ArrayList<>();
      s.volumes().forEach(v -> {
        if (v.bind()) {
          sources.add(v.source());
        } else {
          assertThat(compose.namedVolumes()).as("named volume %s of %s", v.source(), s.name()).contains(v.source());
        }
      });
      sources.addAll(s.envFiles());
      for (String source : sources) {
        assertThat(source).as("%s: paths are relative to the repository", s.name()).startsWith("./");
        String rel = source.substring(2);
        if (rel.startsWith(GENERATED)) {
          assertThat(GENERATED_PATHS).as("%s: %s is written by deploy/compose/testnet.sh", s.name(), source)
              .contains(rel.substring(GENERATED.length()));
        } else {
          assertThat(root.resolve(rel)).as("%s mounts %s", s.name(), source).exists();
        }
      }
    }
    assertThat(root.resolve("deploy/compose/testnet.sh")).isExecutable();
    assertThat(root.resolve(".dockerignore")).content().contains(GENERATED.substring(0, GENERATED.length() - 1));
  }

  @Test
  @DisplayName("four CometBFT validators, each with its own abci-app and home, RPC published on loopback only")
  void fourValidators() throws Exception {
    String cometImage = "cometbft/cometbft:" + pinned("COMETBFT_VERSION");
    List<Service> validators = compose.services().values().stream().filter(s -> cometImage.equals(s.image())).toList();
    assertThat(validators).extracting(Service::name)
        .containsExactly("validator-0", "validator-1", "validator-2", "validator-3");
    for (int i = 0; i < 4; i++) {
      Service v = validators.get(i);
      assertThat(v.command()).as("the image's entrypoint runs `cometbft start`").containsExactly("start");
      assertThat(v.volumes()).containsExactly(new Volume("./" + GENERATED + "validator-" + i, "/cometbft", "rw"));
      assertThat(v.dependsOn()).containsExactly("abci-" + i);
      assertThat(argv(compose.service("abci-" + i))).contains("io.deltachain.abci.AbciMain");
      assertThat(v.ports()).singleElement().satisfies(p -> assertThat(p).startsWith("127.0.0.1:").endsWith(":26657"));
    }
    // the abci-apps run with the chain id the genesis gets (testnet.sh's default)
    assertThat(argv(compose.service("abci-0"))).containsSubsequence("--chain-id", "deltachain-compose-1");
    assertThat(Files.readString(root.resolve("deploy/compose/testnet.sh")))
        .contains("${DELTACHAIN_CHAIN_ID:-deltachain-compose-1}");
  }

  @Test
  @DisplayName("trainers reserve one NVIDIA GPU each and sit behind the gpu profile, so hosts without GPUs can start the rest")
  void trainersReserveGpus() {
    List<Service> trainers = compose.services().values().stream().filter(s -> s.name().startsWith("trainer")).toList();
    assertThat(trainers).hasSizeGreaterThanOrEqualTo(2);
    for (Service t : trainers) {
      assertThat(t.reservedDevices()).as("GPU reservation of %s", t.name()).singleElement().satisfies(d -> {
        assertThat(d.get("driver")).isEqualTo("nvidia");
        assertThat(d.get("count")).isEqualTo(1);
        assertThat(String.valueOf(d.get("capabilities"))).isEqualTo("[gpu]");
      });
      assertThat(t.profiles()).containsExactly("gpu");
    }
  }

  @Test
  @DisplayName("dependencies name existing services and no two services publish the same host port")
  void wiring() {
    Set<String> published = new HashSet<>();
    for (Service s : compose.services().values()) {
      assertThat(compose.services().keySet()).as("depends_on of %s", s.name()).containsAll(s.dependsOn());
      for (String p : s.ports()) {
        String[] parts = p.split(":");
        String hostPort = parts.length == 3 ? parts[0] + ":" + parts[1] : "0.0.0.0:" + parts[0];
        String proto = p.contains("/") ? p.substring(p.indexOf('/')) : "/tcp";
        assertThat(published.add(hostPort + proto)).as("host port %s published twice", hostPort + proto).isTrue();
      }
    }
    assertThat(compose.service("kubo").ports()).as("kubo's RPC API is an admin API").contains("127.0.0.1:5001:5001");
  }
}
