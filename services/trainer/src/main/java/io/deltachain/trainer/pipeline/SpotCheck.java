package io.deltachain.trainer.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.deltachain.trainer.model.CausalLmLoss;
import io.deltachain.trainer.model.NoGrad;
import io.deltachain.trainer.model.SpanPass;
import io.deltachain.trainer.train.TrainingConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A validator's spot check of one pipeline stage: recompute one micro-batch of one step from the
 * stage's weights as of that step's start and compare with the stage's {@link ActivationRecord}.
 * The input is the tokens (first stage) or the previous stage's activation, which must hash to what
 * the record says the stage received; the recomputed output must hash to what it says the stage
 * sent (on the last stage: give the recorded loss). Dropout is reseeded exactly as in training.
 *
 * <p>Hashes compare bit for bit, which holds for a recomputation with the same kernels (the same
 * engine build on the same kind of device; tested on CPU). Across hardware, PyTorch is not
 * bit-reproducible; there a validator fetches the claimed activation (its hash must match the
 * record) and compares values with {@link Result#maxAbsDiff} against a threshold instead.
 *
 * <p>Weights as of step 0 are the round's base (plus freshly initialised adapters); for a later
 * step the validator restores the stage's checkpoint of that step into a {@link StageWorker}.
 */
public final class SpotCheck {
  private SpotCheck() {
  }

  /**
   * The outcome.
   *
   * @param matches whether the input and the recomputation agree with the record
   * @param reason what disagreed, empty when it matches
   * @param output the recomputed activation (null on the last stage)
   * @param loss the recomputed loss on the last stage, NaN elsewhere
   * @param maxAbsDiff largest difference from {@code claimed} when one was given, else NaN
   */
  public record Result(boolean matches, String reason, BoundaryTensor output, double loss, double maxAbsDiff) {
  }

  /**
   * Recomputes micro-batch {@code micro} of step {@code step} on a stage and compares.
   *
   * @param stage the stage's weights as of the start of {@code step}, no step in flight
   * @param step the optimizer step
   * @param micro the micro-batch
   * @param tokens the micro-batch's inputs on the first stage, else null
   * @param input the activation the stage received on later stages, else null
   * @param labels the labels on the last stage, else null
   * @param recorded the stage's record entry for (step, micro)
   * @param claimed the activation the stage claims it sent, or null (only for {@link Result#maxAbsDiff})
   * @return the outcome
   */
  public static Result check(StageWorker stage, long step, int micro, long[] tokens, BoundaryTensor input,
      long[] labels, ActivationRecord.Entry recorded, BoundaryTensor claimed) {
    if (stage.stepInFlight() || stage.step() != step) {
      throw new IllegalStateException("the stage's weights are as of step " + stage.step() + ", not the start of step "
          + step);
    }
    if (recorded == null) {
      return new Result(false, "the record has no entry for step " + step + " micro-batch " + micro, null,
          Double.NaN, Double.NaN);
    }
    if (!stage.isFirst() && !input.sha256().equals(recorded.inputSha256())) {
      return new Result(false, "the input hashes to " + input.sha256() + " but the stage recorded receiving "
          + recorded.inputSha256(), null, Double.NaN, Double.NaN);
    }
    TrainingConfig config = stage.run().training();
    try (NoGrad g = NoGrad.open(); NDManager m = stage.model().manager().newSubManager()) {
      NDArray x = stage.isFirst()
          ? m.create(tokens, new Shape(config.batchSize(), config.sequenceLength()))
          : input.toArray(m);
      NDArray y = SpanPass.forward(stage.model(), x, true, StageWorker.reseeder(config, step, micro));
      if (stage.isLast()) {
        NDArray lab = m.create(labels, new Shape(config.batchSize(), config.sequenceLength()));
        double loss = CausalLmLoss.crossEntropy(y, lab).getFloat();
        boolean same = loss == (float) recorded.loss();
        return new Result(same, same ? "" : "recomputed loss " + loss + " differs from the recorded "
            + recorded.loss(), null, loss, Double.NaN);
      }
      BoundaryTensor out = BoundaryTensor.of(y);
      double diff = claimed == null ? Double.NaN : maxAbsDiff(out.values(), claimed.values());
      boolean same = out.sha256().equals(recorded.outputSha256());
      return new Result(same, same ? "" : "the recomputed activation hashes to " + out.sha256()
          + " but the stage recorded sending " + recorded.outputSha256(), out, Double.NaN, diff);
    }
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      return Double.POSITIVE_INFINITY;
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }

  /**
   * Checks that neighbouring stages' records agree: for every (step, micro-batch), what stage k
   * recorded sending hashes the same as what stage k+1 recorded receiving. A stage that trained on
   * something other than its predecessor's output shows up here without any recomputation.
   *
   * @param records one record per stage, in pipeline order
   * @return one line per disagreement, empty when all agree
   */
  public static List<String> linkMismatches(List<ActivationRecord> records) {
    List<String> out = new ArrayList<>();
    for (int k = 0; k + 1 < records.size(); k++) {
      ActivationRecord a = records.get(k);
      ActivationRecord b = records.get(k + 1);
      for (long[] key : a.keys()) {
        ActivationRecord.Entry sent = a.get(key[0], (int) key[1]);
        ActivationRecord.Entry received = b.get(key[0], (int) key[1]);
        if (received == null) {
          out.add("stage " + (k + 1) + " has no record of step " + key[0] + " micro-batch " + key[1]);
        } else if (!sent.outputSha256().equals(received.inputSha256())) {
          out.add("step " + key[0] + " micro-batch " + key[1] + ": stage " + k + " sent " + sent.outputSha256()
              + ", stage " + (k + 1) + " received " + received.inputSha256());
        }
      }
    }
    return out;
  }
}
