package io.deltachain.round.dashboard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training-loss curves per round and trainer, from the progress events trainers publish while
 * they train. Bounded: at most {@value #MAX_POINTS} points per curve (older points are thinned
 * to every other one when a curve is full, so a long run keeps its shape) and at most
 * {@value #MAX_ROUNDS} rounds (the oldest is dropped).
 */
public final class TrainingCurves {
  static final int MAX_POINTS = 400;
  static final int MAX_ROUNDS = 50;

  /**
   * A task id as the round service makes it ({@code <round>/<TRAINER>/<shard>}), or as the
   * trainer bridge rewrites it for the trainer ({@code /} replaced by {@code -}, and
   * {@code -attemptN} added on a retry).
   */
  private static final Pattern TASK_ID =
      Pattern.compile("^(.+)[/-]([0-9A-Fa-f]{40})[/-](\\d+)(?:-attempt\\d+)?$");

  private final Map<String, Map<String, Curve>> rounds = new LinkedHashMap<>();

  /** One trainer's curve in one round. */
  private static final class Curve {
    final List<double[]> points = new ArrayList<>();
    long totalSteps;
    double tokensPerSecond;
    int stride = 1;
    long lastStep = -1;
  }

  /** Where a progress event belongs: its round, trainer and shard. */
  public record TaskRef(String roundId, String trainer, int shard) {}

  /** The round, trainer and shard of a task id, when it has the round service's shape. */
  public static Optional<TaskRef> parseTaskId(String taskId) {
    if (taskId == null) {
      return Optional.empty();
    }
    Matcher m = TASK_ID.matcher(taskId);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new TaskRef(m.group(1), m.group(2).toLowerCase(Locale.ROOT), Integer.parseInt(m.group(3))));
  }

  /**
   * Adds one point.
   *
   * @param trainer the trainer's address, hex (any case)
   * @param step the optimizer step the loss was measured at
   * @param loss the training loss; non-finite values are dropped (they would break the chart)
   */
  public void add(String roundId, String trainer, long step, long totalSteps, double loss, double tokensPerSecond) {
    if (!Double.isFinite(loss)) {
      return;
    }
    Map<String, Curve> byTrainer = rounds.computeIfAbsent(roundId, k -> new TreeMap<>());
    while (rounds.size() > MAX_ROUNDS) {
      rounds.remove(rounds.keySet().iterator().next());
    }
    Curve c = byTrainer.computeIfAbsent(trainer.toLowerCase(Locale.ROOT), k -> new Curve());
    if (step < c.lastStep) {
      // a retried run starts again from step 0: its curve replaces the failed one
      c.points.clear();
      c.stride = 1;
    }
    c.lastStep = step;
    c.totalSteps = Math.max(c.totalSteps, totalSteps);
    if (tokensPerSecond > 0 && Double.isFinite(tokensPerSecond)) {
      c.tokensPerSecond = tokensPerSecond;
    }
    if (step % c.stride != 0 && step != totalSteps) {
      return;
    }
    c.points.add(new double[] {step, loss});
    if (c.points.size() >= MAX_POINTS) {
      List<double[]> kept = new ArrayList<>();
      for (int i = 0; i < c.points.size(); i += 2) {
        kept.add(c.points.get(i));
      }
      c.points.clear();
      c.points.addAll(kept);
      c.stride *= 2;
    }
  }

  /** The latest throughput a trainer reported in any round (0 when none). */
  public double latestTokensPerSecond(String trainer) {
    String t = trainer.toLowerCase(Locale.ROOT);
    double out = 0;
    for (Map<String, Curve> byTrainer : rounds.values()) {
      Curve c = byTrainer.get(t);
      if (c != null && c.tokensPerSecond > 0) {
        out = c.tokensPerSecond;
      }
    }
    return out;
  }

  /**
   * The curves of a round: {@code [{trainer, total_steps, tokens_per_second, points: [[step, loss], ...]}]},
   * by trainer address.
   */
  public JsonArray toJson(String roundId) {
    JsonArray out = new JsonArray();
    Map<String, Curve> byTrainer = rounds.get(roundId);
    if (byTrainer == null) {
      return out;
    }
    byTrainer.forEach((trainer, c) -> {
      JsonArray pts = new JsonArray();
      c.points.forEach(p -> pts.add(new JsonArray().add((long) p[0]).add(p[1])));
      out.add(new JsonObject().put("trainer", trainer).put("total_steps", c.totalSteps)
          .put("tokens_per_second", c.tokensPerSecond).put("points", pts));
    });
    return out;
  }
}
