package io.deltachain.inference;

import io.deltachain.inference.decode.DecoderModel;
import io.deltachain.inference.decode.Drafter;
import io.deltachain.inference.decode.GenerationStats;
import io.deltachain.inference.decode.SpeculativeDecoder;
import io.deltachain.trainer.data.Tokenizer;
import io.deltachain.trainer.model.Sampler;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The inference HTTP API.
 *
 * <ul>
 *   <li>{@code POST /inference/generate} with {@code {"prompt", "max_tokens", "temperature", "top_p",
 *       "top_k", "seed", "speculative", "stream"}}: with {@code stream} (the default) a
 *       {@code text/event-stream} of {@code token} events ({@code {"index", "token", "text"}}, text
 *       being the newly complete characters) and a final {@code done} event with the statistics;
 *       otherwise one JSON object with the text, the token ids and the statistics.</li>
 *   <li>{@code GET /inference/stats}: totals since start, per mode (plain, speculative): requests,
 *       tokens, target passes, drafted and accepted tokens, acceptance rate, tokens per target pass.</li>
 *   <li>{@code GET /inference/model}: the target, the draft, and the checkpoints the weights came from.</li>
 *   <li>{@code GET /health}.</li>
 * </ul>
 * Bad requests get a 400 with {@code {"error": "..."}} naming the field; generation runs on worker
 * threads; a client that goes away stops its generation.
 */
public final class InferenceVerticle extends AbstractVerticle {
  /** Largest accepted request body. */
  public static final long MAX_BODY_BYTES = 64 * 1024;
  /** Largest max_tokens. */
  public static final int MAX_TOKENS = 2048;

  private final DecoderModel target;
  private final Tokenizer tokenizer;
  private final Supplier<Drafter> drafts;
  private final String draftName;
  private final JsonObject modelInfo;
  private final String host;
  private final int port;
  private final SpeculativeDecoder decoder;
  private final Totals plain = new Totals();
  private final Totals speculative = new Totals();
  private HttpServer server;

