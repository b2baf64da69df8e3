package io.deltachain.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.deltachain.core.content.Cid;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.inference.load.HeadsLoader;
import io.deltachain.launcher.serve.ServeCommand;
import io.deltachain.trainer.data.ByteTokenizer;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.Generator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The demo flow as a user runs it ({@code deltachain demo}): four real CometBFT validators, the
 * round service started over HTTP, two honest trainers and one poisoning trainer scheduled by it,
 * real verdicts, each validator's own aggregation and checkpoint vote, FinalizeRound by the
 * round service.
 */
class DemoIT {

  @Test
  @DisplayName("the demo round finalizes: the poisoned delta is rejected with its reason and disputed by replay spot-checks, honest ones accepted and their spot-checks match, the head moves to the agreed checkpoint on all 4 validators, eval loss falls, kubo serves the checkpoint by its CID")
  void demoRound() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    DemoRound.Result r;
    byte[] checkpointFromKubo;
    Served served;
    try (Devnet net = new Devnet(Devnet.Settings.demo(), null, out)) {
      net.start();
      assertThat(net.kubo()).as("the devnet's kubo daemon (the pinned ipfs binary is installed)").isNotNull();
      r = new DemoRound(net, out, 60).run();
      checkpointFromKubo = cat(net.kubo().apiUrl(), r.checkpointCid());
      served = serveFromChain(net, out);
    }
    String table = DemoRound.table(r);
    System.out.println(buf.toString(StandardCharsets.UTF_8) + table);

    assertThat(r.roundStatus()).isEqualTo("FINALIZED");
    assertThat(r.deltas()).hasSize(3);
    assertThat(r.deltas()).filteredOn(DemoRound.DeltaOutcome::poisoned).singleElement().satisfies(d -> {
      assertThat(d.status()).isEqualTo("REJECTED");
      assertThat(d.reasons()).isNotEmpty();
      assertThat(d.rejectPower()).isGreaterThanOrEqualTo(2);
    });
    assertThat(r.deltas()).filteredOn(d -> !d.poisoned()).hasSize(2)
        .allSatisfy(d -> assertThat(d.status()).isEqualTo("ACCEPTED"));
    // replay spot-checks: every validator re-executed a chain-chosen segment of each honest delta
    // with the DJL trainer and it matched; the poisoner's honest trace does not produce its delta
    assertThat(r.deltas()).filteredOn(d -> !d.poisoned()).allSatisfy(d -> {
      assertThat(d.spotChecks()).hasSize(4).allSatisfy(c -> assertThat(c).startsWith("MATCH replay of segment"));
      assertThat(d.disputes()).isZero();
    });
    assertThat(r.deltas()).filteredOn(DemoRound.DeltaOutcome::poisoned).singleElement().satisfies(d -> {
      assertThat(d.spotChecks()).hasSize(4).allSatisfy(c -> assertThat(c).startsWith("DELTA_NOT_FINAL_STATE"));
      assertThat(d.disputes()).isEqualTo(4);
    });
    assertThat(r.checkpointHash()).isNotEqualTo(r.baseHash());
    assertThat(r.headByNode()).hasSize(4).allSatisfy((node, head) -> assertThat(head).isEqualTo(r.checkpointHash()));
    assertThat(r.appHashByNode().values()).hasSize(4).doesNotContainNull().containsOnly(r.appHashByNode().get(0));
    assertThat(r.evalLossAfter()).isLessThan(r.evalLossBefore());
    assertThat(table).contains("REJECTED", "ACCEPTED", r.checkpointHash(), "4/4 matched; 0 disputes on chain",
        "0/4 matched (DELTA_NOT_FINAL_STATE); 4 disputes on chain");
    // the round service drove it: it finalized on chain and accounted for the round
    assertThat(r.finalizeHeight()).isPositive().isLessThanOrEqualTo(r.height());
    assertThat(r.cost().getLong("stored_bytes")).isPositive();
    assertThat(r.cost().getDouble("gpu_seconds")).isPositive();
    assertThat(table).contains("round cost", "FinalizeRound at " + r.finalizeHeight());
    // more than 2/3 of the power computed the same checkpoint themselves: one proposal, the rest votes for it
    assertThat(r.aggregated()).hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy((node, what) -> assertThat(what).endsWith(r.checkpointHash()));
    assertThat(r.aggregated().values()).filteredOn(w -> w.startsWith("proposed")).hasSize(1);

