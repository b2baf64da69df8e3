package io.deltachain.inference.remote;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.deltachain.core.bus.ClusterFactory;
import io.deltachain.core.bus.ClusterOptions;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.inference.decode.DjlDecoderModel;
import io.deltachain.trainer.model.CausalLm;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a draft model as its own cluster member (the small-GPU node of distributed speculation):
 * {@code DraftServiceMain <profile> <seed> <address> <bindHost> <hazelcastPort> <member,member,...>}.
 * The model is a {@code random:<seed>} base of the bundled profile (what the devnet trains from).
 * Prints {@code draft ready <address>} once it serves; stops on SIGTERM.
 */
public final class DraftServiceMain {
  private DraftServiceMain() {
  }

  /** @param args profile, seed, address, bind host, Hazelcast port, comma-separated members */
  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: DraftServiceMain <profile> <seed> <address> <bindHost> <hazelcastPort> <members>");
      System.exit(2);
    }
    Device device = Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    CausalLm model = new CausalLm(ModelProfiles.bundled(args[0]), device, Integer.parseInt(args[1]));
    DjlDecoderModel draft = new DjlDecoderModel(model, args[0] + "@" + args[1]);
    List<String> members = Arrays.asList(args[5].split(","));
    Vertx vertx = ClusterFactory.start(ClusterOptions.builder().setClusterName("deltachain-inference")
        .setBindHost(args[3]).optHazelcastPort(Integer.parseInt(args[4])).optPortAutoIncrement(false)
        .optMembers(members).build()).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    vertx.deployVerticle(new DraftVerticle(draft, args[2], Duration.ofMinutes(2).toMillis()))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    ClusterFactory.closeOnShutdown(vertx, Duration.ofSeconds(10));
    System.out.println("draft ready " + args[2] + " (" + draft.name() + ", " + draft.parameterCount() + " parameters on "
        + device + ")");
  }
}
