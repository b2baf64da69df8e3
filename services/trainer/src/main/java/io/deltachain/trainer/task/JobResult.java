package io.deltachain.trainer.task;

import io.deltachain.core.delta.DeltaFile;
import io.deltachain.trainer.replay.ReplayRecorder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a finished job produced.
 *
 * @param task the task
 * @param deltaFiles written delta files, one per layer, in layer order
 * @param deltas the same deltas in memory
 * @param peftAdapter PEFT adapter directory (adapter modes), else null
 * @param metrics loss before/after on the shard and held-out batch, tokens, steps, wall time
 * @param replay the run's replay trace and state files (null when not recorded); every delta of
 *     the run commits to its trace
 */
public record JobResult(TrainingTask task, List<Path> deltaFiles, List<DeltaFile> deltas, Path peftAdapter,
    Map<String, String> metrics, ReplayRecorder.Recording replay) {

  /** A result without a replay recording. */
  public JobResult(TrainingTask task, List<Path> deltaFiles, List<DeltaFile> deltas, Path peftAdapter,
      Map<String, String> metrics) {
    this(task, deltaFiles, deltas, peftAdapter, metrics, null);
  }
}
