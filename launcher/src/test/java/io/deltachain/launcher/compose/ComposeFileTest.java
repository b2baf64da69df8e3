package io.deltachain.launcher.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.deltachain.core.config.HostPort;
import io.deltachain.core.node.NodeBinaries;
import io.deltachain.launcher.DeltachainCommand;
import io.deltachain.launcher.compose.ComposeFile.Service;
import io.deltachain.launcher.compose.ComposeFile.Volume;
import io.deltachain.launcher.node.NodeCommand;
import io.deltachain.launcher.node.NodeSettings;
import io.deltachain.launcher.node.Role;
import io.deltachain.round.RoundServiceConfig;
import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * compose.yaml refers only to things that exist: images pinned to the versions the project
 * builds, the project's Dockerfile, {@code deltachain node} with options its picocli model
 * accepts, node configs that deploy/compose/testnet.sh writes and that load with the node's own
 * loader, files in the repository or written by testnet.sh; and the pieces fit together (the key
 * a validator service signs with is its CometBFT node's, cluster members are services, metrics
 * ports are declared). No Docker engine is involved: this reads the files.
 */
class ComposeFileTest {
  /** Where the Dockerfile puts the launcher jar. */
  static final String JAR = "/opt/deltachain/deltachain.jar";
  /** Bind-mount sources under this directory are written by deploy/compose/testnet.sh, not committed. */
  static final String GENERATED = "deploy/compose/generated/";
  /** What deploy/compose/testnet.sh writes there (checked against a real run by ComposeTestnetIT). */
  static final Set<String> GENERATED_PATHS = Set.of("validator-0", "validator-1", "validator-2", "validator-3",
      "round.env", "coordinator", "nodes");

  static Path root;
  static ComposeFile compose;
  static Dockerfile dockerfile;
  /** What {@code testnet.sh --configs-only} wrote (bash alone: no keys, no cometbft). */
  @TempDir static Path generated;

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

  /** Reads compose.yaml and the Dockerfile of the repository (ComposeTestnetIT uses it too). */
  static void load() throws Exception {
    root = NodeBinaries.repositoryRoot();
    compose = ComposeFile.read(root.resolve("compose.yaml"));
    dockerfile = Dockerfile.read(root.resolve("Dockerfile"));
  }

