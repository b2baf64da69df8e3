package io.deltachain.launcher.demo;

import io.deltachain.abci.client.ChainClient;
import io.deltachain.trainer.service.TrainerAddresses;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code deltachain bench round}: runs rounds on a devnet exactly as the demo does and measures,
 * from the chain's own block times, how long the end of a round takes and how fast the trainers
 * trained.
 *
 * <ul>
 *   <li><b>finalization latency</b>: from the block that committed the round's last delta to the
 *       block that committed its FinalizeRound, split into verdicts (last delta to last decision),
 *       aggregation (to the checkpoint's acceptance) and closing (to FinalizeRound);
 *   <li><b>aggregate training tokens/s</b>: every committed delta's tokens over the time from the
 *       StartRound block to the last delta's block (what the network delivered), and the sum of
 *       the trainers' own measured rates (what they could deliver training side by side).
 * </ul>
 */
public final class RoundBench {
  /** One round's figures. */
  public record Figures(String roundId, String layer, int deltas, long tokens, double trainingSeconds,
      double deliveredTokensPerSecond, double trainerTokensPerSecond, long lastDeltaHeight, long decidedHeight,
      long checkpointHeight, long finalizeHeight, double verdictSeconds, double aggregationSeconds,
      double closingSeconds, double finalizationSeconds, double evalLossBefore, double evalLossAfter) {}

  private final Devnet net;
  private final PrintStream out;

  /** A bench on a started devnet. */
  public RoundBench(Devnet net, PrintStream out) {
    this.net = net;
    this.out = out;
  }

  /** Runs {@code rounds} rounds, one per layer (0, 1, ...), of {@code steps} steps each. */
  public List<Figures> run(int rounds, int steps) throws Exception {
    return run(rounds, steps, null);
  }

  /**
   * Runs {@code rounds} rounds of {@code steps} steps each: all on {@code layer}, each building on
   * the checkpoint the previous one finalized, or one per layer (0, 1, ...) when {@code layer} is
   * null.
   */
  public List<Figures> run(int rounds, int steps, Integer layer) throws Exception {
    int layers = net.profile().numLayers();
    if (layer != null && (layer < 0 || layer >= layers)) {
      throw new IllegalArgumentException("--layer must be 0.." + (layers - 1) + " for " + net.profile().name());
    }
    if (rounds < 1 || (layer == null && rounds > layers)) {
      throw new IllegalArgumentException("--rounds must be 1.." + layers + " (one round per layer of "
          + net.profile().name() + "; name a --layer to run more rounds on one layer)");
    }
    List<Figures> all = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      Map<String, Double> rates = new ConcurrentHashMap<>();
      MessageConsumer<JsonObject> done = net.coordinatorVertx().eventBus().consumer(TrainerAddresses.COMPLETED, m -> {
        JsonObject metrics = m.body().getJsonObject("metrics", new JsonObject());
        String tps = metrics.getString("tokens_per_s");
        if (tps != null) {
          rates.put(m.body().getString("taskId"), Double.parseDouble(tps));
        }
      });
      DemoRound.Result r;
      try {
        r = new DemoRound(net, out, steps, layer == null ? i : layer).run();
      } finally {
        done.unregister();
      }
      all.add(measure(r, rates.values().stream().mapToDouble(Double::doubleValue).sum()));
    }
    return all;
  }

  private Figures measure(DemoRound.Result r, double trainerRates) {
    ChainClient chain = net.coordinatorChain();
    JsonObject round = Devnet.await(chain.queryJson("/round/" + r.roundId()), 30);
    long start = round.getLong("start_height");
    long lastDelta = 0;
    long decided = 0;
    long tokens = 0;
    int deltas = 0;
    for (Object id : round.getJsonArray("deltas")) {
      JsonObject d = Devnet.await(chain.queryJson("/delta/" + id), 30);
      lastDelta = Math.max(lastDelta, d.getLong("submitted_height"));
      decided = Math.max(decided, d.getLong("decided_height"));
      tokens += Long.parseLong(d.getString("tokens"));
      deltas++;
    }
    JsonObject head = Devnet.await(chain.queryJson("/layer/" + r.layer() + "/head"), 30);
    long checkpoint = head.getJsonObject("checkpoint").getLong("accepted_height");
    long finalize = round.getLong("finalized_height");
    Instant tStart = blockTime(chain, start);
    Instant tLast = blockTime(chain, lastDelta);
    Instant tDecided = blockTime(chain, decided);
    Instant tCheckpoint = blockTime(chain, checkpoint);
    Instant tFinal = blockTime(chain, finalize);
    double training = seconds(tStart, tLast);
    return new Figures(r.roundId(), r.layer(), deltas, tokens, training, training > 0 ? tokens / training : 0,
        trainerRates, lastDelta, decided, checkpoint, finalize, seconds(tLast, tDecided), seconds(tDecided, tCheckpoint),
        seconds(tCheckpoint, tFinal), seconds(tLast, tFinal), r.evalLossBefore(), r.evalLossAfter());
  }

  private static Instant blockTime(ChainClient chain, long height) {
    JsonObject b = Devnet.await(chain.call("block", new JsonObject().put("height", Long.toString(height))), 30);
    return Instant.parse(b.getJsonObject("block").getJsonObject("header").getString("time"));
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }

  /** The figures as a table. */
  public static String table(List<Figures> all, Devnet.Settings s) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "round finalization on %d CometBFT validators (timeout_commit 300 ms), %d trainers,"
        + " %s, times from block headers%n", s.validators(), s.trainers(), s.profile()));
    sb.append(String.format(Locale.ROOT, "%-20s %-15s %6s %9s %9s %9s %9s %11s %11s %10s%n", "round", "layer", "deltas",
        "verdicts", "aggregate", "close", "final", "delivered", "trainers", "heights"));
    sb.append(String.format(Locale.ROOT, "%-20s %-15s %6s %9s %9s %9s %9s %11s %11s %10s%n", "", "", "", "s", "s", "s",
        "s", "tokens/s", "tokens/s", "delta-fin"));
    for (Figures f : all) {
      sb.append(String.format(Locale.ROOT, "%-20s %-15s %6d %9.2f %9.2f %9.2f %9.2f %11.0f %11.0f %4d-%d%n",
          f.roundId(), f.layer(), f.deltas(), f.verdictSeconds(), f.aggregationSeconds(), f.closingSeconds(),
          f.finalizationSeconds(), f.deliveredTokensPerSecond(), f.trainerTokensPerSecond(), f.lastDeltaHeight(),
          f.finalizeHeight()));
    }
    sb.append("eval loss of each round: ");
    for (Figures f : all) {
      sb.append(String.format(Locale.ROOT, "%.4f -> %.4f  ", f.evalLossBefore(), f.evalLossAfter()));
    }
    sb.append("\n");
    sb.append("final: last delta committed -> FinalizeRound committed (verdicts + aggregate + close).\n");
    sb.append("delivered: tokens of all committed deltas / (StartRound block -> last delta block);"
        + " trainers: sum of each trainer's own measured rate.\n");
    sb.append("In one JVM the trainers and validators take turns on PyTorch (TorchGate), so 'delivered' is serial here.\n");
    return sb.toString();
  }
}