  /** The same totals as Prometheus counters (summed over every inference verticle of the process). */
  private static void record(String mode, GenerationStats s) {
    io.micrometer.core.instrument.MeterRegistry m = io.deltachain.core.metrics.ServiceMetrics.registry();
    io.micrometer.core.instrument.Counter.builder("deltachain_inference_requests_total").tag("mode", mode)
        .description("Generations served").register(m).increment();
    io.micrometer.core.instrument.Counter.builder("deltachain_inference_tokens_total").tag("mode", mode)
        .description("Tokens generated").register(m).increment(s.emitted());
    io.micrometer.core.instrument.Counter.builder("deltachain_inference_draft_tokens_total").tag("outcome", "drafted")
        .description("Draft tokens proposed and accepted by speculative decoding").register(m).increment(s.drafted());
    io.micrometer.core.instrument.Counter.builder("deltachain_inference_draft_tokens_total").tag("outcome", "accepted")
        .description("Draft tokens proposed and accepted by speculative decoding").register(m).increment(s.accepted());
    io.micrometer.core.instrument.Timer.builder("deltachain_inference_generation_seconds").tag("mode", mode)
        .description("Time to generate one answer").register(m)
        .record(s.nanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  private static final class Totals {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong tokens = new AtomicLong();
    final AtomicLong passes = new AtomicLong();
    final AtomicLong drafted = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong nanos = new AtomicLong();

    void add(GenerationStats s) {
      requests.incrementAndGet();
      tokens.addAndGet(s.emitted());
      passes.addAndGet(s.targetPasses());
      drafted.addAndGet(s.drafted());
      accepted.addAndGet(s.accepted());
      nanos.addAndGet(s.nanos());
    }

    JsonObject toJson() {
      long d = drafted.get();
      long p = passes.get();
      double secs = nanos.get() / 1e9;
      return new JsonObject().put("requests", requests.get()).put("tokens", tokens.get()).put("target_passes", p)
          .put("drafted", d).put("accepted", accepted.get())
          .put("acceptance_rate", d == 0 ? 0.0 : (double) accepted.get() / d)
          .put("tokens_per_target_pass", p == 0 ? 0.0 : (double) tokens.get() / p)
          .put("tokens_per_second", secs == 0 ? 0.0 : tokens.get() / secs);
    }
  }

  /**
   * @param target the served model
   * @param tokenizer its tokenizer
   * @param drafts opens a drafter per request (local model or remote draft service), or null
   * @param draftName the draft's name for {@code /inference/model}, or null
   * @param modelInfo provenance shown by {@code /inference/model} (base, applied heads)
   * @param host address to bind
   * @param port port to bind (0 = any free port)
   */
  public InferenceVerticle(DecoderModel target, Tokenizer tokenizer, Supplier<Drafter> drafts, String draftName,
      JsonObject modelInfo, String host, int port) {
    this.target = target;
    this.tokenizer = tokenizer;
    this.drafts = drafts;
    this.draftName = draftName;
    this.modelInfo = modelInfo == null ? new JsonObject() : modelInfo.copy();
    this.host = host;
    this.port = port;
    this.decoder = new SpeculativeDecoder(target, 4, 8);
  }

  /** @return the bound port (after start) */
  public int port() {
    return server.actualPort();
  }

  @Override
  public void start(Promise<Void> started) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
    router.post("/inference/generate").handler(this::generate);
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", io.deltachain.core.metrics.ServiceMetrics.CONTENT_TYPE)
        .end(io.deltachain.core.metrics.ServiceMetrics.scrape()));
    router.get("/inference/stats").handler(ctx -> json(ctx.response(), 200,
        new JsonObject().put("plain", plain.toJson()).put("speculative", speculative.toJson())));
    router.get("/inference/model").handler(ctx -> json(ctx.response(), 200, modelInfo.copy()
        .put("target", new JsonObject().put("name", target.name()).put("parameters", target.parameterCount())
            .put("vocab_size", target.vocabSize()).put("max_positions", target.maxPositions()))
        .put("draft", draftName)));
    router.get("/health").handler(ctx -> json(ctx.response(), 200, new JsonObject().put("status", "UP")));
    router.route().last().handler(ctx -> json(ctx.response(), 404,
        new JsonObject().put("error", "no such endpoint: " + ctx.request().method() + " " + ctx.request().path())));
    router.route().failureHandler(ctx -> {
      int code = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      String msg = code == 413 ? "request body larger than " + MAX_BODY_BYTES + " bytes"
          : ctx.failure() != null && ctx.failure().getMessage() != null ? ctx.failure().getMessage() : "request failed";
      if (!ctx.response().headWritten()) {
        json(ctx.response(), code, new JsonObject().put("error", msg));
      }
    });
    vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> {
      server = s;
      started.complete();
    }).onFailure(started::fail);
  }

  private record Request(int[] prompt, int maxTokens, Sampler sampler, long seed, boolean speculative, boolean stream) {}

  private Request parse(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw new BadRequest("body is not a JSON object: " + e.getMessage());
    }
    if (body == null) {
      throw new BadRequest("body must be a JSON object with at least 'prompt'");
    }
    for (String key : body.fieldNames()) {
      if (!List.of("prompt", "max_tokens", "temperature", "top_p", "top_k", "seed", "speculative", "stream").contains(key)) {
        throw new BadRequest("unknown field '" + key + "'");
      }
    }
    Object prompt = body.getValue("prompt");
    if (!(prompt instanceof String text) || text.isEmpty()) {
      throw new BadRequest("'prompt' must be a non-empty string");
    }
    int[] ids = tokenizer.encode(text);
    if (ids.length == 0) {
      throw new BadRequest("'prompt' encodes to no tokens");
    }
    int maxTokens = (int) number(body, "max_tokens", 64, 1, MAX_TOKENS, true);
    if (ids.length + maxTokens > target.maxPositions()) {
      throw new BadRequest("prompt (" + ids.length + " tokens) plus max_tokens " + maxTokens + " exceeds the model's "
          + target.maxPositions() + " positions");
    }
    double temperature = number(body, "temperature", 0, 0, 100, false);
    double topP = number(body, "top_p", 1, Double.MIN_VALUE, 1, false);
    int topK = (int) number(body, "top_k", 0, 0, target.vocabSize(), true);
    long seed = (long) number(body, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE, true);
    return new Request(ids, maxTokens, new Sampler(temperature, topK, topP), seed, bool(body, "speculative", true),
        bool(body, "stream", true));
  }

  private static double number(JsonObject body, String key, double dflt, double min, double max, boolean integer) {
    Object v = body.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n)) {
      throw new BadRequest("'" + key + "' must be a number, got " + v.getClass().getSimpleName());
    }
    double d = n.doubleValue();
    if (integer && (n instanceof Double || n instanceof Float) && d != Math.rint(d)) {
      throw new BadRequest("'" + key + "' must be an integer, got " + d);
    }
    if (!(d >= min && d <= max)) {
      throw new BadRequest("'" + key + "' must be between " + (integer ? String.valueOf((long) min) : String.valueOf(min))
          + " and " + (integer ? String.valueOf((long) max) : String.valueOf(max)) + ", got " + n);
    }
    return integer ? n.longValue() : d;
  }

  private static boolean bool(JsonObject body, String key, boolean dflt) {
    Object v = body.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Boolean b)) {
      throw new BadRequest("'" + key + "' must be true or false");
    }
    return b;
  }

  private static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }

  private void generate(RoutingContext ctx) {
    Request req;
    try {
      req = parse(ctx);
    } catch (BadRequest | IllegalArgumentException e) {
      json(ctx.response(), 400, new JsonObject().put("error", e.getMessage()));
      return;
    }
    HttpServerResponse resp = ctx.response();
    Context context = vertx.getOrCreateContext();
    AtomicBoolean gone = new AtomicBoolean();
    resp.closeHandler(v -> gone.set(true));
    boolean useDraft = req.speculative() && drafts != null;
    if (req.stream()) {
      resp.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache");
    }
    List<Integer> tokens = new ArrayList<>();
    int[] sentChars = {0};
    vertx.<GenerationStats>executeBlocking(() -> {
      Drafter drafter = useDraft ? drafts.get() : null;
      try {
        return decoder.generate(req.prompt(), req.maxTokens(), req.sampler(), req.seed(), drafter, token -> {
          synchronized (tokens) {
            tokens.add(token);
          }
          if (req.stream()) {
            String delta = newText(tokens, sentChars);
            int index = tokens.size() - 1;
            context.runOnContext(v -> {
              if (!gone.get()) {
                resp.write("event: token\ndata: " + new JsonObject().put("index", index).put("token", token)
                    .put("text", delta).encode() + "\n\n");
              }
            });
          }
        }, gone::get);
      } finally {
        if (drafter != null) {
          drafter.close();
        }
      }
    }, false).onComplete(ar -> {
      if (gone.get()) {
        return;
      }
      if (ar.failed()) {
        String msg = ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage();
        if (req.stream()) {
          resp.end("event: error\ndata: " + new JsonObject().put("error", msg).encode() + "\n\n");
        } else {
          json(resp, ar.cause() instanceof IllegalArgumentException ? 400 : 500, new JsonObject().put("error", msg));
        }
        return;
      }
      GenerationStats stats = ar.result();
      (useDraft ? speculative : plain).add(stats);
      record(useDraft ? "speculative" : "plain", stats);
      int[] ids = tokens.stream().mapToInt(Integer::intValue).toArray();
      JsonObject done = new JsonObject().put("text", tokenizer.decode(ids))
          .put("tokens", new JsonArray(tokens)).put("speculative", useDraft).put("stats", stats.toJson());
      if (req.stream()) {
        resp.end("event: done\ndata: " + done.encode() + "\n\n");
      } else {
        json(resp, 200, done);
      }
    });
  }

  /** The characters that became complete since the last call (a byte token may end mid-character). */
  private String newText(List<Integer> tokens, int[] sentChars) {
    String text;
    synchronized (tokens) {
      text = tokenizer.decode(tokens.stream().mapToInt(Integer::intValue).toArray());
    }
    int end = text.length();
    while (end > sentChars[0] && text.charAt(end - 1) == '\uFFFD') {
      end--;
    }
    if (end <= sentChars[0]) {
      return "";
    }
    String delta = text.substring(sentChars[0], end);
    sentChars[0] = end;
    return delta;
  }

  private static void json(HttpServerResponse resp, int code, JsonObject body) {
    resp.setStatusCode(code).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