    // the new checkpoint is in IPFS: its CID is on chain and in the table, and kubo serves exactly
    // the bytes whose SHA-256 is the checkpoint hash the validators voted on
    assertThat(r.checkpointCid()).isNotEmpty();
    assertThat(Cid.parse(r.checkpointCid()).version()).isEqualTo(1);
    assertThat(table).contains(r.checkpointCid());
    assertThat(ContentHash.sha256(checkpointFromKubo).hex()).isEqualTo(r.checkpointHash());

    // `deltachain serve --chain --store` serves the model as of the chain's heads: it reports the
    // round's checkpoint (hash and CID) for the layer, and its greedy output is that of the base
    // with the checkpoint's bytes from kubo applied, not the base's own
    JsonArray heads = served.model().getJsonArray("heads");
    assertThat(heads).hasSize(1);
    assertThat(heads.getJsonObject(0).getString("layer")).isEqualTo("model.layers." + DemoRound.LAYER_INDEX);
    assertThat(heads.getJsonObject(0).getString("checkpoint")).isEqualTo(r.checkpointHash());
    assertThat(heads.getJsonObject(0).getString("cid")).isEqualTo(r.checkpointCid());
    Devnet.Settings s = Devnet.Settings.demo();
    ModelProfile profile = ModelProfiles.bundled(s.profile());
    int[] prompt = new ByteTokenizer(profile.vocabSize()).encode(PROMPT);
    int[] expected;
    int[] baseOnly;
    try (CausalLm model = new CausalLm(profile, Device.cpu(), s.baseSeed())) {
      baseOnly = new Generator(model).generate(prompt, TOKENS, 0, 0, 0, -1);
      HeadsLoader.apply(model, Map.of("model.layers." + DemoRound.LAYER_INDEX, r.checkpointHash()),
          hash -> checkpointFromKubo);
      expected = new Generator(model).generate(prompt, TOKENS, 0, 0, 0, -1);
    }
    assertThat(served.tokens()).containsExactly(expected);
    assertThat(served.tokens()).isNotEqualTo(baseOnly);
  }

  private static final String PROMPT = "The European Parliament ";
  private static final int TOKENS = 40;

  /** What the inference service served: its model description and the greedy tokens after PROMPT. */
  private record Served(JsonObject model, int[] tokens) {}

  /** Starts `deltachain serve` against the devnet's chain and store and asks it for a greedy continuation. */
  private static Served serveFromChain(Devnet net, PrintStream out) throws Exception {
    ServeCommand cmd = new ServeCommand();
    new CommandLine(cmd).parseArgs("--profile", net.settings().profile(), "--base", net.settings().baseCheckpoint(),
        "--chain", net.net().node(1).rpcUrl(), "--store", net.storeUrl(), "--port", "0");
    try (ServeCommand.Running running = cmd.start(out)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + running.port();
      HttpResponse<String> model = http.send(HttpRequest.newBuilder(URI.create(base + "/inference/model"))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(model.statusCode()).isEqualTo(200);
      HttpResponse<String> gen = http.send(HttpRequest.newBuilder(URI.create(base + "/inference/generate"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("prompt", PROMPT).put("max_tokens", TOKENS)
              .put("temperature", 0).put("stream", false).encode()))
          .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(gen.statusCode()).as(gen.body()).isEqualTo(200);
      JsonArray tokens = new JsonObject(gen.body()).getJsonArray("tokens");
      int[] ids = new int[tokens.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = tokens.getInteger(i);
      }
      return new Served(new JsonObject(model.body()), ids);
    }
  }

  /** The bytes of a CID, read from kubo's RPC API ({@code /api/v0/cat}). */
  private static byte[] cat(String apiUrl, String cid) throws Exception {
    HttpResponse<byte[]> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(apiUrl + "/api/v0/cat?arg=" + cid)).POST(HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(res.statusCode()).as("kubo cat %s", cid).isEqualTo(200);
    return res.body();
  }
}
