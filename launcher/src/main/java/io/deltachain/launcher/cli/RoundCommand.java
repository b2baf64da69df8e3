package io.deltachain.launcher.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code deltachain round start|status|list}: a client of the round service's HTTP API. Exit
 * codes: 0 done, 1 the service refused (its status, error code and message are printed), 2 the
 * service could not be reached or the arguments are unusable.
 */
@Command(name = "round", description = "Start and follow rounds through the round service's HTTP API.",
    mixinStandardHelpOptions = true,
    subcommands = {RoundCommand.Start.class, RoundCommand.Status.class, RoundCommand.ListRounds.class})
public final class RoundCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** Where the service is and how to print. */
  static final class Connection {
    @Option(names = "--url", defaultValue = "${env:DELTACHAIN_ROUND_URL:-http://127.0.0.1:8080}",
        description = "the round service (default: $DELTACHAIN_ROUND_URL or ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--token", defaultValue = "${env:DELTACHAIN_ROUND_TOKEN}",
        description = "API token for writes (default: $DELTACHAIN_ROUND_TOKEN)")
    String token;

    @Option(names = "--json", description = "print the service's JSON answer instead of a table")
    boolean json;

    RoundApiClient client() {
      return new RoundApiClient(url, token);
    }
  }

  /** Runs a call, printing a failure the user can act on. */
  static int run(CommandLine.Model.CommandSpec spec, Callable<Integer> call) {
    try {
      return call.call();
    } catch (RoundApiClient.Failure f) {
      spec.commandLine().getErr().println("deltachain round " + spec.name() + ": " + f.getMessage());
      return f.status() == 0 ? 2 : 1;
    } catch (Exception e) {
      spec.commandLine().getErr().println("deltachain round " + spec.name() + ": " + e.getMessage());
      return 2;
    }
  }

  /** {@code round start}. */
  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Plan and start a round (POST /learning/round/start); prints its id and assignments.")
  static final class Start implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    Connection conn;

    @Option(names = "--model", required = true, description = "a bundled model profile, e.g. tiny-1m")
    String model;
    @Option(names = "--dataset", required = true, description = "a registered dataset, by name or hash")
    String dataset;
    @Option(names = "--mode", defaultValue = "lora", description = "hybrid, dense, lora or qlora (default ${DEFAULT-VALUE})")
    String mode;
    @Option(names = "--lr", defaultValue = "0.0001", description = "learning rate (default ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--batch-size", defaultValue = "8", description = "sequences per micro-batch (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--epochs", defaultValue = "1", description = "passes over each shard (default ${DEFAULT-VALUE})")
    int epochs;
    @Option(names = "--lora-rank", defaultValue = "8", description = "LoRA rank (default ${DEFAULT-VALUE})")
    int loraRank;
    @Option(names = "--lora-alpha", description = "LoRA alpha: the adapters' scale is alpha / rank (default: twice the"
        + " rank)")
    Double loraAlpha;
    @Option(names = "--sequence-length", description = "tokens per sequence (default: the service's)")
    Integer sequenceLength;
    @Option(names = "--steps", description = "optimizer steps per trainer (default: trainers derive them)")
    Integer steps;
    @Option(names = "--layers", description = "train only these layers: N or FIRST-LAST (default: all)")
    String layers;
    @Option(names = "--targets", split = ",", description = "LoRA targets, e.g. q_proj,v_proj (default: all seven)")
    List<String> targets;
    @Option(names = "--aggregation", description = "weighted_mean, krum, multi_krum, trimmed_mean, coordinate_median")
    String aggregation;
    @Option(names = "--training-blocks", description = "training window in blocks")
    Integer trainingBlocks;
    @Option(names = "--validation-blocks", description = "verdict window in blocks")
    Integer validationBlocks;
    @Option(names = "--wait", description = "follow the round until it ends, printing each change")
    boolean waitForEnd;

    @Override
    public Integer call() {
      return run(spec, () -> {
        JsonObject hp = new JsonObject().put("lr", lr).put("batch_size", batchSize).put("epochs", epochs)
            .put("lora_rank", loraRank);
        if (loraAlpha != null) {
          hp.put("lora_alpha", loraAlpha);
        }
        if (sequenceLength != null) {
          hp.put("sequence_length", sequenceLength);
        }
        if (steps != null) {
          hp.put("steps", steps);
        }
        JsonObject body = new JsonObject().put("model_id", model).put("mode", mode).put("dataset", dataset)
            .put("hyperparams", hp);
        if (layers != null) {
          body.put("layers", layerSpan(layers));
        }
        if (targets != null && !targets.isEmpty()) {
          body.put("target_modules", new JsonArray(List.copyOf(targets)));
        }
        if (aggregation != null) {
          body.put("aggregation", aggregation);
        }
        if (trainingBlocks != null) {
          body.put("training_blocks", trainingBlocks);
        }
        if (validationBlocks != null) {
          body.put("validation_blocks", validationBlocks);
        }
        RoundApiClient client = conn.client();
        JsonObject r = client.post("/learning/round/start", body);
        PrintWriter out = spec.commandLine().getOut();
        if (conn.json) {
          out.println(r.encodePrettily());
        } else {
          out.printf("round %s started: StartRound at height %d, tx %s, plan %s%n", r.getString("round_id"),
              r.getLong("height"), r.getString("tx_hash"), r.getString("plan_hash"));
        }
        out.flush();
        if (waitForEnd) {
          JsonObject end = follow(client, r.getString("round_id"), out, conn.json);
          return "FINALIZED".equals(end.getString("status")) ? 0 : 1;
        }
        return 0;
      });
    }

    private static JsonObject layerSpan(String text) {
      String[] parts = text.strip().split("-", 2);
      try {
        int first = Integer.parseInt(parts[0].strip());
        int last = parts.length > 1 ? Integer.parseInt(parts[1].strip()) : first;
        return new JsonObject().put("first", first).put("last", last);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--layers must be N or FIRST-LAST, got '" + text + "'");
      }
    }
  }

  /** Polls a round until it ends, printing every change of state and every decided delta. */
  static JsonObject follow(RoundApiClient client, String roundId, PrintWriter out, boolean json) throws InterruptedException {
    String last = "";
    while (true) {
      JsonObject st = client.get("/learning/round/" + enc(roundId) + "/status");
      String now = st.getString("status") + " " + st.getInteger("deltas_received") + "/" + st.getInteger("deltas_validated")
          + " " + st.getJsonArray("checkpoints").size();
      if (!now.equals(last)) {
        last = now;
        if (json) {
          out.println(st.encode());
        } else {
          out.printf(Locale.ROOT, "%s  %-11s progress %3.0f%%  deltas %d received, %d decided  checkpoints %d  (%s)%n",
              java.time.LocalTime.now().withNano(0), st.getString("status"), 100 * st.getDouble("progress"),
              st.getInteger("deltas_received"), st.getInteger("deltas_validated"), st.getJsonArray("checkpoints").size(),
              st.getString("reason"));
        }
        out.flush();
      }
      if (List.of("FINALIZED", "FAILED", "CANCELLED").contains(st.getString("status"))) {
        if (!json) {
          printStatus(st, out);
        }
        return st;
      }
      Thread.sleep(Duration.ofSeconds(1).toMillis());
    }
  }

  /** {@code round status}. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show a round: state, workers, deltas with verdicts, checkpoints, cost (GET /learning/round/{id}/status).")
  static final class Status implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    Connection conn;
    @Parameters(index = "0", description = "the round id")
    String roundId;
    @Option(names = "--wait", description = "follow the round until it ends")
    boolean waitForEnd;

    @Override
    public Integer call() {
      return run(spec, () -> {
        RoundApiClient client = conn.client();
        PrintWriter out = spec.commandLine().getOut();
        if (waitForEnd) {
          JsonObject end = follow(client, roundId, out, conn.json);
          return "FINALIZED".equals(end.getString("status")) ? 0 : 1;
        }
        JsonObject st = client.get("/learning/round/" + enc(roundId) + "/status");
        if (conn.json) {
          out.println(st.encodePrettily());
        } else {
          printStatus(st, out);
        }
        out.flush();
        return 0;
      });
    }
  }

  /** {@code round list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List rounds, newest first (GET /learning/rounds).")
  static final class ListRounds implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    Connection conn;
    @Option(names = "--state", description = "only rounds in this state (CREATED, TRAINING, ..., FINALIZED)")
    String state;
    @Option(names = "--limit", defaultValue = "100", description = "at most this many (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
      return run(spec, () -> {
        String q = "?limit=" + limit + (state == null ? "" : "&state=" + enc(state));
        JsonObject r = conn.client().get("/learning/rounds" + q);
        PrintWriter out = spec.commandLine().getOut();
        if (conn.json) {
          out.println(r.encodePrettily());
        } else {
          JsonArray rounds = r.getJsonArray("rounds");
          out.printf("%-20s %-11s %-12s %8s %8s %8s  %s%n", "ROUND", "STATUS", "MODEL", "PROGRESS", "DELTAS", "DECIDED",
              "REASON");
          for (Object o : rounds) {
            JsonObject x = (JsonObject) o;
            out.printf(Locale.ROOT, "%-20s %-11s %-12s %7.0f%% %8d %8d  %s%n", x.getString("round_id"),
                x.getString("status"), x.getString("model_id"), 100 * x.getDouble("progress"),
                x.getInteger("deltas_received"), x.getInteger("deltas_validated"), x.getString("reason"));
          }
          if (rounds.isEmpty()) {
            out.println("(no rounds" + (state == null ? "" : " in state " + state) + ")");
          }
        }
        out.flush();
        return 0;
      });
    }
  }

  static void printStatus(JsonObject st, PrintWriter out) {
    out.printf(Locale.ROOT, "round %s  %s  (%s)%n", st.getString("round_id"), st.getString("status"), st.getString("reason"));
    out.printf(Locale.ROOT, "model %s, progress %.0f%%, started at height %d, now %d%n", st.getString("model_id"),
        100 * st.getDouble("progress"), st.getLong("start_height", 0L), st.getLong("height", 0L));
    out.println("workers:");
    for (Object o : st.getJsonArray("workers", new JsonArray())) {
      JsonObject w = (JsonObject) o;
      out.printf(Locale.ROOT, "  %-40s %-20s layers %-6s shard %-3d %-5s rank %-3d %s delivered %d%s%n",
          w.getString("address"), w.getString("moniker", ""), w.getString("layers"), w.getInteger("shard_index"),
          w.getString("mode"), w.getInteger("lora_rank"), w.getBoolean("alive") ? "alive" : "SILENT",
          w.getLong("deltas_submitted"), w.containsKey("replaced") ? "  (replaces " + w.getString("replaced") + ")" : "");
    }
    out.println("deltas:");
    for (Object o : st.getJsonArray("deltas", new JsonArray())) {
      JsonObject d = (JsonObject) o;
      out.printf(Locale.ROOT, "  %-12s %-16s shard %-3d by %-40s %-9s %s%n", d.getString("delta_id").substring(0, 12),
          d.getString("layer_name"), d.getInteger("shard_index"), d.getString("trainer"), d.getString("status"),
          d.getJsonArray("reasons").isEmpty() ? "" : String.join(",", d.getJsonArray("reasons").stream()
              .map(String::valueOf).toList()));
    }
    out.println("checkpoints:");
    for (Object o : st.getJsonArray("checkpoints", new JsonArray())) {
      JsonObject c = (JsonObject) o;
      out.printf(Locale.ROOT, "  %-16s %s%s at height %d%n", c.getString("layer"), c.getString("hash"),
          c.getString("cid") == null || c.getString("cid").isEmpty() ? "" : " (" + c.getString("cid") + ")",
          c.getLong("height"));
    }
    JsonObject cost = st.getJsonObject("cost", new JsonObject());
    out.printf(Locale.ROOT, "cost: $%s (%.1f GPU-s, %d B stored, %d B moved)%n", cost.getString("total_cost", "0"),
        cost.getDouble("gpu_seconds", 0.0), cost.getLong("stored_bytes", 0L), cost.getLong("transferred_bytes", 0L));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
