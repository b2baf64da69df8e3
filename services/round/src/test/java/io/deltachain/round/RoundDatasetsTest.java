package io.deltachain.round;

import static io.deltachain.round.testing.Txs.address;
import static io.deltachain.round.testing.Txs.trainer;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.round.chain.InMemoryRoundChain;
import io.deltachain.round.data.DatasetBlobs;
import io.deltachain.round.data.DatasetRegistry;
import io.deltachain.round.lifecycle.ChainEvents;
import io.deltachain.round.lifecycle.RoundState;
import io.deltachain.round.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RoundDatasetsTest {
  private static final long GIB = 1L << 30;
  private static final String EMAIL_DOC = "write to jane.doe@example.org about the fisheries report";

  private record Setup(RoundService service, InMemoryRoundChain chain, List<StartRound> starts) {
  }

  private static Setup setup(DatasetBlobs blobs) {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    InMemoryRoundChain chain = new InMemoryRoundChain();
    RoundService s = new RoundService(RoundServiceConfig.defaults(Map.of("t".repeat(20), "ops")), chain, clock,
        new SimpleMeterRegistry(), (model, layer) -> java.util.Optional.empty(), blobs);
    assertThat(s.start().succeeded()).isTrue();
    List<StartRound> starts = new ArrayList<>();
    chain.replayAndSubscribe(new ChainEvents() {
      @Override
      public void onRoundStarted(long height, String txHash, StartRound start) {
        starts.add(start);
      }
    });
    for (int i = 1; i <= 2; i++) {
      chain.registerNode(address(i), trainer("t" + i, 8 * GIB, 600, "rtx3070"));
      s.heartbeat(address(i), 600.0);
    }
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      docs.add(i == 7 ? EMAIL_DOC : "document " + i + " about the common agricultural policy");
    }
    s.registerDataset("corpus", docs);
    return new Setup(s, chain, starts);
  }

  private static Future<JsonObject> start(RoundService s) {
    return s.startRound("ops", new StartRoundRequest("tiny-1m", "lora", "corpus", 1e-4, 2, 1, 8, 128, null, 40, 10));
  }

  private static List<String> documents(byte[] blob) {
    String text = new String(blob, StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    return Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1));
  }

  @Test
  @DisplayName("StartRound's dataset_hash and eval_set_hash name blobs in the store whose documents are the filtered train and eval sets")
  void storesBothSetsUnderTheirChainHashes() {
    DatasetBlobs.InMemory blobs = DatasetBlobs.inMemory();
    Setup s = setup(blobs);
    JsonObject started = start(s.service()).result();
    assertThat(started.getString("status")).isNotEqualTo(RoundState.FAILED.name());
    StartRound onChain = s.starts().get(0);
    ContentHash train = ContentHash.of(onChain.getDatasetHash().toByteArray());
    ContentHash eval = ContentHash.of(onChain.getEvalSetHash().toByteArray());
    byte[] trainBlob = blobs.get(train).orElseThrow();
    byte[] evalBlob = blobs.get(eval).orElseThrow();
    assertThat(ContentHash.sha256(trainBlob)).isEqualTo(train);
    assertThat(ContentHash.sha256(evalBlob)).isEqualTo(eval);
    List<String> trainDocs = documents(trainBlob);
    List<String> evalDocs = documents(evalBlob);
    assertThat(DatasetRegistry.hashOf(trainDocs)).isEqualTo(train);
    assertThat(trainDocs).doesNotContainAnyElementsOf(evalDocs);
    // the personal data never reaches what trainers fetch: the e-mail is masked in either set
    assertThat(String.join("\n", trainDocs) + String.join("\n", evalDocs))
        .doesNotContain("jane.doe@example.org").contains("about the fisheries report");
    assertThat(trainDocs.size() + evalDocs.size()).isEqualTo(40);
  }

  @Test
  @DisplayName("two rounds on the same dataset evaluate on the same eval set while their data seeds differ")
  void evalSetStableAcrossRounds() {
    Setup s = setup(DatasetBlobs.inMemory());
    start(s.service()).result();
    start(s.service()).result();
    StartRound a = s.starts().get(0);
    StartRound b = s.starts().get(1);
    assertThat(a.getRoundId()).isNotEqualTo(b.getRoundId());
    assertThat(b.getEvalSetHash()).isEqualTo(a.getEvalSetHash());
    assertThat(b.getDatasetHash()).isEqualTo(a.getDatasetHash());
    assertThat(b.getTraining().getDataSeed()).isNotEqualTo(a.getTraining().getDataSeed());
  }

  @Test
  @DisplayName("a store that refuses the data fails the start with 502 naming the dataset, and nothing goes on chain")
  void failedUploadFailsTheStart() {
    Setup s = setup((hash, bytes) -> Future.failedFuture(new IllegalStateException("store is down")));
    Future<JsonObject> f = start(s.service());
    assertThat(f.failed()).isTrue();
    assertThat(f.cause()).isInstanceOf(RequestException.class);
    RequestException e = (RequestException) f.cause();
    assertThat(e.status()).isEqualTo(502);
    assertThat(e.getMessage()).contains("train set").contains("store is down").contains("nothing was put on chain");
    assertThat(s.starts()).isEmpty();
  }
}
