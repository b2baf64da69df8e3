package io.deltachain.inference;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.inference.decode.DjlDecoderModel;
import io.deltachain.inference.decode.ModelDrafter;
import io.deltachain.trainer.data.ByteTokenizer;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.Generator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InferenceVerticleTest {
  private static Vertx vertx;
  private static WebClient client;
  private static int port;
  private static DjlDecoderModel target;
  private static DjlDecoderModel draft;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    target = new DjlDecoderModel(new CausalLm(ModelProfiles.bundled("tiny-1m"), Device.cpu(), 7), "tiny-1m@7");
    draft = new DjlDecoderModel(new CausalLm(ModelProfiles.bundled("tiny-qwen3-1m"), Device.cpu(), 3), "draft");
    InferenceVerticle v = new InferenceVerticle(target, new ByteTokenizer(256), () -> new ModelDrafter(draft), "draft",
        new JsonObject().put("base", "random:7"), "127.0.0.1", 0);
    vertx.deployVerticle(v).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    port = v.port();
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    target.model().close();
    draft.model().close();
  }

  private static HttpResponse<Buffer> post(String body) throws Exception {
    return client.post(port, "127.0.0.1", "/inference/generate").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    return client.get(port, "127.0.0.1", path).send().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Parses a text/event-stream body into (event, data) pairs. */
  private static List<String[]> events(String body) {
    List<String[]> out = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      String event = null;
      String data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      if (event != null) {
        out.add(new String[] {event, data});
      }
    }
    return out;
  }

  @Test
  @DisplayName("a streamed greedy generation sends one event per token, text that adds up, and equals plain greedy decoding")
  void streamsTokens() throws Exception {
    HttpResponse<Buffer> r = post("{\"prompt\":\"The Commission\",\"max_tokens\":24}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).isEqualTo("text/event-stream");
    List<String[]> ev = events(r.bodyAsString());
    List<String[]> tokens = ev.stream().filter(e -> e[0].equals("token")).toList();
    assertThat(tokens).hasSize(24);
    assertThat(ev.get(ev.size() - 1)[0]).isEqualTo("done");
    JsonObject done = new JsonObject(ev.get(ev.size() - 1)[1]);
    StringBuilder streamed = new StringBuilder();
    int[] ids = new int[24];
    for (int i = 0; i < tokens.size(); i++) {
      JsonObject t = new JsonObject(tokens.get(i)[1]);
      assertThat(t.getInteger("index")).isEqualTo(i);
      ids[i] = t.getInteger("token");
      streamed.append(t.getString("text"));
    }
    assertThat(done.getString("text")).startsWith(streamed.toString());
    assertThat(done.getBoolean("speculative")).isTrue();
    assertThat(done.getJsonObject("stats").getInteger("drafted")).isPositive();
    int[] plain = new Generator(target.model()).generate(new ByteTokenizer(256).encode("The Commission"), 24, 0, 0, 1, -1);
    assertThat(ids).isEqualTo(plain);
  }

  @Test
  @DisplayName("non-streamed sampling is reproducible by seed, with and without speculation the statistics say which ran")
  void sampledJson() throws Exception {
    String body = "{\"prompt\":\"Mr President\",\"max_tokens\":16,\"temperature\":0.8,\"top_p\":0.9,\"seed\":42,\"stream\":false";
    JsonObject a = post(body + "}").bodyAsJsonObject();
    JsonObject b = post(body + "}").bodyAsJsonObject();
    JsonObject plain = post(body + ",\"speculative\":false}").bodyAsJsonObject();
    assertThat(a.getJsonArray("tokens")).hasSize(16).isEqualTo(b.getJsonArray("tokens"));
    assertThat(a.getBoolean("speculative")).isTrue();
    assertThat(plain.getBoolean("speculative")).isFalse();
    assertThat(plain.getJsonObject("stats").getInteger("drafted")).isZero();
    assertThat(plain.getJsonObject("stats").getInteger("target_passes")).isEqualTo(16);
    JsonObject stats = get("/inference/stats").bodyAsJsonObject();
    assertThat(stats.getJsonObject("speculative").getLong("requests")).isGreaterThanOrEqualTo(2);
    assertThat(stats.getJsonObject("plain").getLong("tokens")).isGreaterThanOrEqualTo(16);
    String metrics = get("/metrics").bodyAsString();
    assertThat(metrics).contains("deltachain_inference_tokens_total{mode=\"plain\"}")
        .contains("deltachain_inference_tokens_total{mode=\"speculative\"}")
        .contains("deltachain_inference_generation_seconds_count");
    JsonObject model = get("/inference/model").bodyAsJsonObject();
    assertThat(model.getJsonObject("target").getString("name")).isEqualTo("tiny-1m@7");
    assertThat(model.getString("draft")).isEqualTo("draft");
    assertThat(model.getString("base")).isEqualTo("random:7");
  }

  @Test
  @DisplayName("bad requests get a 400 naming the problem, unknown paths a 404, oversize bodies a 413")
  void badInput() throws Exception {
    String[][] cases = {
        {"not json", "not a JSON object"},
        {"[1,2]", "JSON object"},
        {"{}", "'prompt'"},
        {"{\"prompt\":\"\"}", "'prompt'"},
        {"{\"prompt\":5}", "'prompt'"},
        {"{\"prompt\":\"a\",\"max_tokens\":0}", "'max_tokens'"},
        {"{\"prompt\":\"a\",\"max_tokens\":\"ten\"}", "'max_tokens' must be a number"},
        {"{\"prompt\":\"a\",\"max_tokens\":2.5}", "integer"},
        {"{\"prompt\":\"a\",\"max_tokens\":5000}", "'max_tokens'"},
        {"{\"prompt\":\"a\",\"temperature\":-1}", "'temperature'"},
        {"{\"prompt\":\"a\",\"top_p\":0}", "'top_p'"},
        {"{\"prompt\":\"a\",\"top_p\":1.5}", "'top_p'"},
        {"{\"prompt\":\"a\",\"stream\":\"yes\"}", "'stream'"},
        {"{\"prompt\":\"a\",\"colour\":\"red\"}", "unknown field 'colour'"},
        {"{\"prompt\":\"" + "a".repeat(1000) + "\",\"max_tokens\":100}", "exceeds the model's 1024 positions"},
    };
    for (String[] c : cases) {
      HttpResponse<Buffer> r = post(c[0]);
      assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("error")).as(c[0]).contains(c[1]);
    }
    assertThat(get("/inference/nothing").statusCode()).isEqualTo(404);
    HttpResponse<Buffer> big = post("{\"prompt\":\"" + "a".repeat(70_000) + "\"}");
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(big.bodyAsJsonObject().getString("error")).contains("larger than");
    assertThat(get("/health").bodyAsJsonObject().getString("status")).isEqualTo("UP");
  }
}
