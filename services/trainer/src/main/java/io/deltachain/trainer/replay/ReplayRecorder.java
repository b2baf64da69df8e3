package io.deltachain.trainer.replay;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.replay.ReplayTrace;
import io.deltachain.core.replay.StateHashes;
import io.deltachain.trainer.train.TrainingSession;
import io.deltachain.trainer.train.TrainingStateVector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Records a run for replay spot-checks: the training state ({@link TrainingStateVector}) at
 * steps {@code 0, k, 2k, ...} and at the last step, each written as a state file
 * ({@code state-<step>.bin}, core {@link StateHashes} format) into a directory, and the windows of
 * every step's batch. States are written as they happen, so a job that resumes from a checkpoint
 * finds the earlier ones on disk. Call {@link #start} once the session is at its first step (0, or
 * the step it resumed at), {@link #afterStep} after every step, and {@link #finish} at the end.
 */
public final class ReplayRecorder {
  /**
   * Default k: a validator re-executes at most 10 steps per spot-check whatever the run's length,
   * and the trainer stores steps/10 + 2 states of its trainable state (small for LoRA).
   */
  public static final int DEFAULT_INTERVAL = 10;

  private final Path dir;
  private final int interval;
  private final int totalSteps;
  private final int accumulation;
  private final RecordingBatches data;
  private final SortedMap<Long, ContentHash> hashes = new TreeMap<>();
  private final SortedMap<Long, Path> files = new TreeMap<>();

  /** What a finished recording produced. */
  public record Recording(ReplayTrace trace, Path traceFile, SortedMap<Long, Path> stateFiles,
      SortedMap<Long, ContentHash> stateHashes) {
    /** The commitment for {@code SubmitDelta.replay_commitment}. */
    public ContentHash commitment() {
      return trace.commitment();
    }
  }

  /**
   * @param dir where state files and the trace are written (created)
   * @param interval k, at least 1
   * @param totalSteps the run's optimizer steps
   * @param accumulation micro-batches per step
   * @param data the session's data source
   */
  public ReplayRecorder(Path dir, int interval, int totalSteps, int accumulation, RecordingBatches data) {
    if (interval < 1) {
      throw new IllegalArgumentException("replay interval k must be at least 1, got " + interval);
    }
    this.dir = dir;
    this.interval = interval;
    this.totalSteps = totalSteps;
    this.accumulation = accumulation;
    this.data = data;
  }

  private boolean recorded(long step) {
    return step % interval == 0 || step == totalSteps;
  }

  private Path file(long step) {
    return dir.resolve("state-" + step + ".bin");
  }

  /** Records the starting state; after a resume, takes the earlier states from disk. */
  public void start(TrainingSession s) throws IOException {
    Files.createDirectories(dir);
    for (long step : ReplayTrace.recordedSteps(totalSteps, interval)) {
      if (step >= s.step()) {
        break;
      }
      Path f = file(step);
      if (!Files.isRegularFile(f)) {
        throw new IOException("resuming at step " + s.step() + " but the replay state of step " + step + " (" + f
            + ") is missing, so the run's replay trace would be incomplete");
      }
      hashes.put(step, ContentHash.sha256(f));
      files.put(step, f);
    }
    if (recorded(s.step())) {
      capture(s);
    }
  }

  /** Records the state if this step is one of the recorded ones. */
  public void afterStep(TrainingSession s) throws IOException {
    if (recorded(s.step())) {
      capture(s);
    }
  }

  private void capture(TrainingSession s) throws IOException {
    long step = s.step();
    Path f = file(step);
    Path tmp = dir.resolve(f.getFileName() + ".tmp");
    ContentHash h = StateHashes.write(tmp, TrainingStateVector.capture(s));
    Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    hashes.put(step, h);
    files.put(step, f);
  }

  /** The trace of the whole run, written to {@code trace.bin} next to the states. */
  public Recording finish() throws IOException {
    List<ContentHash> stateHashes = new ArrayList<>();
    for (long step : ReplayTrace.recordedSteps(totalSteps, interval)) {
      ContentHash h = hashes.get(step);
      if (h == null) {
        throw new IllegalStateException("the state of step " + step + " was not recorded (the run stopped early?)");
      }
      stateHashes.add(h);
    }
    List<int[]> batches = new ArrayList<>(totalSteps);
    for (long step = 0; step < totalSteps; step++) {
      int[][] micro = new int[accumulation][];
      int n = 0;
      for (int m = 0; m < accumulation; m++) {
        micro[m] = data.windowsAt(step * accumulation + m);
        n += micro[m].length;
      }
      int[] all = new int[n];
      int at = 0;
      for (int[] w : micro) {
        System.arraycopy(w, 0, all, at, w.length);
        at += w.length;
      }
      batches.add(all);
    }
    ReplayTrace trace = new ReplayTrace(interval, stateHashes, batches);
    Path traceFile = dir.resolve("trace.bin");
    trace.write(traceFile);
    return new Recording(trace, traceFile, Collections.unmodifiableSortedMap(new TreeMap<>(files)),
        Collections.unmodifiableSortedMap(new TreeMap<>(hashes)));
  }
}
