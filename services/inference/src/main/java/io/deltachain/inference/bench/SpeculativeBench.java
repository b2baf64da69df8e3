package io.deltachain.inference.bench;

import ai.djl.Device;
import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.core.tensor.DType;
import io.deltachain.inference.decode.DjlDecoderModel;
import io.deltachain.inference.decode.GenerationStats;
import io.deltachain.inference.decode.ModelDrafter;
import io.deltachain.inference.decode.SpeculativeDecoder;
import io.deltachain.trainer.data.ByteTokenizer;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.hf.HfCheckpoints;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.Sampler;
import io.deltachain.trainer.train.TrainingConfig;
import io.deltachain.trainer.train.TrainingSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tokens per second with and without speculative decoding on this machine:
 * {@code SpeculativeBench <target profile> <draft profile> <train steps> <tokens> <prompts> <cache dir>}.
 * Both models are first trained FULL on Europarl for the given steps (same data, so the draft
 * learns to agree with the target; cached under the cache dir), then generate {@code tokens}
 * tokens after each of {@code prompts} held-out Europarl prompts, plain and speculative
 * alternating, greedy and sampled (T=0.8, top-p 0.95). Prints one table with the speedup against
 * plain decoding measured in the same process, plus acceptance rate and tokens per target pass.
 */
public final class SpeculativeBench {
  private SpeculativeBench() {
  }

  private static CausalLm trained(String profileName, int steps, List<String> docs, Path cache) throws Exception {
    ModelProfile profile = ModelProfiles.bundled(profileName);
    Path dir = cache.resolve(profileName + "-europarl-" + steps);
    if (Files.isRegularFile(dir.resolve("config.json"))) {
      System.out.printf("[bench] %s: trained weights from %s%n", profileName, dir);
      return HfCheckpoints.load(dir, Device.cpu());
    }
    CausalLm model = new CausalLm(profile, Device.cpu(), 1);
    TrainingConfig cfg = TrainingConfig.builder().setMode(TrainingMode.FULL).setSteps(steps).optBatch(8, 64)
        .optLearningRate(3e-3, 3e-4, Math.max(1, steps / 20)).optSeed(1).build();
    long t0 = System.nanoTime();
    try (TrainingSession s = new TrainingSession(model, cfg, new PackedBatches(docs, new ByteTokenizer(256), 8, 64, 1, "bench"),
        null)) {
      for (int i = 0; i < steps; i++) {
        double loss = s.trainStep().loss();
        if (i % 25 == 0 || i == steps - 1) {
          System.out.printf(Locale.ROOT, "[bench] training %s: step %d/%d loss %.3f (%.0f s)%n", profileName, i + 1, steps,
              loss, (System.nanoTime() - t0) / 1e9);
        }
      }
    }
    HfCheckpoints.save(model, dir, DType.F32, HfCheckpoints.DEFAULT_SHARD_BYTES);
    return model;
  }

  /** @param args target profile, draft profile, training steps, tokens per prompt, prompts, cache dir */
  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: SpeculativeBench <target profile> <draft profile> <train steps> <tokens> <prompts> <cache dir>");
      System.exit(2);
    }
    int steps = Integer.parseInt(args[2]);
    int tokens = Integer.parseInt(args[3]);
    int prompts = Integer.parseInt(args[4]);
    Path cache = Path.of(args[5]);
    List<String> docs = Corpus.europarl(4000).documents();
    List<String> train = docs.subList(0, 3000);
    List<String> held = docs.subList(3000, docs.size());
    DjlDecoderModel target = new DjlDecoderModel(trained(args[0], steps, train, cache), args[0]);
    DjlDecoderModel draft = new DjlDecoderModel(trained(args[1], steps, train, cache), args[1]);
    ByteTokenizer tok = new ByteTokenizer(256);
    List<int[]> ps = new ArrayList<>();
    for (String d : held) {
      if (d.length() >= 40 && ps.size() < prompts) {
        ps.add(tok.encode(d.substring(0, 32)));
      }
    }
    SpeculativeDecoder decoder = new SpeculativeDecoder(target, 4, 8);
    System.out.printf("%-8s %-12s | %12s %12s %8s | %10s %14s | %s%n", "sampling", "draft", "plain_tok_s", "spec_tok_s",
        "speedup", "acceptance", "tok_per_pass", "greedy_output_identical");
    for (Sampler s : List.of(Sampler.GREEDY, new Sampler(0.8, 0, 0.95))) {
      long plainNanos = 0;
      long specNanos = 0;
      long plainTokens = 0;
      long specTokens = 0;
      long drafted = 0;
      long accepted = 0;
      long passes = 0;
      boolean identical = true;
      // Warm-up of both paths (JIT, allocator).
      decoder.generate(ps.get(0), 16, s, 0, null, t -> { }, () -> false);
      try (ModelDrafter d = new ModelDrafter(draft)) {
        decoder.generate(ps.get(0), 16, s, 0, d, t -> { }, () -> false);
      }
      for (int i = 0; i < ps.size(); i++) {
        List<Integer> plainOut = new ArrayList<>();
        List<Integer> specOut = new ArrayList<>();
        GenerationStats plain = decoder.generate(ps.get(i), tokens, s, i, null, plainOut::add, () -> false);
        GenerationStats spec;
        try (ModelDrafter d = new ModelDrafter(draft)) {
          spec = decoder.generate(ps.get(i), tokens, s, i, d, specOut::add, () -> false);
        }
        // greedy speculation must not change a single token
        identical &= plainOut.equals(specOut);
        plainNanos += plain.nanos();
        plainTokens += plain.emitted();
        specNanos += spec.nanos();
        specTokens += spec.emitted();
        drafted += spec.drafted();
        accepted += spec.accepted();
        passes += spec.targetPasses();
      }
      double plainRate = plainTokens / (plainNanos / 1e9);
      double specRate = specTokens / (specNanos / 1e9);
      System.out.printf(Locale.ROOT, "%-8s %-12s | %12.1f %12.1f %7.2fx | %10.2f %14.2f | %s%n",
          s.greedy() ? "greedy" : "T=0.8", args[1], plainRate, specRate, specRate / plainRate,
          drafted == 0 ? 0.0 : (double) accepted / drafted, (double) specTokens / passes,
          !s.greedy() ? "-" : identical ? "yes" : "NO");
    }
    System.out.printf(Locale.ROOT, "target %s (%d parameters), draft %s (%d parameters), %d prompts x %d tokens, CPU%n",
        args[0], target.parameterCount(), args[1], draft.parameterCount(), ps.size(), tokens);
  }
}
