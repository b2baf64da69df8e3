package io.deltachain.trainer.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.core.replay.ReplayTrace;
import io.deltachain.core.replay.StateHashes;
import io.deltachain.core.replay.StateLayout;
import io.deltachain.core.tensor.FloatTensor;
import io.deltachain.trainer.task.JobResult;
import io.deltachain.trainer.task.TrainingJob;
import io.deltachain.trainer.task.TrainingTask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real LoRA job records its replay trace, and the trainer's DJL replayer, set up from the task
 * alone, re-executes every recorded segment to the recorded end state, bit for bit on the CPU.
 */
class SegmentReplayerTest {
  static final int STEPS = 7;
  static final int K = 3;

  @TempDir static Path dir;
  static TrainingTask task;
  static JobResult job;
  static SegmentReplayer replayer;

  @BeforeAll
  static void train() throws Exception {
    task = new TrainingTask("t-replay", 3, "tiny-1m", "random:5", "", TrainingMode.LORA, 1, 1, 4, 8,
        List.of("q_proj", "v_proj"), "europarl:400", "bytes", "", 17, 1, 4, STEPS, 4, 32, 3e-3, "fp32");
    job = new TrainingJob(dir, "trainer-r", Device.cpu(), 0, K).run(task, p -> { }, () -> false);
    replayer = new SegmentReplayer(task, Device.cpu());
  }

  @AfterAll
  static void close() {
    if (replayer != null) {
      replayer.close();
    }
  }

  static float[] state(long step) throws Exception {
    return StateHashes.read(job.replay().stateFiles().get(step));
  }

  @Test
  @DisplayName("a LoRA job records its state at steps 0, k, 2k and the last, the batch windows of every step, and a trace whose file hashes to the commitment")
  void recordsTrace() throws Exception {
    ReplayTrace trace = job.replay().trace();
    assertThat(trace.interval()).isEqualTo(K);
    assertThat(trace.totalSteps()).isEqualTo(STEPS);
    assertThat(job.replay().stateFiles().keySet()).containsExactly(0L, 3L, 6L, 7L);
    for (int step = 0; step < STEPS; step++) {
      assertThat(trace.batches().get(step)).as("step %d", step).containsExactly(replayer.scheduledWindows(step));
    }
    assertThat(ContentHash.sha256(job.replay().traceFile())).isEqualTo(job.replay().commitment());
    assertThat(ReplayTrace.read(job.replay().traceFile()).commitment()).isEqualTo(trace.commitment());

    StateLayout layout = replayer.layout();
    assertThat(layout.sections().get(0).name()).isEqualTo("step");
    assertThat(layout.sections(StateLayout.Kind.WEIGHT)).extracting(StateLayout.Section::name).containsExactly(
        "model.layers.1.self_attn.q_proj.lora_A.weight", "model.layers.1.self_attn.q_proj.lora_B.weight",
        "model.layers.1.self_attn.v_proj.lora_A.weight", "model.layers.1.self_attn.v_proj.lora_B.weight");
    List<Long> steps = List.of(0L, 3L, 6L, 7L);
    for (int i = 0; i < steps.size(); i++) {
      float[] s = state(steps.get(i));
      assertThat(StateHashes.of(s)).isEqualTo(trace.stateHashes().get(i));
      assertThat(s).hasSize(layout.length());
      assertThat(s[0]).isEqualTo((float) (long) steps.get(i));
    }
    // the trace starts where the round says it must: fresh adapters, empty optimizer
    assertThat(state(0)).containsExactly(replayer.initialState());
    // and ends where the delta is: the final adapter weights are the delta's factors
    float[] last = state(STEPS);
    DeltaFile delta = DeltaFile.read(job.deltaFiles().get(0));
    for (Map.Entry<String, FloatTensor> e : delta.tensors().entrySet()) {
      StateLayout.Section s = layout.section(e.getKey());
      float[] recorded = java.util.Arrays.copyOfRange(last, s.offset(), s.offset() + s.length());
      assertThat(recorded).as(e.getKey()).containsExactly(e.getValue().data());
      assertThat(last[layout.section(e.getKey() + ":adam_steps").offset()]).isEqualTo((float) STEPS);
    }
  }

  @Test
  @DisplayName("every recorded segment, re-executed by the DJL replayer from its start state and batches, ends bit for bit at the recorded state")
  void replaysEverySegmentExactly() throws Exception {
    ReplayTrace trace = job.replay().trace();
    for (int i = 0; i < trace.segmentCount(); i++) {
      ReplayTrace.Segment seg = trace.segment(i);
      float[] replayed = replayer.replay(state(seg.startStep()), seg.startStep(), seg.batches());
      assertThat(StateHashes.of(replayed)).as("segment %d (steps %d..%d)", i, seg.startStep(), seg.endStep())
          .isEqualTo(seg.endHash());
    }
    // on a thread that never trained (grad mode is per thread), as on a validator's replay worker
    ReplayTrace.Segment seg = trace.segment(1);
    float[] start = state(seg.startStep());
    java.util.concurrent.ExecutorService fresh = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      float[] replayed = fresh.submit(() -> replayer.replay(start, seg.startStep(), seg.batches())).get();
      assertThat(StateHashes.of(replayed)).isEqualTo(seg.endHash());
    } finally {
      fresh.shutdownNow();
    }
  }

  @Test
  @DisplayName("the replayer refuses batches other than the shard's for their steps, states of another layout or step, and steps outside the task")
  void refusesInputsThatDoNotFit() throws Exception {
    ReplayTrace.Segment seg = job.replay().trace().segment(1);
    List<int[]> swapped = new ArrayList<>(seg.batches());
    int[] b = swapped.get(0).clone();
    int t = b[0];
    b[0] = b[1];
    b[1] = t;
    swapped.set(0, b);
    assertThatThrownBy(() -> replayer.replay(state(3), 3, swapped)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step 3 records windows").hasMessageContaining("the shard's batch for that step is");
    assertThatThrownBy(() -> replayer.replay(new float[7], 3, seg.batches())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("training state has 7 values, this run's layout has " + replayer.layout().length());
    assertThatThrownBy(() -> replayer.replay(state(0), 3, seg.batches())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the start state is at step 0, the segment starts at step 3");
    float[] fractional = state(3);
    fractional[0] = 2.5f;
    assertThatThrownBy(() -> replayer.replay(fractional, 3, seg.batches())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("counter step is 2.5");
    assertThatThrownBy(() -> replayer.replay(state(6), 6, job.replay().trace().batches().subList(5, 7)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the task's 7 steps");
  }
}
