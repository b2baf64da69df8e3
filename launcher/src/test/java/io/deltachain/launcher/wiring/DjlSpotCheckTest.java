package io.deltachain.launcher.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.core.replay.ReplayTrace;
import io.deltachain.core.replay.StateHashes;
import io.deltachain.core.replay.StateLayout;
import io.deltachain.core.tensor.FloatTensor;
import io.deltachain.core.tx.proto.Dispute;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.replay.SegmentReplayer;
import io.deltachain.trainer.task.JobResult;
import io.deltachain.trainer.task.TrainingJob;
import io.deltachain.trainer.task.TrainingTask;
import io.deltachain.validator.replay.FinalStateBinding;
import io.deltachain.validator.replay.ReplayFailure;
import io.deltachain.validator.replay.ReplayOutcome;
import io.deltachain.validator.replay.ReplayVerifier;
import io.deltachain.validator.replay.StateFetcher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay spot-checks against the real DJL trainer: an honest LoRA job's segments replay within
 * tolerance on the validator's {@link DjlSegmentExecutor}, and each forged trace is disputed with
 * its own reason, scoped to the delta's layer and the replayed segment.
 */
class DjlSpotCheckTest {
  static final int STEPS = 20;
  static final int K = 5;
  static final long TOLERANCE_PPM = 10_000;
  static final String LAYER = "model.layers.1";
  static final byte[] DELTA_ID = ContentHash.sha256("the delta's SubmitDelta".getBytes()).bytes();

  @TempDir static Path dir;
  static TrainingTask task;
  static Corpus corpus;
  static JobResult job;
  static DeltaFile delta;
  static DjlSegmentExecutor executor;
  static final ReplayVerifier verifier = new ReplayVerifier(TOLERANCE_PPM);
  /** The delta store: every state the trainers published, by hash. */
  static final Map<ContentHash, float[]> store = new HashMap<>();
  static final StateFetcher fetcher = h -> {
    float[] s = store.get(h);
    if (s == null) {
      throw new IOException("the store has no state " + h.hex());
    }
    return s.clone();
  };

  static TrainingTask task(int shard) {
    return new TrainingTask("t-" + shard, 3, "tiny-1m", "random:5", "", TrainingMode.LORA, 1, 1, 4, 8,
        List.of("q_proj", "v_proj"), "europarl:400", "bytes", "", 17, shard, 4, STEPS, 4, 32, 3e-3, "fp32");
  }

  @BeforeAll
  static void trainHonestly() throws Exception {
    task = task(1);
    corpus = TrainingJob.loadCorpus(task.dataset());
    job = new TrainingJob(dir, "honest", Device.cpu(), 0, K).run(task, p -> { }, () -> false);
    delta = DeltaFile.read(job.deltaFiles().get(0));
    for (Path f : job.replay().stateFiles().values()) {
      publish(StateHashes.read(f));
    }
    executor = new DjlSegmentExecutor(task, corpus);
  }

  @AfterAll
  static void close() {
    if (executor != null) {
      executor.close();
    }
  }

  static ContentHash publish(float[] state) {
    ContentHash h = StateHashes.of(state);
    store.put(h, state.clone());
    return h;
  }

  static float[] state(long step) throws IOException {
    return StateHashes.read(job.replay().stateFiles().get(step));
  }

  static ReplayTrace trace() {
    return job.replay().trace();
  }

  /** The honest trace with the state at {@code index} replaced (and published). */
  static ReplayTrace withState(int index, float[] state, List<int[]> batches) {
    List<ContentHash> hashes = new ArrayList<>(trace().stateHashes());
    hashes.set(index, publish(state));
    return new ReplayTrace(K, hashes, batches);
  }

  static ReplayOutcome check(ReplayTrace t, int segment, FinalStateBinding binding) {
    ReplayOutcome o = verifier.verifySegment(DELTA_ID, LAYER, t.commitment(), t, segment, binding, fetcher, executor);
    System.out.printf("spot-check of segment %d: %s%n", segment, o.matched() ? "MATCH " + o.detail() : o.detail());
    return o;
  }

  static FinalStateBinding honestBinding() {
    return FinalStateBinding.of(delta, new TreeMap<>());
  }

  static void assertDisputed(ReplayOutcome o, ReplayFailure failure, int segment) {
    assertThat(o.matched()).as(o.detail()).isFalse();
    assertThat(o.failure()).as(o.detail()).isEqualTo(failure);
    Dispute d = o.dispute();
    assertThat(d.getDeltaId().toByteArray()).isEqualTo(DELTA_ID);
    assertThat(d.getLayer()).isEqualTo(LAYER);
    assertThat(d.getSegmentStartStep()).isEqualTo((long) segment * K);
    assertThat(d.getSegmentEndStep()).isEqualTo((long) (segment + 1) * K);
    assertThat(d.getReason()).startsWith(failure.name() + ": ").hasSizeLessThanOrEqualTo(ReplayVerifier.MAX_REASON_CHARS);
  }

  @Test
  @DisplayName("an honest DJL trainer's segments, re-executed by the validator's DJL executor, all match within tolerance, including the chain-selected one")
  void honestSegmentsMatch() {
    ReplayTrace t = trace();
    assertThat(t.segmentCount()).isEqualTo(STEPS / K);
    for (int i = 0; i < t.segmentCount(); i++) {
      ReplayOutcome o = check(t, i, honestBinding());
      assertThat(o.matched()).as(o.detail()).isTrue();
      assertThat(o.distancePpm()).isBetween(0L, TOLERANCE_PPM);
    }
    byte[] blockHash = ContentHash.sha256("block 42".getBytes()).bytes();
    ReplayOutcome selected = verifier.verify(DELTA_ID, LAYER, t.commitment(), t, blockHash, honestBinding(), fetcher, executor);
    assertThat(selected.matched()).isTrue();
  }

