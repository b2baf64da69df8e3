package io.deltachain.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.content.Cid;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.TrainingMode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BusMessagesTest {
  private static final String ADDR = NodeKey.generate().addressHex();
  private static final ContentHash HASH = ContentHash.sha256("delta".getBytes(StandardCharsets.UTF_8));

  /** One filled-in instance of every record that has a codec. */
  static Stream<BusMessage> samples() {
    return Stream.of(
        new StatRequest(HASH),
        new StatReply(HASH, 4096, Cid.rawV1(HASH), "ipfs"),
        new StatReply(HASH, 0, null, "local"),
        new DeltaStored(HASH, 4096, Cid.rawV1(HASH)),
        new TrainerHeartbeat(ADDR, TrainerHeartbeat.State.IDLE, "cuda:NVIDIA H100 80GB", 80L << 30, null, 1_700_000_000_000L),
        new TaskOffer("r1/t/0", "r1", ADDR, 0, 15, TrainingMode.QLORA, 8, List.of("q_proj", "v_proj"), 3, "nf4",
            Map.of("model.layers.1", "cd".repeat(32), "model.layers.0", "ab".repeat(32)), 1000),
        TaskOfferReply.accept("r1/t/0"),
        TaskOfferReply.decline("r1/t/0", "out of memory"),
        new TaskProgress("r1/t/0", "r1", ADDR, 10, 100, 40960, 2_345_678),
        new RoundStarted("r1", "tiny-llama", 42, List.of("model.layers.0", "model.layers.1")),
        new RoundFinalized("r1", 99, ""),
        new VerdictPublished(HASH, ADDR, false, 0, List.of("LOSS_NOT_IMPROVED"), 77));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  @DisplayName("every record survives its codec's wire encoding unchanged")
  void wireRoundTrip(BusMessage message) {
    JsonRecordCodec<BusMessage> codec = codecFor(message);
    Buffer buffer = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(buffer, message);
    buffer.appendString("trailer");
    BusMessage decoded = codec.decodeFromWire("prefix".length(), buffer);
    assertThat(decoded).isEqualTo(message).isNotSameAs(message);
    assertThat(codec.transform(message)).isSameAs(message);
    assertThat(codec.systemCodecID()).isEqualTo((byte) -1);
    assertThat(codec.name()).isEqualTo("deltachain." + message.getClass().getSimpleName());
  }

  @Test
  @DisplayName("every record class in the package has exactly one codec")
  void oneCodecPerRecord() {
    List<Object> recordClasses = samples().map(m -> (Object) m.getClass()).distinct().toList();
    assertThat(Codecs.all().stream().map(c -> (Object) c.type()).toList())
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(recordClasses);
    assertThat(Codecs.all()).extracting(JsonRecordCodec::name).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("records are immutable: collections given to them are copied and frozen")
  void recordsAreImmutable() {
    List<String> modules = new ArrayList<>(List.of("q_proj"));
    Map<String, String> bases = new HashMap<>(Map.of("model.layers.0", "ab".repeat(32)));
    TaskOffer offer = new TaskOffer("t", "r1", ADDR, 0, 0, TrainingMode.LORA, 4, modules, 0, "fp32", bases, 5);
    modules.add("v_proj");
    bases.clear();
    assertThat(offer.targetModules()).containsExactly("q_proj");
    assertThat(offer.baseCheckpoints()).containsOnlyKeys("model.layers.0");
    assertThatThrownBy(() -> offer.targetModules().add("x")).isInstanceOf(UnsupportedOperationException.class);
    // toJson hands out mutable JSON without exposing the record's state
    offer.toJson().getJsonArray("targetModules").add("k_proj");
    assertThat(offer.targetModules()).containsExactly("q_proj");
  }

  @Test
  @DisplayName("JSON with a missing, mistyped or invalid field is rejected naming the field")
  void badJsonNamesTheField() {
    JsonObject good = new TaskProgress("t", "r1", ADDR, 1, 2, 3, 4).toJson();
    assertThatThrownBy(() -> TaskProgress.fromJson(good.copy().put("step", "one")))
        .hasMessageContaining("TaskProgress.step must be an integer, got String one");
    JsonObject missing = good.copy();
    missing.remove("roundId");
    assertThatThrownBy(() -> TaskProgress.fromJson(missing)).hasMessageContaining("TaskProgress.roundId is required");
    assertThatThrownBy(() -> TaskProgress.fromJson(good.copy().put("trainerAddress", "abc")))
        .hasMessageContaining("TaskProgress.trainerAddress 'abc' is not a node address");
    assertThatThrownBy(() -> TaskProgress.fromJson(good.copy().put("step", 5)))
        .hasMessageContaining("TaskProgress.step 5 is past totalSteps 2");
    assertThatThrownBy(() -> StatRequest.fromJson(new JsonObject().put("hash", "xyz")))
        .hasMessageContaining("StatRequest.hash: a content hash is 64 hex characters");
    assertThatThrownBy(() -> StatReply.fromJson(new StatReply(HASH, 1, null, "local").toJson().put("cid", "bad")))
        .hasMessageContaining("StatReply.cid: invalid CID 'bad'");
    JsonObject offer = ((TaskOffer) samples().filter(TaskOffer.class::isInstance).findFirst().orElseThrow()).toJson();
    assertThatThrownBy(() -> TaskOffer.fromJson(offer.copy().put("mode", "SIDEWAYS")))
        .hasMessageContaining("TaskOffer.mode is 'SIDEWAYS', not one of");
    assertThatThrownBy(() -> TaskOffer.fromJson(offer.copy().put("lastLayer", 1L << 40)))
        .hasMessageContaining("TaskOffer.lastLayer = 1099511627776 does not fit a 32-bit integer");
    assertThatThrownBy(() -> TaskOfferReply.fromJson(new JsonObject().put("taskId", "t").put("accepted", false)))
        .hasMessageContaining("TaskOfferReply.reason is required");
  }

  @Test
  @DisplayName("unknown JSON fields from a newer sender are ignored")
  void unknownFieldsIgnored() {
    RoundFinalized r = new RoundFinalized("r1", 5, "done");
    assertThat(RoundFinalized.fromJson(r.toJson().put("addedLater", true))).isEqualTo(r);
  }

  @SuppressWarnings("unchecked")
  private static JsonRecordCodec<BusMessage> codecFor(BusMessage m) {
    return (JsonRecordCodec<BusMessage>) Codecs.all().stream().filter(c -> c.type() == m.getClass()).findFirst().orElseThrow();
  }
}
