package io.deltachain.launcher.serve;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.deltachain.abci.client.ChainClient;
import io.deltachain.core.bus.ClusterFactory;
import io.deltachain.core.bus.ClusterOptions;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.inference.InferenceVerticle;
import io.deltachain.inference.decode.DecoderModel;
import io.deltachain.inference.decode.DjlDecoderModel;
import io.deltachain.inference.decode.DraftSelector;
import io.deltachain.inference.decode.Drafter;
import io.deltachain.inference.decode.ModelDrafter;
import io.deltachain.inference.load.HeadsLoader;
import io.deltachain.inference.remote.DraftVerticle;
import io.deltachain.inference.remote.EventBusDrafter;
import io.deltachain.store.client.DeltaStoreClient;
import io.deltachain.trainer.data.ByteTokenizer;
import io.deltachain.trainer.hf.HfCheckpoints;
import io.deltachain.trainer.model.CausalLm;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deltachain serve}: the inference service for a model as of the chain's heads, with
 * speculative decoding by a local draft (chosen by size among the given ones) or a draft node on
 * the cluster ({@code deltachain serve --draft-node}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve a model as of the chain's heads over HTTP (POST /inference/generate, SSE), with speculative decoding.")
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--profile", required = true, description = "bundled model profile of the served model (e.g. tiny-1m)")
  String profile;

  @Option(names = "--base", defaultValue = "random:1",
      description = "base weights: random:<seed> or a Hugging Face checkpoint directory (default ${DEFAULT-VALUE})")
  String base;

  @Option(names = "--chain", description = "CometBFT RPC URL; with it the layers' head checkpoints are applied to the base")
  String chainUrl;

  @Option(names = "--store", description = "delta store URL the head checkpoints are downloaded from (needed with --chain)")
  String storeUrl;

  @Option(names = "--draft", description = "a draft model: <profile>:random:<seed> or <profile>:<HF dir>; repeatable,"
      + " the largest with at most --draft-fraction of the target's parameters is used")
  List<String> drafts = new ArrayList<>();

  @Option(names = "--draft-fraction", defaultValue = "0.5", description = "largest draft/target size ratio (default ${DEFAULT-VALUE})")
  double draftFraction;

  @Option(names = "--draft-address", description = "use the draft served at this event-bus address by a draft node")
  String draftAddress;

  @Option(names = "--draft-node", description = "run as a draft node: serve --profile/--base on the event bus at --draft-address")
  boolean draftNode;

  @Option(names = "--cluster-port", defaultValue = "0", description = "Hazelcast port of this member (with --draft-address or --draft-node)")
  int clusterPort;

  @Option(names = "--members", split = ",", description = "Hazelcast members host:port (with --draft-address or --draft-node)")
  List<String> members = new ArrayList<>();

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "HTTP bind address (default ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--port", defaultValue = "8090", description = "HTTP port (default ${DEFAULT-VALUE})")
  int port;

  private static CausalLm load(ModelProfile profile, String spec, Device device) throws Exception {
    if (spec.startsWith("random:")) {
      return new CausalLm(profile, device, Integer.parseInt(spec.substring("random:".length())));
    }
    Path dir = Path.of(spec);
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("base '" + spec + "' is neither random:<seed> nor a checkpoint directory");
    }
    return HfCheckpoints.load(dir, device);
  }

  /**
   * A running server (or draft node): its port and what it serves; closing it stops its Vert.x.
   *
   * @param vertx the server's Vert.x
   * @param port the HTTP port (0 for a draft node)
   * @param info what {@code GET /inference/model} reports of the base and the applied heads
   */
  public record Running(Vertx vertx, int port, JsonObject info) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public Integer call() throws Exception {
    start(System.out);
    Thread.currentThread().join();
    return 0;
  }

  /**
   * Loads the model (base plus the chain's heads with {@code --chain}), deploys the inference
   * service or the draft node and returns once it listens.
   *
   * @param out where progress lines go
   */
  public Running start(PrintStream out) throws Exception {
    Device device = Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    ModelProfile p = ModelProfiles.bundled(profile);
    boolean clustered = draftNode || draftAddress != null;
    Vertx vertx = clustered
        ? ClusterFactory.start(ClusterOptions.builder().setClusterName("deltachain-inference").setBindHost(host)
            .optHazelcastPort(clusterPort).optMembers(members).build()).toCompletionStage().toCompletableFuture()
            .get(120, TimeUnit.SECONDS)
        : Vertx.vertx();
    ClusterFactory.closeOnShutdown(vertx, Duration.ofSeconds(10));
    try {
      return start(vertx, p, device, out);
    } catch (Exception | Error e) {
      vertx.close();
      throw e;
    }
  }

  private Running start(Vertx vertx, ModelProfile p, Device device, PrintStream out) throws Exception {
    CausalLm model = load(p, base, device);
    JsonObject info = new JsonObject().put("base", base);
    if (chainUrl != null) {
      if (storeUrl == null) {
        throw new IllegalArgumentException("--chain needs --store (where the head checkpoints are downloaded from)");
      }
      ChainClient chain = new ChainClient(vertx, chainUrl);
      DeltaStoreClient store = new DeltaStoreClient(vertx, storeUrl);
      Path tmp = Files.createTempDirectory("deltachain-serve");
      ChainHeads heads = new ChainHeads(chain, store, tmp);
      List<String> layers = new ArrayList<>();
      for (int i = 0; i < p.numLayers(); i++) {
        layers.add("model.layers." + i);
      }
      List<HeadsLoader.Applied> applied = HeadsLoader.apply(model, heads.heads(layers), heads.blobs());
      JsonArray a = new JsonArray();
      for (HeadsLoader.Applied x : applied) {
        a.add(new JsonObject().put("layer", x.layer()).put("checkpoint", x.hash().hex()).put("cid", heads.cid(x.hash())));
        out.printf("[serve] %s <- checkpoint %s (%d tensors, hash verified)%n", x.layer(), x.hash().hex(), x.tensors());
      }
      info.put("chain", chainUrl).put("heads", a);
      if (applied.isEmpty()) {
        out.println("[serve] no accepted checkpoints on chain yet: serving the base");
      }
    }
    DjlDecoderModel target = new DjlDecoderModel(model, profile + (chainUrl != null ? "@chain-heads" : "@" + base));
    if (draftNode) {
      if (draftAddress == null) {
        throw new IllegalArgumentException("--draft-node needs --draft-address");
      }
      vertx.deployVerticle(new DraftVerticle(target, draftAddress, Duration.ofMinutes(2).toMillis()))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      out.printf("[serve] draft node: %s (%d parameters) on the event bus at %s%n", target.name(),
          target.parameterCount(), draftAddress);
      return new Running(vertx, 0, info);
    }
    Supplier<Drafter> drafter = null;
    String draftName = null;
    if (draftAddress != null) {
      drafter = () -> new EventBusDrafter(vertx, draftAddress, Duration.ofSeconds(30));
      draftName = "remote:" + draftAddress;
    } else if (!drafts.isEmpty()) {
      List<DecoderModel> candidates = new ArrayList<>();
      for (String d : drafts) {
        int colon = d.indexOf(':');
        if (colon < 0) {
          throw new IllegalArgumentException("--draft '" + d + "' must be <profile>:random:<seed> or <profile>:<dir>");
        }
        String prof = d.substring(0, colon);
        candidates.add(new DjlDecoderModel(load(ModelProfiles.bundled(prof), d.substring(colon + 1), device), d));
      }
      Optional<DecoderModel> chosen = new DraftSelector(draftFraction).choose(target, candidates);
      if (chosen.isEmpty()) {
        out.println("[serve] no draft fits (same vocabulary, at most " + draftFraction
            + " of the target's parameters): serving without speculation");
      } else {
        DecoderModel d = chosen.get();
        drafter = () -> new ModelDrafter(d);
        draftName = d.name();
      }
    }
    InferenceVerticle verticle = new InferenceVerticle(target, new ByteTokenizer(p.vocabSize()), drafter, draftName, info,
        host, port);
    vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    out.printf("[serve] %s (%d parameters) on http://%s:%d/inference/generate, draft: %s%n", target.name(),
        target.parameterCount(), host, verticle.port(), draftName == null ? "none" : draftName);
    return new Running(vertx, verticle.port(), info);
  }
}