  @Test
  @DisplayName("a segment whose end state comes from skipped steps is disputed: REPLAY_DIVERGED with its counters patched, COUNTER_MISMATCH without")
  void skippedStepsAreDisputed() throws Exception {
    // the forger ran 2 of segment 1's 5 steps and claims the result as the state at step 10
    float[] start = state(5);
    float[] lazy = executor.execute(start.clone(), 5, trace().batches().subList(5, 7));
    float[] claimed = lazy.clone();
    StateLayout layout = executor.layout();
    claimed[layout.section("step").offset()] = 10;
    for (StateLayout.Section s : layout.sections(StateLayout.Kind.COUNTER)) {
      if (s.name().endsWith(":adam_steps")) {
        claimed[s.offset()] = 10;
      }
    }
    ReplayOutcome patched = check(withState(2, claimed, trace().batches()), 1, honestBinding());
    assertDisputed(patched, ReplayFailure.REPLAY_DIVERGED, 1);
    assertThat(patched.distancePpm()).isGreaterThan(TOLERANCE_PPM);
    ReplayOutcome unpatched = check(withState(2, lazy, trace().batches()), 1, honestBinding());
    assertDisputed(unpatched, ReplayFailure.COUNTER_MISMATCH, 1);
    assertThat(unpatched.detail()).contains("counter step is 10.0, the recorded end state says 7.0");
  }

  @Test
  @DisplayName("a segment trained on other batches than the recorded ones is disputed (REPLAY_DIVERGED); recording the batches really used is refused (INPUTS_REFUSED)")
  void otherBatchesAreDisputed() throws Exception {
    // the forger trained segment 2 on shard 3's batches instead of its assigned shard 1's
    float[] end;
    List<int[]> used = new ArrayList<>();
    try (SegmentReplayer other = new SegmentReplayer(task(3), corpus, Device.cpu())) {
      for (int step = 10; step < 15; step++) {
        used.add(other.scheduledWindows(step));
      }
      end = other.replay(state(10), 10, used);
    }
    ReplayOutcome recordedHonestly = check(withState(3, end, trace().batches()), 2, honestBinding());
    assertDisputed(recordedHonestly, ReplayFailure.REPLAY_DIVERGED, 2);
    assertThat(recordedHonestly.distancePpm()).isGreaterThan(TOLERANCE_PPM);

    List<int[]> batches = new ArrayList<>(trace().batches());
    for (int i = 0; i < used.size(); i++) {
      batches.set(10 + i, used.get(i));
    }
    ReplayOutcome recordedUsed = check(withState(3, end, batches), 2, honestBinding());
    assertDisputed(recordedUsed, ReplayFailure.INPUTS_REFUSED, 2);
    assertThat(recordedUsed.detail()).contains("step 10 records windows").contains("the shard's batch for that step is");
  }

  @Test
  @DisplayName("a state that does not match its hash in the trace is disputed (STATE_HASH_MISMATCH), and so is one the store does not have (STATE_UNAVAILABLE)")
  void stateHashesAreChecked() {
    ContentHash end = trace().stateHashes().get(1);
    StateFetcher swapped = h -> {
      float[] s = fetcher.fetch(h);
      if (h.equals(end)) {
        s[s.length - 1] += 1e-3f;
      }
      return s;
    };
    ReplayOutcome o = verifier.verifySegment(DELTA_ID, LAYER, trace().commitment(), trace(), 0, honestBinding(), swapped, executor);
    assertDisputed(o, ReplayFailure.STATE_HASH_MISMATCH, 0);
    assertThat(o.dispute().getExpectedStateHash().toByteArray()).isEqualTo(end.bytes());
    StateFetcher empty = h -> {
      throw new IOException("not published");
    };
    assertDisputed(verifier.verifySegment(DELTA_ID, LAYER, trace().commitment(), trace(), 0, honestBinding(), empty, executor),
        ReplayFailure.STATE_UNAVAILABLE, 0);
  }

  @Test
  @DisplayName("an honest trace with a tampered delta is disputed (DELTA_NOT_FINAL_STATE), as is a trace that does not start from the round's initial state")
  void deltaAndStartAreBoundToTheTrace() throws Exception {
    Map<String, FloatTensor> poisoned = new TreeMap<>();
    delta.tensors().forEach((name, t) -> {
      float[] v = t.data().clone();
      if (name.endsWith(DeltaFile.LORA_B_SUFFIX)) {
        for (int i = 0; i < v.length; i++) {
          v[i] *= -8f;
        }
      }
      poisoned.put(name, new FloatTensor(t.shape(), v));
    });
    ReplayOutcome tampered = check(trace(), 3, FinalStateBinding.of(DeltaFile.of(delta.metadata(), poisoned), new TreeMap<>()));
    assertDisputed(tampered, ReplayFailure.DELTA_NOT_FINAL_STATE, 3);
    assertThat(tampered.detail()).contains("lora_B.weight[");

    // a trainer that started from an adapter trained elsewhere
    float[] head = state(0);
    StateLayout.Section a = executor.layout().section("model.layers.1.self_attn.q_proj.lora_A.weight");
    for (int i = a.offset(); i < a.offset() + a.length(); i++) {
      head[i] *= 2;
    }
    ReplayOutcome elsewhere = check(withState(0, head, trace().batches()), 0, honestBinding());
    assertDisputed(elsewhere, ReplayFailure.INITIAL_STATE_MISMATCH, 0);
  }
}
