package io.deltachain.trainer.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.data.ByteTokenizer;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.LoraConfig;
import io.deltachain.trainer.train.StepResult;
import io.deltachain.trainer.train.TrainingConfig;
import io.deltachain.trainer.train.TrainingSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One prepared LoRA training run on the first CUDA device, fp16 mixed precision beside fp32, in one
 * JVM: {@code CudaLoraRun <profile> <batch> <seq> <warmup> <steps> <learningRate> <europarlDocs>}.
 *
 * <p>The data are the first {@code europarlDocs} Europarl documents, byte-tokenised and packed
 * (so a falling loss means the adapters learn the text, not noise). Both runs start from the same
 * random base (seed 1) and the same adapter seed and see the same batches. LoRA r=8, alpha=16 on
 * all seven projections, AdamW, constant learning rate, global clip 1.0. Each step is timed on the
 * host; the step reads its loss and gradient norms back, so a step's wall time includes its GPU
 * work. Tokens/s = tokens of one step / median step time over the timed steps.
 *
 * <p>Output, one line per fact: {@code device ...}, {@code step <precision> <n> <loss> <gradNorm>
 * <applied> <seconds>} for every step (warm-up included), and {@code result <precision> ...} with
 * tokens/s, first and last losses, the mean of the first and last five losses and, for fp16, the
 * loss-scale skips and final scale. Exit status 1 when a loss is not finite or fp16's loss did
 * not fall.
 */
public final class CudaLoraRun {
  private CudaLoraRun() {
  }

  /**
   * Runs fp16 then fp32.
   *
   * @param args profile, batch, sequence length, warm-up steps, timed steps, learning rate,
   *     Europarl documents
   * @throws IOException if the Europarl sample is missing from the classpath
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 7) {
      System.err.println("usage: CudaLoraRun <profile> <batch> <seq> <warmup> <steps> <lr> <europarlDocs>");
      System.exit(2);
    }
    ModelProfile profile = ModelProfiles.bundled(args[0]);
    int batch = Integer.parseInt(args[1]);
    int seq = Integer.parseInt(args[2]);
    int warmup = Integer.parseInt(args[3]);
    int steps = Integer.parseInt(args[4]);
    double lr = Double.parseDouble(args[5]);
    int docs = Integer.parseInt(args[6]);

    Engine engine = Engine.getEngine("PyTorch");
    // libtorch's own answer (torch::cuda::is_available); getGpuCount() goes through DJL's JNA
    // binding of libcudart instead, which needs libcudart on JNA's search path.
    boolean cuda = engine.hasCapability("CUDA");
    Device device = cuda ? Device.gpu() : Device.cpu();
    System.out.printf(Locale.ROOT, "device %s gpus=%d engine=%s %s%n", device, engine.getGpuCount(),
        engine.getEngineName(), engine.getVersion());
    System.out.println("engine " + engine.toString().replace('\n', ' '));

    Corpus corpus = Corpus.europarl(docs);
    int[] stream = PackedBatches.pack(corpus.documents(), new ByteTokenizer(profile.vocabSize()));
    System.out.printf(Locale.ROOT, "data %s documents=%d tokens=%d profile=%s batch=%d seq=%d lr=%g%n",
        corpus.name(), corpus.documents().size(), stream.length, profile.name(), batch, seq, lr);

    boolean ok = true;
    // fp16 needs CUDA (TrainingSession refuses it on CPU); on a CPU-only machine only fp32 runs,
    // which checks the native library and the loss trend before device time is spent.
    if (cuda) {
      ok &= run(profile, device, stream, batch, seq, warmup, steps, lr, true);
    }
    ok &= run(profile, device, stream, batch, seq, warmup, steps, lr, false);
    System.out.println(ok ? "verdict ok" : "verdict FAILED");
    System.exit(ok ? 0 : 1);
  }

  private static boolean run(ModelProfile profile, Device device, int[] stream, int batch, int seq, int warmup,
      int steps, double lr, boolean fp16) {
    String precision = fp16 ? "fp16" : "fp32";
    try (CausalLm model = new CausalLm(profile, device, 1)) {
      TrainingConfig config = TrainingConfig.builder().setMode(TrainingMode.LORA).setSteps(warmup + steps)
          .optBatch(batch, seq).optLearningRate(lr, lr, 0).optGradClip(1.0, 0)
          .optLora(LoraConfig.allLinear(8, 16)).optMixedPrecision(fp16).build();
      try (TrainingSession s = new TrainingSession(model, config,
          new PackedBatches(stream, batch, seq, 7, "europarl-bench"), null)) {
        List<Double> losses = new ArrayList<>();
        double[] times = new double[steps];
        long tokensPerStep = 0;
        for (int i = 0; i < warmup + steps; i++) {
          long t0 = System.nanoTime();
          StepResult r = s.trainStep();
          double dt = (System.nanoTime() - t0) / 1e9;
          if (i >= warmup) {
            times[i - warmup] = dt;
          }
          tokensPerStep = r.tokens();
          losses.add(r.loss());
          System.out.printf(Locale.ROOT, "step %s %d %.5f %.4f %s %.4f%n", precision, i + 1, r.loss(),
              r.gradNorm(), r.applied(), dt);
        }
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        double median = sorted[steps / 2];
        int n = losses.size();
        int k = Math.min(5, n / 2);
        double head = losses.subList(0, k).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double tail = losses.subList(n - k, n).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        boolean finite = losses.stream().allMatch(Double::isFinite);
        String scaler = s.lossScaler() == null ? "skips=- scale=-"
            : String.format(Locale.ROOT, "skips=%d scale=%.0f", s.lossScaler().skippedSteps(), s.lossScaler().scale());
        System.out.printf(Locale.ROOT,
            "result %s tokens_per_s=%.1f median_step_s=%.4f tokens_per_step=%d steps=%d+%d first_loss=%.4f "
                + "last_loss=%.4f mean_first5=%.4f mean_last5=%.4f finite=%s %s%n",
            precision, tokensPerStep / median, median, tokensPerStep, warmup, steps, losses.get(0),
            losses.get(n - 1), head, tail, finite, scaler);
        return finite && tail < head;
      }
    }
  }
}
