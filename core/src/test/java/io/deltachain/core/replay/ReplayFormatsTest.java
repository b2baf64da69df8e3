package io.deltachain.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.core.content.ContentHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayFormatsTest {

  static ReplayTrace trace(int steps, int k) {
    List<int[]> batches = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      batches.add(new int[] {s, s * 7 + 1, 1_000_000 + s});
    }
    List<ContentHash> hashes = new ArrayList<>();
    for (long step : ReplayTrace.recordedSteps(steps, k)) {
      hashes.add(StateHashes.of(new float[] {step, 0.5f}));
    }
    return new ReplayTrace(k, hashes, batches);
  }

  @Test
  @DisplayName("a trace file reads back to the same trace, and its SHA-256 is the commitment carried on chain")
  void traceRoundTrip(@TempDir Path dir) throws IOException {
    ReplayTrace t = trace(7, 3);
    assertThat(ReplayTrace.recordedSteps(7, 3)).containsExactly(0, 3, 6, 7);
    Path f = dir.resolve("trace.bin");
    ContentHash written = t.write(f);
    assertThat(written).isEqualTo(t.commitment()).isEqualTo(ContentHash.sha256(f));
    ReplayTrace back = ReplayTrace.read(f);
    assertThat(back.interval()).isEqualTo(3);
    assertThat(back.stateHashes()).isEqualTo(t.stateHashes());
    assertThat(back.batches()).hasSize(7);
    for (int s = 0; s < 7; s++) {
      assertThat(back.batches().get(s)).containsExactly(t.batches().get(s));
    }
    assertThat(back.segment(2).startStep()).isEqualTo(6);
    assertThat(back.segment(2).endStep()).isEqualTo(7);
    assertThat(back.finalStateHash()).isEqualTo(t.stateHashes().get(3));
  }

  @Test
  @DisplayName("a damaged trace file is refused naming what is wrong, never half read")
  void damagedTraces() {
    byte[] good = trace(4, 2).encode();
    byte[] otherVersion = good.clone();
    otherVersion[ReplayTrace.FORMAT.length() - 1] = '9';
    assertThatThrownBy(() -> ReplayTrace.decode(otherVersion)).isInstanceOf(IOException.class)
        .hasMessageContaining("not a replay trace of format deltachain-replay-v1");
    assertThatThrownBy(() -> ReplayTrace.decode(Arrays.copyOf(good, good.length - 3))).isInstanceOf(IOException.class)
        .hasMessageContaining("batch of step 3 claims 3 indices, more than the trace holds");
    assertThatThrownBy(() -> ReplayTrace.decode(Arrays.copyOf(good, 60))).isInstanceOf(IOException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> ReplayTrace.decode(Arrays.copyOf(good, good.length + 1))).isInstanceOf(IOException.class)
        .hasMessageContaining("1 bytes after its last batch");
    byte[] hugeSteps = good.clone();
    java.nio.ByteBuffer.wrap(hugeSteps).putLong(ReplayTrace.FORMAT.length() + 4, Long.MAX_VALUE / 2);
    assertThatThrownBy(() -> ReplayTrace.decode(hugeSteps)).isInstanceOf(IOException.class)
        .hasMessageContaining("cannot hold");
    assertThatThrownBy(() -> new ReplayTrace(2, List.of(), List.of(new int[] {1}))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need 2 state hashes");
  }

  @Test
  @DisplayName("a state file holds the canonical float32 values and hashes to the state hash; -0.0 and +0.0, and every NaN, hash alike")
  void stateFiles(@TempDir Path dir) throws IOException {
    float[] state = new float[70_000];
    for (int i = 0; i < state.length; i++) {
      state[i] = (float) Math.sin(i) * 1e-3f;
    }
    Path f = dir.resolve("s.bin");
    ContentHash h = StateHashes.write(f, state);
    assertThat(ContentHash.sha256(f)).isEqualTo(h).isEqualTo(StateHashes.of(state));
    assertThat(StateHashes.read(f)).containsExactly(state);
    assertThat(StateHashes.decode(StateHashes.encode(state))).containsExactly(state);
    assertThat(StateHashes.of(new float[] {-0f, 1f})).isEqualTo(StateHashes.of(new float[] {0f, 1f}));
    assertThat(StateHashes.of(new float[] {Float.intBitsToFloat(0x7fc00001)})).isEqualTo(StateHashes.of(new float[] {Float.NaN}));
    assertThat(StateHashes.of(new float[] {1f})).isNotEqualTo(StateHashes.of(new float[] {1f, 0f}));
    byte[] bytes = Files.readAllBytes(f);
    assertThatThrownBy(() -> StateHashes.decode(Arrays.copyOf(bytes, bytes.length - 4))).isInstanceOf(IOException.class)
        .hasMessageContaining("claims 70000 values");
    assertThatThrownBy(() -> StateHashes.decode("hello".getBytes())).isInstanceOf(IOException.class);
  }

  @Test
  @DisplayName("a state layout is contiguous from 0 with unique names, and groups sections by kind")
  void layout() {
    StateLayout l = StateLayout.builder().add("step", StateLayout.Kind.COUNTER, 1).add("w", StateLayout.Kind.WEIGHT, 4)
        .add("w:adam_m", StateLayout.Kind.FIRST_MOMENT, 4).build();
    assertThat(l.length()).isEqualTo(9);
    assertThat(l.section("w:adam_m").offset()).isEqualTo(5);
    assertThat(l.sections(StateLayout.Kind.WEIGHT)).extracting(StateLayout.Section::name).containsExactly("w");
    assertThatThrownBy(() -> new StateLayout(List.of(new StateLayout.Section("a", StateLayout.Kind.WEIGHT, 1, 2))))
        .hasMessageContaining("does not continue at 0");
    assertThatThrownBy(() -> StateLayout.builder().add("a", StateLayout.Kind.WEIGHT, 1).add("a", StateLayout.Kind.WEIGHT, 1).build())
        .hasMessageContaining("appears twice");
  }
}
