package io.deltachain.trainer.replay;

import ai.djl.Device;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.core.replay.StateLayout;
import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.data.BatchSource;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.LayerCheckpoints;
import io.deltachain.trainer.model.Nf4Quantizer;
import io.deltachain.trainer.task.TrainingJob;
import io.deltachain.trainer.task.TrainingTask;
import io.deltachain.trainer.train.TrainingConfig;
import io.deltachain.trainer.train.TrainingSession;
import io.deltachain.trainer.train.TrainingStateVector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Re-executes recorded training steps with the real DJL trainer. It is set up from a task exactly
 * as {@link TrainingJob} sets up training (model profile, base checkpoint, mode, layer range,
 * LoRA, optimizer settings and schedule, seeds, the shard and its batch order), so the only
 * inputs taken from the trainer are the start state and the batch windows, and both are checked:
 * a start state that does not fit the task's layout or claims another step, and batches that are
 * not the shard's batches for their steps, are refused with {@link IllegalArgumentException}
 * naming what is wrong. Holds a model; close it. Not thread-safe.
 */
public final class SegmentReplayer implements AutoCloseable {
  private final TrainingTask task;
  private final PackedBatches shard;
  private final CausalLm model;
  private final TrainingSession session;
  private final ReplayBatches data;
  private final StateLayout layout;
  private final float[] initialState;
  private final int stepExamples;

  /**
   * Builds the task's model and session on a device.
   *
   * @param task the task as the round fixes it (steps, hyperparameters, shard, seeds)
   * @param device where to re-execute (CPU on a validator)
   * @throws IOException if the dataset, tokenizer or base checkpoint cannot be read
   */
  public SegmentReplayer(TrainingTask task, Device device) throws IOException {
    this(task, TrainingJob.loadCorpus(task.dataset()), device);
  }

  /**
   * As above, with the task's dataset already loaded (validators replay many deltas of one round).
   *
   * @param task the task as the round fixes it
   * @param corpus the task's dataset, checked against the task's dataset hash
   * @param device where to re-execute
   * @throws IOException if the tokenizer or base checkpoint cannot be read, or the dataset is another
   */
  public SegmentReplayer(TrainingTask task, Corpus corpus, Device device) throws IOException {
    this(task, corpus, device, LayerCheckpoints.BlobSource.none());
  }

