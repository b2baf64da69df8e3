package io.deltachain.round;

import io.deltachain.core.config.ConfigKey;
import io.deltachain.core.config.ConfigKey.Kind;
import io.deltachain.core.config.ConfigReader;
import io.deltachain.core.config.ConfigView;
import io.deltachain.core.config.HttpConfig;
import io.deltachain.round.cost.GpuPrices;
import io.deltachain.round.cost.QuotaPolicy;
import io.deltachain.round.data.PiiCategory;
import io.deltachain.round.planner.PlannerConfig;
import io.deltachain.round.scheduler.SchedulingPolicy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the round service reads from configuration (keys under {@code round.*}, plus the
 * core {@code http.*} for where the API listens). {@link #from} reports every bad key at once.
 *
 * @param http where the API listens
 * @param tokens API tokens for write endpoints: token to client id
 * @param maxBodyBytes the largest request body accepted (413 beyond)
 * @param quota request and round limits per client
 * @param heartbeatTimeout a trainer silent for longer is replaced
 * @param heartbeatCheckInterval how often silent trainers are looked for
 * @param planner the planner's policy
 * @param referenceModel the model trainers benchmark on when they report tokens per second
 * @param referenceSequenceLength the sequence length of that benchmark
 * @param fp16OnlyClasses GPU classes without bfloat16 (trained in fp16)
 * @param policy the scheduler's policy for replacements
 * @param trainingBlocks default training window, in blocks
 * @param validationBlocks default verdict window, in blocks
 * @param aggregationBlocks aggregation window after the validation deadline, in blocks
 * @param evalDocuments documents held out as the round's evaluation set (at most a tenth of the data)
 * @param blocklist terms the PII filter masks
 * @param dropCategories PII categories that drop a whole document instead of masking
 * @param prices GPU, storage and transfer prices
 * @param retentionDays days stored bytes are priced for
 * @param transferCopies how many times a stored byte is moved (upload plus each validator's fetch)
 * @param datasets datasets to register at start: name to a file with one document per line (.gz allowed)
 * @param maxNormRatioPpm the bound on ||dW|| / ||W|| per tensor a round's StartRound sets, parts per million
 * @param planDir where plan documents are kept by plan hash (null: in memory only), so a restarted
 *     coordinator can still offer tasks and finalize the rounds it planned
 * @param baseModels the seed base of each model profile that rounds name on chain
 *     ({@code training.base_model}, e.g. {@code tiny-1m=random:7}); a model not listed names itself
 * @param datasetSpecs the spec trainers and validators resolve for each registered dataset
 *     ({@code training.dataset}, e.g. {@code europarl=europarl:600}); a dataset not listed names itself
 * @param defaultSteps optimizer steps per trainer when a round's request fixes none
 * @param replaceWithOutsiders whether a silent trainer's work may go to a trainer the round's
 *     StartRound does not list; the deltachain ledger takes deltas only from listed trainers, so
 *     on a real chain this stays false and replacements come from the round's own idle trainers
 */
public record RoundServiceConfig(
    HttpConfig http,
    Map<String, String> tokens,
    long maxBodyBytes,
    QuotaPolicy quota,
    Duration heartbeatTimeout,
    Duration heartbeatCheckInterval,
    PlannerConfig planner,
    String referenceModel,
    int referenceSequenceLength,
    Set<String> fp16OnlyClasses,
    SchedulingPolicy policy,
    int trainingBlocks,
    int validationBlocks,
    int aggregationBlocks,
    int evalDocuments,
    List<String> blocklist,
    Set<PiiCategory> dropCategories,
    GpuPrices prices,
    int retentionDays,
    int transferCopies,
    Map<String, Path> datasets,
    int maxNormRatioPpm,
    Path planDir,
    Map<String, String> baseModels,
    Map<String, String> datasetSpecs,
    int defaultSteps,
    boolean replaceWithOutsiders) {

  /** Every key this record reads, for the loader's environment mapping. */
  public static final List<ConfigKey> KEYS = List.of(
      ConfigKey.of("round.api.tokens", Kind.LIST),
      ConfigKey.of("round.api.max-body-bytes", Kind.SIZE),
      ConfigKey.of("round.quota.requests-per-window", Kind.INTEGER),
      ConfigKey.of("round.quota.rounds-per-window", Kind.INTEGER),
      ConfigKey.of("round.quota.window-seconds", Kind.INTEGER),
      ConfigKey.of("round.heartbeat.timeout-seconds", Kind.INTEGER),
      ConfigKey.of("round.heartbeat.check-interval-ms", Kind.INTEGER),
      ConfigKey.of("round.planner.max-stages", Kind.INTEGER),
      ConfigKey.of("round.planner.reference-model", Kind.STRING),
      ConfigKey.of("round.planner.reference-sequence-length", Kind.INTEGER),
      ConfigKey.of("round.planner.fp16-only-classes", Kind.LIST),
      ConfigKey.of("round.scheduler.policy", Kind.STRING),
      ConfigKey.of("round.training-blocks", Kind.INTEGER),
      ConfigKey.of("round.validation-blocks", Kind.INTEGER),
      ConfigKey.of("round.aggregation-blocks", Kind.INTEGER),
      ConfigKey.of("round.eval-documents", Kind.INTEGER),
      ConfigKey.of("round.pii.blocklist", Kind.LIST),
      ConfigKey.of("round.pii.drop-categories", Kind.LIST),
      ConfigKey.of("round.cost.gpu-prices", Kind.LIST),
      ConfigKey.of("round.cost.storage-micros-per-gib-month", Kind.INTEGER),
      ConfigKey.of("round.cost.transfer-micros-per-gib", Kind.INTEGER),
      ConfigKey.of("round.cost.retention-days", Kind.INTEGER),
      ConfigKey.of("round.cost.transfer-copies", Kind.INTEGER),
      ConfigKey.of("round.datasets", Kind.LIST),
      ConfigKey.of("round.max-norm-ratio-ppm", Kind.INTEGER),
      ConfigKey.of("round.plan-dir", Kind.STRING),
      ConfigKey.of("round.base-models", Kind.LIST),
      ConfigKey.of("round.dataset-specs", Kind.LIST),
      ConfigKey.of("round.default-steps", Kind.INTEGER),
      ConfigKey.of("round.replace-with-outsiders", Kind.BOOLEAN));

  /** Copies. */
  public RoundServiceConfig {
    tokens = Map.copyOf(tokens);
    fp16OnlyClasses = Set.copyOf(fp16OnlyClasses);
    blocklist = List.copyOf(blocklist);
    dropCategories = Set.copyOf(dropCategories);
    datasets = Map.copyOf(datasets);
    baseModels = Map.copyOf(baseModels);
    datasetSpecs = Map.copyOf(datasetSpecs);
  }

  /** The defaults, with these tokens (tests). */
  public static RoundServiceConfig defaults(Map<String, String> tokens) {
    return from(ConfigView.of(new JsonObject().put("round", new JsonObject().put("api", new JsonObject()
        .put("tokens", new JsonArray(tokens.entrySet().stream().map(e -> e.getValue() + ":" + e.getKey()).toList()))))));
  }

  /**
   * Reads and validates.
   *
   * @throws io.deltachain.core.config.ConfigException listing every bad key
   */
  public static RoundServiceConfig from(ConfigView view) {
    ConfigReader r = view.reader();
    HttpConfig http = HttpConfig.read(r, HttpConfig.PREFIX, HttpConfig.DEFAULT_PORT);
    Map<String, String> tokens = new LinkedHashMap<>();
    for (String entry : list(view, r, "round.api.tokens")) {
      int colon = entry.indexOf(':');
      if (colon <= 0 || colon == entry.length() - 1) {
        r.problem("round.api.tokens", "entries must be client:token, got '" + redact(entry) + "'");
        continue;
      }
      String token = entry.substring(colon + 1);
      if (token.length() < 16) {
        r.problem("round.api.tokens", "the token of client '" + entry.substring(0, colon)
            + "' is shorter than 16 characters");
      }
      if (tokens.put(token, entry.substring(0, colon)) != null) {
        r.problem("round.api.tokens", "two clients share a token");
      }
    }
    long maxBody = r.size("round.api.max-body-bytes", 1L << 20);
    int requests = r.integer("round.quota.requests-per-window", 3600, 1, Integer.MAX_VALUE);
    int rounds = r.integer("round.quota.rounds-per-window", 10, 1, Integer.MAX_VALUE);
    int window = r.integer("round.quota.window-seconds", 3600, 1, Integer.MAX_VALUE);
    int timeout = r.integer("round.heartbeat.timeout-seconds", 30, 1, 86_400);
    int check = r.integer("round.heartbeat.check-interval-ms", 5_000, 10, 3_600_000);
    int maxStages = r.integer("round.planner.max-stages", 8, 1, 256);
    String reference = r.nonBlank("round.planner.reference-model", "small-100m");
    int referenceSeq = r.integer("round.planner.reference-sequence-length", 512, 1, 1 << 20);
    Set<String> fp16 = new TreeSet<>();
    List<String> fp16Default = List.of("t4", "v100", "p100", "rtx2060", "rtx2070", "rtx2080", "gtx1060", "gtx1080");
    List<String> fp16Listed = view.contains("round.planner.fp16-only-classes")
        ? list(view, r, "round.planner.fp16-only-classes") : fp16Default;
    fp16Listed.forEach(c -> fp16.add(c.toLowerCase(Locale.ROOT)));
    SchedulingPolicy policy = SchedulingPolicy.ADAPTIVE;
    String policyText = r.string("round.scheduler.policy", "adaptive");
    try {
      policy = SchedulingPolicy.parse(policyText);
    } catch (IllegalArgumentException e) {
      r.problem("round.scheduler.policy", e.getMessage());
    }
    int training = r.integer("round.training-blocks", 100, 1, 10_000_000);
    int validation = r.integer("round.validation-blocks", 50, 1, 10_000_000);
    int aggregation = r.integer("round.aggregation-blocks", 50, 0, 10_000_000);
    int evalDocs = r.integer("round.eval-documents", 256, 1, 1_000_000);
    List<String> blocklist = list(view, r, "round.pii.blocklist");
    Set<PiiCategory> drop = new TreeSet<>();
    for (String c : list(view, r, "round.pii.drop-categories")) {
      try {
        drop.add(PiiCategory.valueOf(c.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        r.problem("round.pii.drop-categories", "unknown category '" + c + "'; known: "
            + java.util.Arrays.toString(PiiCategory.values()).toLowerCase(Locale.ROOT));
      }
    }
    GpuPrices defaults = GpuPrices.defaults();
    Map<String, Long> gpu = new TreeMap<>(defaults.perGpuHourMicros());
    for (String entry : list(view, r, "round.cost.gpu-prices")) {
      String[] kv = entry.split(":", 2);
      try {
        gpu.put(kv[0].strip().toLowerCase(Locale.ROOT), Long.parseLong(kv[1].strip()));
      } catch (RuntimeException e) {
        r.problem("round.cost.gpu-prices", "entries must be class:micros-per-gpu-hour, got '" + entry + "'");
      }
    }
    int storage = r.integer("round.cost.storage-micros-per-gib-month", (int) defaults.perGibMonthStoredMicros(), 0,
        Integer.MAX_VALUE);
    int transfer = r.integer("round.cost.transfer-micros-per-gib", (int) defaults.perGibTransferredMicros(), 0,
        Integer.MAX_VALUE);
    int retention = r.integer("round.cost.retention-days", 30, 0, 36_500);
    int copies = r.integer("round.cost.transfer-copies", 4, 0, 1000);
    Map<String, Path> datasets = new TreeMap<>();
    for (String entry : list(view, r, "round.datasets")) {
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        r.problem("round.datasets", "entries must be name=path, got '" + entry + "'");
      } else {
        datasets.put(entry.substring(0, eq).strip(), Path.of(entry.substring(eq + 1).strip()));
      }
    }
    int maxNorm = r.integer("round.max-norm-ratio-ppm", 50_000, 1, Integer.MAX_VALUE);
    String planDir = r.string("round.plan-dir", "");
    boolean outsiders = r.bool("round.replace-with-outsiders", false);
    Map<String, String> baseModels = pairs(view, r, "round.base-models", "model=base");
    Map<String, String> datasetSpecs = pairs(view, r, "round.dataset-specs", "dataset=spec");
    int defaultSteps = r.integer("round.default-steps", 100, 1, 1_000_000);
    r.throwIfInvalid();
    return new RoundServiceConfig(http, tokens, maxBody, new QuotaPolicy(requests, rounds, Duration.ofSeconds(window)),
        Duration.ofSeconds(timeout), Duration.ofMillis(check),
        PlannerConfig.defaults().withMaxStagesPerPipeline(maxStages), reference, referenceSeq, fp16, policy, training,
        validation, aggregation, evalDocs, blocklist, drop, new GpuPrices(gpu, storage, transfer), retention, copies,
        datasets, maxNorm, planDir.isBlank() ? null : Path.of(planDir), baseModels, datasetSpecs, defaultSteps, outsiders);
  }

  /** The base model a round of {@code modelId} names on chain. */
  public String baseModel(String modelId) {
    return baseModels.getOrDefault(modelId, modelId);
  }

  /** The dataset spec a round over the registered dataset {@code name} names on chain. */
  public String datasetSpec(String name) {
    return datasetSpecs.getOrDefault(name, name);
  }

  private static Map<String, String> pairs(ConfigView view, ConfigReader r, String key, String shape) {
    Map<String, String> out = new TreeMap<>();
    for (String entry : list(view, r, key)) {
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        r.problem(key, "entries must be " + shape + ", got '" + entry + "'");
      } else {
        out.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
      }
    }
    return out;
  }

  private static List<String> list(ConfigView view, ConfigReader r, String key) {
    if (!view.contains(key)) {
      return List.of();
    }
    Object v = lookup(view.json(), key);
    List<String> out = new ArrayList<>();
    if (v instanceof JsonArray a) {
      for (Object o : a) {
        if (o instanceof String s && !s.isBlank()) {
          out.add(s.strip());
        } else {
          r.problem(key, "must be a list of non-blank strings, got an element " + o);
        }
      }
    } else if (v instanceof String s) {
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
    } else {
      r.problem(key, "must be a list of strings");
    }
    return out;
  }

  private static Object lookup(JsonObject json, String key) {
    Object cur = json;
    for (String part : key.split("\\.")) {
      if (!(cur instanceof JsonObject o)) {
        return null;
      }
      cur = o.getValue(part);
    }
    return cur;
  }

  private static String redact(String entry) {
    return entry.length() <= 4 ? "****" : entry.substring(0, 2) + "****";
  }
}
