package io.deltachain.launcher.wiring;

import ai.djl.Device;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.replay.StateHashes;
import io.deltachain.core.replay.StateLayout;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.model.LayerCheckpoints;
import io.deltachain.trainer.replay.SegmentReplayer;
import io.deltachain.trainer.task.TrainingTask;
import io.deltachain.validator.replay.ReplayRefusal;
import io.deltachain.validator.replay.SegmentExecutor;
import java.io.IOException;
import java.util.List;

/**
 * The validator's re-executor backed by the real DJL trainer: the trainer module's
 * {@link SegmentReplayer} set up from the delta's task as the round fixes it, on the CPU. The
 * initial state it builds (base weights with the round's layer checkpoints loaded, the adapters'
 * seeded initialisation, an empty optimizer)
 * is the one the trace must start from. Recorded inputs the replayer refuses become a
 * {@link ReplayRefusal} (the trainer's fault). Holds a model: close it.
 */
public final class DjlSegmentExecutor implements SegmentExecutor, AutoCloseable {
  private final SegmentReplayer replayer;
  private final ContentHash initialHash;

  /**
   * @param task the delta's task as the round fixes it
   * @param corpus the task's dataset (loaded once per round)
   */
  public DjlSegmentExecutor(TrainingTask task, Corpus corpus) throws IOException {
    this(task, corpus, LayerCheckpoints.BlobSource.none());
  }

  /**
   * @param task the delta's task as the round fixes it
   * @param corpus the task's dataset (loaded once per round)
   * @param checkpoints where the task's base layer checkpoints are fetched
   */
  public DjlSegmentExecutor(TrainingTask task, Corpus corpus, LayerCheckpoints.BlobSource checkpoints)
      throws IOException {
    TorchGate.acquire();
    try {
      this.replayer = new SegmentReplayer(task, corpus, Device.cpu(), checkpoints);
      this.initialHash = StateHashes.of(replayer.initialState());
    } finally {
      TorchGate.release();
    }
  }

  @Override
  public StateLayout layout() {
    return replayer.layout();
  }

  @Override
  public long totalSteps() {
    return replayer.totalSteps();
  }

  @Override
  public ContentHash initialStateHash() {
    return initialHash;
  }

  @Override
  public float[] execute(float[] start, long startStep, List<int[]> batches) throws ReplayRefusal {
    TorchGate.acquire();
    try {
      return replayer.replay(start, startStep, batches);
    } catch (IllegalArgumentException e) {
      throw new ReplayRefusal(e.getMessage());
    } finally {
      TorchGate.release();
    }
  }

  @Override
  public void close() {
    TorchGate.hold(() -> {
      replayer.close();
      return null;
    });
  }
}