  /**
   * As above, for a task that builds on layer checkpoints (a later round on a layer): they are
   * fetched and loaded into the base exactly as the trainer did, so the initial state matches.
   *
   * @param task the task as the round fixes it
   * @param corpus the task's dataset
   * @param device where to re-execute
   * @param checkpoints where the task's {@link TrainingTask#baseCheckpoints()} are fetched
   * @throws IOException if the tokenizer, base checkpoint or a layer checkpoint cannot be read
   */
  public SegmentReplayer(TrainingTask task, Corpus corpus, Device device, LayerCheckpoints.BlobSource checkpoints)
      throws IOException {
    this.task = task;
    ModelProfile profile = TrainingJob.resolveProfile(task);
    if (!task.datasetHash().isEmpty() && !corpus.hash().hex().equalsIgnoreCase(task.datasetHash())) {
      throw new IOException("dataset " + task.dataset() + " has hash " + corpus.hash().hex() + ", the round names "
          + task.datasetHash());
    }
    this.shard = TrainingJob.shard(task, corpus, TrainingJob.tokenizer(task, profile));
    TrainingConfig config = TrainingJob.trainingConfig(task, profile);
    this.stepExamples = config.gradientAccumulation() * task.batchSize();
    this.data = new ReplayBatches(shard);
    this.model = TrainingJob.loadBase(task, profile, device, checkpoints);
    try {
      this.session = new TrainingSession(model, config, data, task.mode() == TrainingMode.QLORA ? new Nf4Quantizer() : null);
      this.layout = TrainingStateVector.layout(session);
      this.initialState = TrainingStateVector.capture(session);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** @return the layout of this task's training state */
  public StateLayout layout() {
    return layout;
  }

  /** @return the state before the first step (base weights, fresh adapters, empty optimizer) */
  public float[] initialState() {
    return initialState.clone();
  }

  /** @return the task's optimizer steps */
  public int totalSteps() {
    return session.config().steps();
  }

  /** @return the windows the shard serves at step {@code step}, all micro-batches in order */
  public int[] scheduledWindows(long step) {
    int accumulation = session.config().gradientAccumulation();
    int[] out = new int[stepExamples];
    for (int m = 0; m < accumulation; m++) {
      int[] w = shard.windowsAt(step * accumulation + m);
      System.arraycopy(w, 0, out, m * task.batchSize(), w.length);
    }
    return out;
  }

  /**
   * Runs {@code batches.size()} steps from {@code start} and returns the state after them.
   *
   * @param start the recorded state at {@code startStep}
   * @param startStep the step the segment starts at
   * @param batches each step's windows, as recorded
   * @return the state after the segment
   * @throws IllegalArgumentException when the recorded inputs do not fit the task (state size or
   *     counters, step range, batch sizes, windows other than the shard's for that step)
   */
  public float[] replay(float[] start, long startStep, List<int[]> batches) {
    if (startStep < 0 || batches.isEmpty() || startStep + batches.size() > totalSteps()) {
      throw new IllegalArgumentException("segment of steps " + startStep + ".." + (startStep + batches.size())
          + " is outside the task's " + totalSteps() + " steps");
    }
    for (int i = 0; i < batches.size(); i++) {
      long step = startStep + i;
      int[] b = batches.get(i);
      if (b.length != stepExamples) {
        throw new IllegalArgumentException("step " + step + " records " + b.length + " examples, the task's steps have "
            + stepExamples + " (batch size x accumulation)");
      }
      int[] expected = scheduledWindows(step);
      if (!Arrays.equals(b, expected)) {
        throw new IllegalArgumentException("step " + step + " records windows " + abbreviate(b)
            + ", but the shard's batch for that step is " + abbreviate(expected));
      }
    }
    TrainingStateVector.restore(session, start);
    if (session.step() != startStep) {
      throw new IllegalArgumentException("the start state is at step " + session.step() + ", the segment starts at step "
          + startStep);
    }
    data.load(startStep * session.config().gradientAccumulation(), batches, task.batchSize());
    for (int i = 0; i < batches.size(); i++) {
      session.trainStep();
    }
    return TrainingStateVector.capture(session);
  }

  private static String abbreviate(int[] w) {
    if (w.length <= 8) {
      return Arrays.toString(w);
    }
    return Arrays.toString(Arrays.copyOf(w, 8)).replace("]", ", ... (" + w.length + ")]");
  }

  @Override
  public void close() {
    session.close();
    model.close();
  }

  /** Serves the recorded windows of a segment as the session's batches, micro-batch by micro-batch. */
  private static final class ReplayBatches implements BatchSource {
    private final PackedBatches shard;
    private final List<int[]> micro = new ArrayList<>();
    private long first;
    private long position;

    ReplayBatches(PackedBatches shard) {
      this.shard = shard;
    }

    void load(long firstPosition, List<int[]> steps, int batchSize) {
      micro.clear();
      for (int[] s : steps) {
        for (int at = 0; at < s.length; at += batchSize) {
          micro.add(Arrays.copyOfRange(s, at, at + batchSize));
        }
      }
      first = firstPosition;
      position = firstPosition;
    }

    @Override
    public Batch next() {
      int i = Math.toIntExact(position - first);
      if (i < 0 || i >= micro.size()) {
        throw new IllegalStateException("the replay asked for micro-batch " + position + ", the segment holds "
            + first + ".." + (first + micro.size() - 1));
      }
      position++;
      return shard.batchOfWindows(micro.get(i));
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public void seek(long p) {
      position = p;
    }

    @Override
    public String fingerprint() {
      return shard.fingerprint();
    }
  }
}