  @BeforeAll
  static void read() throws Exception {
    load();
    Process p = new ProcessBuilder("bash", root.resolve("deploy/compose/testnet.sh").toString(), "--configs-only",
        generated.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("testnet.sh --configs-only: %s", output).isZero();
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

  /** The project-image services: every one runs {@code deltachain node}. */
  static List<Service> nodeServices() {
    return compose.services().values().stream().filter(Service::built).toList();
  }

  /** The launcher command line of a project-image service, parsed by picocli (which refuses unknown options). */
  static CommandLine.ParseResult parse(Service s) {
    List<String> argv = argv(s);
    assertThat(argv.get(0)).as("%s runs java", s.name()).isEqualTo("java");
    int jar = argv.indexOf("-jar");
    assertThat(jar).as("%s runs -jar %s", s.name(), JAR).isPositive();
    assertThat(argv.get(jar + 1)).isEqualTo(JAR);
    List<String> args = argv.subList(jar + 2, argv.size());
    return new CommandLine(new DeltachainCommand()).parseArgs(args.toArray(String[]::new));
  }

  /** Where a service's container path comes from: a repository path (./...) or a named volume. */
  static Volume mountAt(Service s, String containerPath) {
    return s.volumes().stream().filter(v -> v.target().equals(containerPath)).findFirst()
        .orElseThrow(() -> new AssertionError(s.name() + " mounts nothing at " + containerPath));
  }

  /** The host file behind a bind mount from deploy/compose/generated/, in {@code generated}. */
  static Path generatedFile(Service s, String containerPath, Path generated) {
    Volume v = mountAt(s, containerPath);
    assertThat(v.source()).as("%s: %s comes from deploy/compose/testnet.sh", s.name(), containerPath)
        .startsWith("./" + GENERATED);
    assertThat(v.mode()).as("%s mounts %s read-only", s.name(), containerPath).isEqualTo("ro");
    return generated.resolve(v.source().substring(2 + GENERATED.length()));
  }

  /**
   * The settings a project-image service's {@code deltachain node} runs with: its command line,
   * its {@code --config} (the file testnet.sh wrote in {@code generated}), its environment and env
   * files, through {@link NodeCommand#settings}: the loader the node itself uses.
   *
   * @param envFiles the variables of its env files (written by testnet.sh too)
   */
  static NodeSettings settings(Service s, Path generated, Map<String, String> envFiles) {
    CommandLine.ParseResult r = parse(s);
    assertThat(r.subcommand()).as("%s runs a subcommand", s.name()).isNotNull();
    assertThat(r.subcommand().commandSpec().name()).as("%s runs deltachain node", s.name()).isEqualTo("node");
    NodeCommand node = (NodeCommand) r.subcommand().commandSpec().userObject();
    String config = r.subcommand().matchedOptionValue("--config", (Path) null).toString();
    Map<String, String> env = new HashMap<>(envFiles);
    env.putAll(s.environment());
    return node.settings(env, generatedFile(s, config, generated));
  }

  /** A stand-in for round.env, which only a full testnet.sh run writes (ComposeTestnetIT reads the real one). */
  static Map<String, String> envFiles(Service s) {
    Map<String, String> env = new HashMap<>();
    for (String f : s.envFiles()) {
      assertThat(f).isEqualTo("./" + GENERATED + "round.env");
      env.put("DELTACHAIN_ROUND_API_TOKENS", "operator:0123456789abcdef0123456789abcdef");
    }
    return env;
  }

  @Test
  @DisplayName("every project-image service runs `deltachain node` with options picocli's model of the command accepts")
  void entryPointsExist() {
    assertThat(nodeServices()).hasSizeGreaterThanOrEqualTo(12);
    for (Service s : nodeServices()) {
      CommandLine.ParseResult r = parse(s);
      assertThat(r.subcommand()).as("%s runs a subcommand", s.name()).isNotNull();
      assertThat(r.subcommand().commandSpec().name()).isEqualTo("node");
      assertThat(r.subcommand().hasMatchedOption("--config")).as("%s reads its node config", s.name()).isTrue();
    }
  }

  @Test
  @DisplayName("every node config testnet.sh writes loads with NodeSettings; roles, chain, store, keys, metrics and mounts fit together")
  void nodeConfigs() throws Exception {
    Map<String, NodeSettings> all = new TreeMap<>();
    for (Service s : nodeServices()) {
      all.put(s.name(), settings(s, generated, envFiles(s)));
    }
    Set<String> comets = compose.services().values().stream().filter(x -> !x.built() && x.image().startsWith("cometbft/"))
        .map(Service::name).collect(Collectors.toSet());
    for (Map.Entry<String, NodeSettings> e : all.entrySet()) {
      Service s = compose.service(e.getKey());
      NodeSettings n = e.getValue();
      assertThat(n.core().node().moniker()).isEqualTo(s.name());
      assertThat(n.core().node().chainId()).as("the chain id of %s", s.name()).isEqualTo("deltachain-compose-1");
      assertThat(mountAt(s, n.core().node().home().toString()).bind()).as("the home of %s is a named volume", s.name())
          .isFalse();
      // the CometBFT node it talks to
      URI rpc = n.core().comet().rpcUrl();
      assertThat(comets).as("comet.rpc-url of %s", s.name()).contains(rpc.getHost());
      assertThat(rpc.getPort()).isEqualTo(26657);
      // its own metrics server, reachable by the health check and other services
      assertThat(n.metrics().enabled()).isTrue();
      assertThat(n.metrics().http().host()).isEqualTo("0.0.0.0");
      String metricsPort = Integer.toString(n.metrics().http().port());
      assertThat(s.expose()).as("%s declares its metrics port", s.name()).contains(metricsPort);
      assertThat(s.healthcheck()).as("the health check of %s", s.name())
          .contains("http://127.0.0.1:" + metricsPort + "/health");
      assertThat(s.ports()).as("%s publishes its metrics on loopback", s.name())
          .anySatisfy(p -> assertThat(p).startsWith("127.0.0.1:").endsWith(":" + metricsPort));
      // the store its clients use is a service that runs the store, on its port
      if (n.storeUrl() != null) {
        NodeSettings store = all.get(n.storeUrl().getHost());
        assertThat(store).as("node.store-url of %s names a store service", s.name()).isNotNull();
        assertThat(store.roles()).contains(Role.STORE);
        assertThat(n.storeUrl().getPort()).isEqualTo(store.core().deltaStore().http().port());
      }
      // the cluster: membership by service name, every member a clustered service that always runs
      if (n.roles().equals(Set.of(Role.ABCI))) {
        continue;
      }
      assertThat(n.core().cluster().host()).isEqualTo("0.0.0.0");
      assertThat(n.clusterPublicHost()).as("cluster.public-host of %s", s.name()).isEqualTo(s.name());
      assertThat(s.expose()).contains(Integer.toString(n.core().cluster().port()));
      assertThat(n.core().cluster().members()).as("cluster members of %s", s.name()).isNotEmpty();
      for (HostPort m : n.core().cluster().members()) {
        NodeSettings member = all.get(m.host());
        assertThat(member).as("member %s of %s is a service", m, s.name()).isNotNull();
        assertThat(member.roles()).as("member %s of %s joins the cluster", m, s.name()).isNotEqualTo(Set.of(Role.ABCI));
        assertThat(m.port()).isEqualTo(member.core().cluster().port());
        assertThat(m.host()).as("%s does not list itself", s.name()).isNotEqualTo(s.name());
        assertThat(compose.service(m.host()).profiles()).as("member %s of %s always runs", m, s.name()).isEmpty();
        assertThat(member.core().cluster().clusterName()).isEqualTo(n.core().cluster().clusterName());
      }
      if (!s.name().equals("delta-store")) {
        assertThat(s.dependencyCondition("delta-store")).as("%s joins after the store, which forms the cluster", s.name())
            .isEqualTo("service_healthy");
      }
    }

    for (int i = 0; i < 4; i++) {
      // the ledger of validator-i, where validator-i's config.toml points (testnet.sh: proxy_app tcp://abci-i:26658)
      NodeSettings abci = all.get("abci-" + i);
      assertThat(abci.roles()).containsExactly(Role.ABCI);
      assertThat(abci.core().comet().abciHost()).isEqualTo("0.0.0.0");
      assertThat(abci.core().comet().abciPort()).isEqualTo(26658);
      assertThat(abci.core().comet().rpcUrl().getHost()).isEqualTo("validator-" + i);
      // validator-i's validator service signs with validator-i's consensus key and follows validator-i
      Service node = compose.service("node-" + i);
      NodeSettings v = all.get("node-" + i);
      assertThat(v.roles()).containsExactly(Role.VALIDATOR);
      assertThat(v.core().comet().rpcUrl().getHost()).isEqualTo("validator-" + i);
      assertThat(mountAt(node, v.validatorKeyFile().toString()))
          .isEqualTo(new Volume("./" + GENERATED + "validator-" + i + "/config/priv_validator_key.json",
              v.validatorKeyFile().toString(), "ro"));
    }
    assertThat(Files.readString(root.resolve("deploy/compose/testnet.sh"))).contains("--proxy-app tcp://abci-$i:26658");

    NodeSettings round = all.get("round");
    assertThat(round.roles()).containsExactly(Role.ROUND);
    assertThat(round.core().http().host()).isEqualTo("0.0.0.0");
    assertThat(compose.service("round").ports()).contains("127.0.0.1:8080:" + round.core().http().port());
    assertThat(mountAt(compose.service("round"), round.coordinatorKeyFile().toString()).source())
        .isEqualTo("./" + GENERATED + "coordinator/config/priv_validator_key.json");
    RoundServiceConfig rc = RoundServiceConfig.from(round.view());
    assertThat(rc.tokens()).as("the API token from round.env").isNotEmpty();

    NodeSettings store = all.get("delta-store");
    assertThat(store.roles()).containsExactly(Role.STORE);
    assertThat(store.core().ipfs().enabled()).isTrue();
    assertThat(store.core().ipfs().apiUrl().getHost()).as("the store reaches kubo by its service name").isEqualTo("kubo");
    assertThat(compose.service("delta-store").dependsOn()).contains("kubo");
    assertThat(mountAt(compose.service("delta-store"), store.core().deltaStore().dataDir().toString()).bind()).isFalse();
    int storePort = store.core().deltaStore().http().port();
    assertThat(compose.service("delta-store").ports()).contains("127.0.0.1:" + storePort + ":" + storePort,
        "127.0.0.1:" + (storePort + 1) + ":" + (storePort + 1));

    List<String> trainers = all.keySet().stream().filter(x -> x.startsWith("trainer")).toList();
    assertThat(trainers).hasSizeGreaterThanOrEqualTo(4);
    for (String t : trainers) {
      NodeSettings n = all.get(t);
      assertThat(n.roles()).containsExactly(Role.TRAINER);
      assertThat(n.trainer().keyFile()).as("the trainer's identity survives a restart: it is in its home volume")
          .startsWithRaw(n.core().node().home());
      assertThat(n.trainer().attack()).isEqualTo("none");
    }
    // every node of the network trains and judges the same model on the same data
    assertThat(all.values().stream().map(NodeSettings::network).distinct()).hasSize(1);
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
          String inside = rel.substring(GENERATED.length());
          assertThat(GENERATED_PATHS).as("%s: %s is written by deploy/compose/testnet.sh", s.name(), source)
              .contains(inside.split("/")[0]);
          if (inside.startsWith("nodes/")) {
            assertThat(generated.resolve(inside)).as("%s: %s is written by testnet.sh --configs-only", s.name(), source)
                .isRegularFile();
          }
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
      // not service_healthy: the abci-app's /health waits for this very CometBFT node
      assertThat(v.dependencyCondition("abci-" + i)).isEqualTo("service_started");
      assertThat(compose.services()).containsKey("node-" + i);
      assertThat(v.ports()).singleElement().satisfies(p -> assertThat(p).startsWith("127.0.0.1:").endsWith(":26657"));
    }
    // the node configs carry the chain id the genesis gets (testnet.sh's default; nodeConfigs checks each)
    assertThat(Files.readString(root.resolve("deploy/compose/testnet.sh")))
        .contains("${DELTACHAIN_CHAIN_ID:-deltachain-compose-1}");
  }

  @Test
  @DisplayName("GPU trainers reserve one NVIDIA GPU each behind the gpu profile; CPU trainers train on the CPU behind the cpu profile")
  void trainerProfiles() {
    List<Service> trainers = compose.services().values().stream().filter(s -> s.name().startsWith("trainer")).toList();
    List<Service> gpu = trainers.stream().filter(t -> t.profiles().equals(List.of("gpu"))).toList();
    List<Service> cpu = trainers.stream().filter(t -> t.profiles().equals(List.of("cpu"))).toList();
    assertThat(gpu).hasSizeGreaterThanOrEqualTo(2);
    assertThat(cpu).hasSizeGreaterThanOrEqualTo(1);
    assertThat(gpu.size() + cpu.size()).as("every trainer is behind exactly one of the profiles").isEqualTo(trainers.size());
    for (Service t : gpu) {
      assertThat(t.reservedDevices()).as("GPU reservation of %s", t.name()).singleElement().satisfies(d -> {
        assertThat(d.get("driver")).isEqualTo("nvidia");
        assertThat(d.get("count")).isEqualTo(1);
        assertThat(String.valueOf(d.get("capabilities"))).isEqualTo("[gpu]");
      });
      assertThat(settings(t, generated, Map.of()).trainer().device()).isEqualTo("auto");
      // DJL fetches its CUDA libtorch at run time: the image carries the CPU build
      assertThat(argv(t)).contains("-Dai.djl.offline=false");
    }
    for (Service t : cpu) {
      assertThat(t.reservedDevices()).as("%s needs no GPU", t.name()).isEmpty();
      assertThat(settings(t, generated, Map.of()).trainer().device()).isEqualTo("cpu");
    }
    assertThat(compose.services().values().stream().filter(s -> !s.profiles().isEmpty()))
        .as("only trainers are optional").allSatisfy(s -> assertThat(s.name()).startsWith("trainer"));
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
