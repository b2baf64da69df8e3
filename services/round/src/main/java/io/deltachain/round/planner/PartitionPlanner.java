package io.deltachain.round.planner;

import io.deltachain.core.profile.LayerRange;
import io.deltachain.core.profile.MemoryEstimate;
import io.deltachain.core.profile.Precision;
import io.deltachain.core.profile.TrainingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Plans pipelines over a fleet of heterogeneous workers for any model profile.
 *
 * <h2>Tiers and ladders</h2>
 *
 * A worker's memory puts it in a {@link WorkerTier}. Each tier has a ladder of
 * {@link TrainingRung}s, most faithful first: above 16 GiB dense (any number of layers), dense
 * with activation checkpointing, LoRA, LoRA with checkpointing, QLoRA, QLoRA with
 * checkpointing; 8-16 GiB the same but dense only for "a few" layers (a quarter of the model
 * by default); 4-8 GiB only the adapter rungs, rank at most 16; below 4 GiB no training
 * (validation or speculative decoding). The round's {@link PlanMode} keeps only its rungs.
 * Each worker starts on the first rung on which it can hold at least one layer.
 *
 * <h2>Pipelines</h2>
 *
 * Pipelines are built one at a time from the pool of workers: take the workers that can hold
 * the most layers until their capacity covers the model (at most
 * {@link PlannerConfig#maxStagesPerPipeline()} stages). When they cannot, a worker moves one
 * rung down its ladder, the one whose capacity grows most (checkpointing before quantizing, as
 * the ladder orders them), and the pool is tried again. Once a group covers the model, the
 * span of each stage is chosen by dynamic programming to minimise the slowest stage's time
 * ({@code flops(span) / throughput}, as Petals places blocks), subject to each worker's
 * memory at its position (the first stage holds the embeddings, the last the head and the
 * loss's logits), trying each choice of first and last worker. Finally each stage moves back
 * up its ladder as far as its actual span fits in memory without becoming slower than the
 * bottleneck. Every stage is checked against the worker's usable memory before the plan is
 * returned.
 *
 * <h2>Rebalancing</h2>
 *
 * {@link #rebalance} keeps every pipeline whose workers are all still there and plans the free
 * workers (those of broken pipelines and new ones) into new pipelines; it adopts a plan from
 * scratch instead only when that raises total throughput by more than
 * {@link PlannerConfig#rebalanceMinGain()} (25 %), because moving workers costs reloading
 * weights.
 *
 * <p>Everything is deterministic: ties break by worker id.
 */
public final class PartitionPlanner {
  private static final double EPSILON = 1e-12;
  /** A leftover worker joins a pipeline only when it speeds that pipeline up by more than this. */
  private static final double LEFTOVER_MIN_GAIN = 0.10;

  private final PlannerConfig config;

  /** A planner with this policy. */
  public PartitionPlanner(PlannerConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /** A planner with the default policy. */
  public PartitionPlanner() {
    this(PlannerConfig.defaults());
  }

  /** The policy. */
  public PlannerConfig config() {
    return config;
  }

  /**
   * Plans the request over the workers.
   *
   * @throws PlanningException when not even one pipeline can be formed, naming the smallest
   *     requirement and what the fleet offers
   * @throws IllegalArgumentException for duplicate worker ids
   */
  public PartitionPlan plan(PlanRequest request, List<WorkerSpec> workers) {
    Objects.requireNonNull(request, "request");
    checkUnique(workers);
    StageModel model = new StageModel(request, config);
    int numLayers = request.profile().numLayers();
    List<AuxiliaryAssignment> aux = new ArrayList<>();
    List<Candidate> pool = new ArrayList<>();
    for (WorkerSpec w : sorted(workers)) {
      WorkerTier tier = config.tierOf(w.memoryBytes());
      if (tier == WorkerTier.VALIDATION_ONLY) {
        aux.add(new AuxiliaryAssignment(w.id(), AuxiliaryAssignment.Role.VALIDATION_OR_DRAFT,
            String.format(Locale.ROOT, "%.1f GiB is below the %.0f GiB training tier: validation or"
                + " speculative decoding only", w.memoryGiB(), gib(config.validationOnlyBelowBytes()))));
        continue;
      }
      List<TrainingRung> ladder = ladder(tier, request.mode(), numLayers);
      if (ladder.isEmpty()) {
        aux.add(new AuxiliaryAssignment(w.id(), AuxiliaryAssignment.Role.STANDBY,
            String.format(Locale.ROOT, "mode %s trains densely, and %.1f GiB (below %.0f GiB) trains"
                + " adapters only", request.mode().label(), w.memoryGiB(), gib(config.adapterBelowBytes()))));
        continue;
      }
      Candidate c = new Candidate(w, tier, ladder, request, model, config);
      if (!c.startOnFirstFittingRung()) {
        aux.add(new AuxiliaryAssignment(w.id(), AuxiliaryAssignment.Role.STANDBY,
            "cannot hold one layer even as " + ladder.get(ladder.size() - 1).label() + ": " + c.smallestNeed()));
        continue;
      }
      pool.add(c);
    }

    List<Layout> layouts = new ArrayList<>();
    while (!pool.isEmpty()) {
      Layout layout = buildPipeline(pool, numLayers);
      if (layout == null) {
        break;
      }
      layouts.add(layout);
      Set<Candidate> used = new HashSet<>(layout.members());
      pool.removeIf(used::contains);
    }

    if (layouts.isEmpty()) {
      throw new PlanningException(noPipelineMessage(request, model, workers, pool));
    }
    extendWithLeftovers(layouts, pool, numLayers);

    List<String> warnings = new ArrayList<>();
    List<Pipeline> pipelines = new ArrayList<>();
    for (Layout layout : layouts) {
      Pipeline p = materialize(pipelines.size(), layout, model);
      pipelines.add(p);
      if (p.imbalance() > config.imbalanceWarnRatio()) {
        warnings.add(imbalanceWarning(p, layout));
      }
    }
    if (!pool.isEmpty()) {
      int capacity = pool.stream().mapToInt(c -> c.cap(false, false)).sum();
      for (Candidate c : pool) {
        aux.add(new AuxiliaryAssignment(c.worker.id(), AuxiliaryAssignment.Role.STANDBY, String.format(Locale.ROOT,
            "spare: the %d workers left over hold at most %d of %d layers, too few for another pipeline",
            pool.size(), capacity, numLayers)));
      }
      warnings.add(String.format(Locale.ROOT,
          "%d worker(s) on standby: together they cannot complete another pipeline (%d of %d layers)",
          pool.size(), capacity, numLayers));
    }
    aux.sort(Comparator.comparing(AuxiliaryAssignment::workerId));
    return new PartitionPlan(request.profile().name(), numLayers, request.mode(), pipelines, aux, warnings);
  }

  /**
   * Re-plans after workers joined or left (see the class doc).
   *
   * @throws PlanningException when the fleet can no longer form any pipeline
   */
  public RebalanceDecision rebalance(PlanRequest request, PartitionPlan current, List<WorkerSpec> fleet) {
    checkUnique(fleet);
    Map<String, WorkerSpec> byId = new LinkedHashMap<>();
    fleet.forEach(w -> byId.put(w.id(), w));
    Set<String> known = new HashSet<>(current.trainingWorkers());
    current.auxiliaries().forEach(a -> known.add(a.workerId()));
    List<String> departed = current.trainingWorkers().stream().filter(id -> !byId.containsKey(id)).sorted().toList();
    List<String> joined = byId.keySet().stream().filter(id -> !known.contains(id)).sorted().toList();

    List<Pipeline> intact = current.pipelines().stream()
        .filter(p -> p.workerIds().stream().allMatch(byId::containsKey))
        .toList();
    Set<String> busy = new HashSet<>();
    intact.forEach(p -> busy.addAll(p.workerIds()));
    List<WorkerSpec> free = fleet.stream().filter(w -> !busy.contains(w.id())).toList();

    PartitionPlan fresh = plan(request, fleet);
    PartitionPlan kept;
    List<Pipeline> keptPipelines = new ArrayList<>();
    List<AuxiliaryAssignment> keptAux = new ArrayList<>();
    List<String> keptWarnings = new ArrayList<>();
    for (Pipeline p : intact) {
      keptPipelines.add(new Pipeline(keptPipelines.size(), p.stages(), p.bottleneckStage(), p.balancedSecondsPerToken()));
    }
    if (!free.isEmpty()) {
      try {
        PartitionPlan extra = plan(request, free);
        for (Pipeline p : extra.pipelines()) {
          keptPipelines.add(new Pipeline(keptPipelines.size(), p.stages(), p.bottleneckStage(), p.balancedSecondsPerToken()));
        }
        keptAux.addAll(extra.auxiliaries());
        keptWarnings.addAll(extra.warnings());
      } catch (PlanningException e) {
        for (WorkerSpec w : free) {
          keptAux.add(new AuxiliaryAssignment(w.id(), AuxiliaryAssignment.Role.STANDBY,
              "cannot form a pipeline alongside the intact ones: " + e.getMessage()));
        }
      }
    }
    double previous = current.pipelines().isEmpty() ? 0 : current.tokensPerSecond();
    double freshTps = fresh.tokensPerSecond();
    if (keptPipelines.isEmpty()) {
      return new RebalanceDecision(fresh, !intact.isEmpty(), departed, joined, previous, 0, freshTps,
          "no pipeline survived: planned from scratch");
    }
    keptAux.sort(Comparator.comparing(AuxiliaryAssignment::workerId));
    kept = new PartitionPlan(current.model(), current.numLayers(), request.mode(), keptPipelines, keptAux, keptWarnings);
    double keptTps = kept.tokensPerSecond();
    double gain = keptTps > 0 ? freshTps / keptTps - 1 : Double.POSITIVE_INFINITY;
    if (gain > config.rebalanceMinGain()) {
      return new RebalanceDecision(fresh, true, departed, joined, previous, keptTps, freshTps, String.format(Locale.ROOT,
          "re-planned from scratch: throughput %.1f -> %.1f tokens/s (+%.0f%%, above the %.0f%% threshold)",
          keptTps, freshTps, gain * 100, config.rebalanceMinGain() * 100));
    }
    return new RebalanceDecision(kept, false, departed, joined, previous, keptTps, freshTps, String.format(Locale.ROOT,
        "kept %d intact pipeline(s); a full re-plan would change throughput by %+.0f%%, not above the %.0f%%"
            + " threshold", intact.size(), gain * 100, config.rebalanceMinGain() * 100));
  }

  // --- ladders -----------------------------------------------------------------------------

  private List<TrainingRung> ladder(WorkerTier tier, PlanMode mode, int numLayers) {
    List<TrainingRung> out = new ArrayList<>();
    boolean dense = mode == PlanMode.HYBRID || mode == PlanMode.DENSE;
    boolean lora = mode == PlanMode.HYBRID || mode == PlanMode.LORA;
    boolean qlora = mode != PlanMode.DENSE;
    if (dense && (tier == WorkerTier.DENSE_FEW || tier == WorkerTier.DENSE_MANY)) {
      int cap = tier == WorkerTier.DENSE_FEW
          ? Math.max(1, (int) Math.ceil(numLayers * config.denseFewLayerFraction()))
          : numLayers;
      out.add(new TrainingRung(TrainingMode.STAGED, false, cap));
      out.add(new TrainingRung(TrainingMode.STAGED, true, cap));
    }
    if (lora) {
      out.add(new TrainingRung(TrainingMode.LORA, false, numLayers));
      out.add(new TrainingRung(TrainingMode.LORA, true, numLayers));
    }
    if (qlora) {
      out.add(new TrainingRung(TrainingMode.QLORA, false, numLayers));
      out.add(new TrainingRung(TrainingMode.QLORA, true, numLayers));
    }
    return out;
  }

  // --- building one pipeline -------------------------------------------------------------------

  private Layout buildPipeline(List<Candidate> pool, int numLayers) {
    while (true) {
      List<Candidate> byCapacity = new ArrayList<>(pool);
      byCapacity.sort(Comparator.comparingInt((Candidate c) -> -c.cap(false, false))
          .thenComparingDouble(c -> -c.worker.flopsPerSecond())
          .thenComparing(c -> c.worker.id()));
      List<Candidate> members = new ArrayList<>();
      int capacity = 0;
      Layout layout = null;
      for (Candidate c : byCapacity) {
        if (members.size() >= config.maxStagesPerPipeline()) {
          break;
        }
        members.add(c);
        capacity += c.cap(false, false);
        if (capacity >= numLayers || c.cap(true, true) >= numLayers) {
          layout = bestLayout(members, numLayers);
          if (layout != null) {
            return relieveBindingStages(layout, numLayers);
          }
        }
      }
      if (!degradeOne(pool)) {
        return null;
      }
    }
  }

  /**
   * A stage that is at its memory limit may be what keeps the pipeline unbalanced: try moving
   * such a stage one useful rung down (checkpointing, then quantization), which lets it take
   * more layers, and keep the move when the bottleneck gets faster. Repeats until no move helps.
   */
  private Layout relieveBindingStages(Layout layout, int numLayers) {
    Layout current = layout;
    boolean improved = true;
    while (improved) {
      improved = false;
      Layout best = current;
      Candidate bestMove = null;
      int bestTo = -1;
      List<Candidate> members = current.members();
      for (int i = 0; i < members.size(); i++) {
        Candidate c = members.get(i);
        if (!c.canDegrade()) {
          continue;
        }
        int from = c.rungIndex;
        c.degradeToNextUsefulRung();
        int to = c.rungIndex;
        Layout trial = bestLayout(members, numLayers);
        c.rungIndex = from;
        if (trial != null && trial.bottleneckSeconds() < best.bottleneckSeconds() * (1 - 1e-9)) {
          best = trial;
          bestMove = c;
          bestTo = to;
        }
      }
      if (bestMove != null) {
        bestMove.rungIndex = bestTo;
        current = bestLayout(members, numLayers);
        improved = true;
      }
    }
    return current;
  }

  /**
   * Workers left over after the last complete pipeline would idle: each (fastest first) joins
   * the pipeline whose throughput it raises most, when it raises it by more than
   * {@value #LEFTOVER_MIN_GAIN} and the pipeline has room for another stage. Those that help no
   * pipeline stay in the pool as standby replacements.
   */
  private void extendWithLeftovers(List<Layout> layouts, List<Candidate> pool, int numLayers) {
    List<Candidate> leftovers = new ArrayList<>(pool);
    leftovers.sort(Comparator.comparingDouble((Candidate c) -> -c.worker.flopsPerSecond())
        .thenComparing(c -> c.worker.id()));
    for (Candidate extra : leftovers) {
      int bestIndex = -1;
      Layout bestLayout = null;
      Map<Candidate, Integer> bestRungs = null;
      double bestGain = LEFTOVER_MIN_GAIN;
      for (int p = 0; p < layouts.size(); p++) {
        Layout layout = layouts.get(p);
        if (layout.members().size() >= config.maxStagesPerPipeline()) {
          continue;
        }
        List<Candidate> members = new ArrayList<>(layout.members());
        members.add(extra);
        Map<Candidate, Integer> before = rungs(members);
        Layout trial = bestLayout(members, numLayers);
        if (trial != null && trial.members().contains(extra)) {
          double gain = layout.bottleneckSeconds() / trial.bottleneckSeconds() - 1;
          if (gain > bestGain) {
            bestGain = gain;
            bestIndex = p;
            bestLayout = trial;
            bestRungs = rungs(members);
          }
        }
        before.forEach((c, r) -> c.rungIndex = r);
      }
      if (bestLayout != null) {
        bestRungs.forEach((c, r) -> c.rungIndex = r);
        layouts.set(bestIndex, relieveBindingStages(bestLayout, numLayers));
        pool.remove(extra);
      }
    }
  }

  private static Map<Candidate, Integer> rungs(List<Candidate> members) {
    Map<Candidate, Integer> out = new HashMap<>();
    members.forEach(c -> out.put(c, c.rungIndex));
    return out;
  }

  /** Moves the pool member whose capacity grows most one rung down; false when none can. */
  private static boolean degradeOne(List<Candidate> pool) {
    Candidate best = null;
    long bestGain = 0;
    for (Candidate c : pool) {
      if (!c.canDegrade()) {
        continue;
      }
      long gain = c.capacityGainOfNextRung();
      if (best == null || gain > bestGain
          || (gain == bestGain && c.worker.memoryBytes() > best.worker.memoryBytes())) {
        best = c;
        bestGain = gain;
      }
    }
    if (best == null) {
      return false;
    }
    best.degradeToNextUsefulRung();
    return true;
  }

  /** The best split of the layers over these members, trying each first and last worker. */
  private Layout bestLayout(List<Candidate> members, int numLayers) {
    int k = members.size();
    if (k == 1) {
      Candidate only = members.get(0);
      if (only.cap(true, true) < numLayers) {
        return null;
      }
      int[] spans = {numLayers};
      return new Layout(List.of(only), spans, new double[] {only.seconds(numLayers, true)});
    }
    Layout best = null;
    for (int f = 0; f < k; f++) {
      for (int l = 0; l < k; l++) {
        if (f == l) {
          continue;
        }
        List<Candidate> order = new ArrayList<>();
        order.add(members.get(f));
        for (int i = 0; i < k; i++) {
          if (i != f && i != l) {
            order.add(members.get(i));
          }
        }
        order.add(members.get(l));
        Layout candidate = split(order, numLayers);
        if (candidate != null && (best == null || candidate.bottleneckSeconds() < best.bottleneckSeconds() - EPSILON)) {
          best = candidate;
        }
      }
    }
    return best;
  }

  /**
   * Minimises the slowest stage over contiguous spans in this order. The first and last
   * stages take at least one layer; a middle stage may take none, and is then dropped.
   *
   * <p>Stage time grows with the span, so a bottleneck time {@code T} is reachable exactly when
   * the spans each stage can run within {@code T} (capped by memory) add up to the model's
   * layers. The optimum is one of the stage times {@code t_i(n)}; binary search over those finds
   * the smallest reachable one. Spans are then trimmed to the layer count, slowest stage first.
   */
  private static Layout split(List<Candidate> order, int numLayers) {
    int k = order.size();
    int[] caps = new int[k];
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      boolean first = i == 0;
      boolean last = i == k - 1;
      caps[i] = order.get(i).cap(first, last);
      if ((first || last) && caps[i] == 0) {
        return null;
      }
      for (int n = 1; n <= caps[i]; n++) {
        times.add(order.get(i).seconds(n, last));
      }
    }
    double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().distinct().toArray();
    int lo = 0;
    int hi = sorted.length - 1;
    if (hi < 0 || spansWithin(order, caps, sorted[hi], numLayers) == null) {
      return null;
    }
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (spansWithin(order, caps, sorted[mid], numLayers) != null) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    int[] spans = spansWithin(order, caps, sorted[lo], numLayers);
    int excess = -numLayers;
    for (int n : spans) {
      excess += n;
    }
    while (excess > 0) {
      int slowest = -1;
      for (int i = 0; i < k; i++) {
        int min = i == 0 || i == k - 1 ? 1 : 0;
        if (spans[i] > min && (slowest < 0
            || order.get(i).seconds(spans[i], i == k - 1) > order.get(slowest).seconds(spans[slowest], slowest == k - 1))) {
          slowest = i;
        }
      }
      spans[slowest]--;
      excess--;
    }
    List<Candidate> members = new ArrayList<>();
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      if (spans[i] > 0) {
        members.add(order.get(i));
        kept.add(spans[i]);
      }
    }
    int[] keptSpans = kept.stream().mapToInt(Integer::intValue).toArray();
    double[] seconds = new double[members.size()];
    for (int i = 0; i < members.size(); i++) {
      seconds[i] = members.get(i).seconds(keptSpans[i], i == members.size() - 1);
    }
    return new Layout(members, keptSpans, seconds);
  }

  /** The most layers each stage runs within {@code limit}, or null when they cannot cover the model. */
  private static int[] spansWithin(List<Candidate> order, int[] caps, double limit, int numLayers) {
    int k = order.size();
    int[] spans = new int[k];
    long total = 0;
    for (int i = 0; i < k; i++) {
      Candidate c = order.get(i);
      boolean last = i == k - 1;
      int n = c.layersWithin(limit, caps[i], last);
      if ((i == 0 || last) && n == 0) {
        return null;
      }
      spans[i] = n;
      total += n;
    }
    return total >= numLayers ? spans : null;
  }

  /** Turns a layout into stages, moving each back up its ladder where it fits and stays fast enough. */
  private Pipeline materialize(int index, Layout layout, StageModel model) {
    List<Candidate> members = layout.members();
    int k = members.size();
    double bottleneck = layout.bottleneckSeconds();
    List<Stage> stages = new ArrayList<>();
    int nextLayer = 0;
    double totalFlops = 0;
    double totalThroughput = 0;
    for (int i = 0; i < k; i++) {
      Candidate c = members.get(i);
      int n = layout.spans()[i];
      boolean first = i == 0;
      boolean last = i == k - 1;
      c.upgradeWhereItFits(n, first, last, bottleneck);
      LayerRange span = new LayerRange(nextLayer, nextLayer + n - 1);
      nextLayer += n;
      MemoryEstimate memory = model.memory(c.rung(), c.compute, c.rank, n, first, last);
      if (memory.totalBytes() > c.usable) {
        throw new IllegalStateException("planner invariant broken: stage on " + c.worker.id() + " needs "
            + memory.totalBytes() + " bytes, usable " + c.usable);
      }
      double flops = model.flopsPerToken(c.rung(), n, last);
      totalFlops += flops;
      totalThroughput += c.worker.flopsPerSecond();
      stages.add(new Stage(i, c.worker.id(), c.worker.gpuClass(), c.tier, span, c.rung(),
          model.spec(c.rung(), c.compute, c.rank, span), first, last, memory, c.usable,
          c.worker.memoryBytes(), flops / c.worker.flopsPerSecond()));
    }
    if (nextLayer != model.profile().numLayers()) {
      throw new IllegalStateException("planner invariant broken: pipeline covers " + nextLayer + " layers");
    }
    int slowest = 0;
    for (int i = 1; i < k; i++) {
      if (stages.get(i).secondsPerToken() > stages.get(slowest).secondsPerToken()) {
        slowest = i;
      }
    }
    return new Pipeline(index, stages, slowest, totalFlops / totalThroughput);
  }

  private static String imbalanceWarning(Pipeline p, Layout layout) {
    Stage b = p.bottleneck();
    String cause;
    boolean othersAtCap = false;
    for (int i = 0; i < p.stages().size(); i++) {
      if (i != p.bottleneckStage()) {
        Candidate c = layout.members().get(i);
        Stage s = p.stages().get(i);
        if (s.layers().count() >= c.cap(s.holdsEmbeddings(), s.holdsHead())) {
          othersAtCap = true;
        }
      }
    }
    if (p.stages().size() == 1) {
      cause = "a single worker carries the whole pipeline";
    } else if (othersAtCap) {
      cause = "the faster workers are at their memory limit and cannot take more layers";
    } else {
      cause = "a span cannot be split finer than one layer";
    }
    return String.format(Locale.ROOT,
        "pipeline %d bottleneck: stage %d on %s (layers %s, %s) at %.3g s/token is %.2fx a balanced stage;"
            + " %s", p.index(), b.index(), b.workerId(), b.layers(), b.rung().label(), b.secondsPerToken(),
        p.imbalance(), cause);
  }

  private String noPipelineMessage(
      PlanRequest request, StageModel model, List<WorkerSpec> workers, List<Candidate> pool) {
    String name = request.profile().name();
    int numLayers = request.profile().numLayers();
    if (workers.isEmpty()) {
      return "no workers to plan " + name + " on";
    }
    TrainingRung leanest = request.mode() == PlanMode.DENSE
        ? new TrainingRung(TrainingMode.STAGED, true, numLayers)
        : new TrainingRung(TrainingMode.QLORA, true, numLayers);
    int rank = Math.min(request.loraRank(), config.adapterTierMaxRank());
    long oneLayer = model.memory(leanest, Precision.BF16, rank, 1, false, false).totalBytes();
    long whole = model.memory(leanest, Precision.BF16, rank, numLayers, true, true).totalBytes();
    WorkerSpec largest = workers.stream().max(Comparator.comparingLong(WorkerSpec::memoryBytes)).orElseThrow();
    long fleetUsable = workers.stream()
        .filter(w -> config.tierOf(w.memoryBytes()) != WorkerTier.VALIDATION_ONLY)
        .mapToLong(w -> config.usableBytes(w.memoryBytes())).sum();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "cannot form a pipeline for %s (%d layers, mode %s): the smallest training assignment, one middle"
            + " layer as %s%s at micro-batch %d x %d tokens, needs %.2f GiB usable (%.2f GiB of device"
            + " memory with the reserve); the largest worker, %s, has %.2f GiB",
        name, numLayers, request.mode().label(), leanest.label(),
        leanest.mode().isLora() ? " rank " + rank : "", request.microBatch(), request.sequenceLength(),
        gib(oneLayer), gib(deviceBytesFor(oneLayer)), largest.id(), largest.memoryGiB()));
    sb.append(String.format(Locale.ROOT,
        "; a whole pipeline as %s needs about %.2f GiB usable across its workers, the fleet's trainable"
            + " workers offer %.2f GiB",
        leanest.label(), gib(whole), gib(fleetUsable)));
    if (!pool.isEmpty()) {
      int capacity = pool.stream().mapToInt(c -> c.cap(false, false)).sum();
      sb.append(String.format(Locale.ROOT, " (they hold %d of %d layers at most, in at most %d stages)",
          capacity, numLayers, config.maxStagesPerPipeline()));
    }
    return sb.toString();
  }

  private long deviceBytesFor(long usable) {
    return (long) Math.ceil((usable + config.reservedBytes()) / (1 - config.reservedFraction()));
  }

  private static double gib(long bytes) {
    return bytes / (double) (1L << 30);
  }

  private static List<WorkerSpec> sorted(List<WorkerSpec> workers) {
    List<WorkerSpec> out = new ArrayList<>(workers);
    out.sort(Comparator.comparingLong((WorkerSpec w) -> -w.memoryBytes())
        .thenComparingDouble(w -> -w.flopsPerSecond())
        .thenComparing(WorkerSpec::id));
    return out;
  }

  private static void checkUnique(List<WorkerSpec> workers) {
    Set<String> seen = new HashSet<>();
    for (WorkerSpec w : workers) {
      if (!seen.add(w.id())) {
        throw new IllegalArgumentException("worker id " + w.id() + " appears twice");
      }
    }
  }

  /** A chosen order of members with their span lengths and stage times. */
  private record Layout(List<Candidate> members, int[] spans, double[] seconds) {
    double bottleneckSeconds() {
      double max = 0;
      for (double s : seconds) {
        max = Math.max(max, s);
      }
      return max;
    }
  }

  /** A worker while planning: its ladder, current rung and capacities. */
  private static final class Candidate {
    final WorkerSpec worker;
    final WorkerTier tier;
    final List<TrainingRung> ladder;
    final StageModel model;
    final Precision compute;
    final int rank;
    final long usable;
    private final int[][] caps;
    int rungIndex;

    Candidate(WorkerSpec worker, WorkerTier tier, List<TrainingRung> ladder, PlanRequest request,
        StageModel model, PlannerConfig config) {
      this.worker = worker;
      this.tier = tier;
      this.ladder = ladder;
      this.model = model;
      this.compute = worker.bf16() ? Precision.BF16 : Precision.FP16;
      this.rank = tier == WorkerTier.ADAPTER
          ? Math.min(request.loraRank(), config.adapterTierMaxRank())
          : request.loraRank();
      this.usable = config.usableBytes(worker.memoryBytes());
      this.caps = new int[ladder.size()][4];
      for (int[] row : caps) {
        java.util.Arrays.fill(row, -1);
      }
    }

    TrainingRung rung() {
      return ladder.get(rungIndex);
    }

    int cap(int rung, boolean first, boolean last) {
      int position = (first ? 1 : 0) + (last ? 2 : 0);
      if (caps[rung][position] < 0) {
        caps[rung][position] = model.maxLayers(ladder.get(rung), compute, rank, first, last, usable);
      }
      return caps[rung][position];
    }

    /** The most layers (up to {@code cap}) this worker runs within {@code limit} seconds per token. */
    int layersWithin(double limit, int cap, boolean last) {
      double perLayer = model.flopsPerToken(rung(), 1, false);
      double head = last ? model.flopsPerToken(rung(), 1, true) - perLayer : 0;
      int n = (int) Math.min(cap, Math.max(0, Math.floor((limit * worker.flopsPerSecond() - head) / perLayer)));
      while (n > 0 && seconds(n, last) > limit) {
        n--;
      }
      while (n < cap && seconds(n + 1, last) <= limit) {
        n++;
      }
      return n;
    }

    int cap(boolean first, boolean last) {
      return cap(rungIndex, first, last);
    }

    double seconds(int layers, boolean last) {
      return model.flopsPerToken(rung(), layers, last) / worker.flopsPerSecond();
    }

    boolean startOnFirstFittingRung() {
      for (int i = 0; i < ladder.size(); i++) {
        if (cap(i, false, false) > 0) {
          rungIndex = i;
          return true;
        }
      }
      return false;
    }

    String smallestNeed() {
      TrainingRung leanest = ladder.get(ladder.size() - 1);
      long need = model.memory(leanest, compute, rank, 1, false, false).totalBytes();
      return String.format(Locale.ROOT, "one layer needs %.2f GiB, %s has %.2f GiB usable of %.2f GiB",
          need / (double) (1L << 30), worker.id(), usable / (double) (1L << 30), worker.memoryGiB());
    }

    boolean canDegrade() {
      return rungIndex < ladder.size() - 1;
    }

    /** How much more the next rung with any gain would hold, summed over the three positions. */
    long capacityGainOfNextRung() {
      int current = cap(false, false);
      for (int i = rungIndex + 1; i < ladder.size(); i++) {
        int gain = cap(i, false, false) - current;
        if (gain > 0) {
          return gain;
        }
      }
      // no gain in the middle: count what the ends would gain, as a weaker reason to move down
      int ends = cap(true, false) + cap(false, true) + cap(true, true);
      int next = cap(ladder.size() - 1, true, false) + cap(ladder.size() - 1, false, true)
          + cap(ladder.size() - 1, true, true);
      return Math.max(0, next - ends) / 4;
    }

    void degradeToNextUsefulRung() {
      int current = cap(false, false);
      for (int i = rungIndex + 1; i < ladder.size(); i++) {
        if (cap(i, false, false) > current) {
          rungIndex = i;
          return;
        }
      }
      rungIndex = ladder.size() - 1;
    }

    /** The most faithful rung on which this span fits and is no slower than the bottleneck. */
    void upgradeWhereItFits(int layers, boolean first, boolean last, double bottleneckSeconds) {
      for (int i = 0; i < rungIndex; i++) {
        TrainingRung r = ladder.get(i);
        if (cap(i, first, last) >= layers
            && model.flopsPerToken(r, layers, last) / worker.flopsPerSecond() <= bottleneckSeconds + EPSILON) {
          rungIndex = i;
          return;
        }
      }
    }
  }
}
