package io.deltachain.launcher.pipeline;

import io.deltachain.core.profile.LayerRange;
import io.deltachain.launcher.pipeline.PipelineTrainCommand.BadArguments;
import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.pipeline.ActivationRecord;
import io.deltachain.trainer.pipeline.BoundaryTensor;
import io.deltachain.trainer.pipeline.PipelineLayout;
import io.deltachain.trainer.pipeline.PipelineRun;
import io.deltachain.trainer.pipeline.SpotCheck;
import io.deltachain.trainer.pipeline.StageWorker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deltachain pipeline check}: a validator's spot check of a finished pipeline run from its
 * output directory alone. Every stage's activation record must hash to what the summary (and the
 * stage's delta files) declare; neighbouring records must agree on every step and micro-batch
 * (what stage k sent is what stage k+1 received); and one micro-batch of one step is recomputed
 * through every stage, each stage's output compared bit for bit with what it recorded sending (the
 * last stage's loss with the recorded loss). Step 0 starts from the run's base; a later step
 * needs every stage's checkpoint of that step, which {@code pipeline train --keep-checkpoints}
 * keeps in {@code --out/stage-checkpoints}.
 */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Spot-check a finished pipeline run (its --out directory): records against the summary, links"
        + " between neighbouring stages for every step, and one micro-batch of one step recomputed through every"
        + " stage (steps numbered from 0, as the records number them).")
public final class PipelineCheckCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "the run's output directory"
      + " (pipeline train --out): summary.json and stage-k/ with the activation records")
  Path outDir;
  @Option(names = "--step", defaultValue = "0", description = "which step to recompute: 0 (from the base) or a step"
      + " whose checkpoints the run kept (pipeline train --keep-checkpoints; default ${DEFAULT-VALUE})")
  long step;
  @Option(names = "--micro-batch", defaultValue = "0",
      description = "which micro-batch of that step (default ${DEFAULT-VALUE})")
  int micro;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return check(out);
    } catch (BadArguments | IOException | RuntimeException e) {
      err.println("deltachain pipeline check: " + e.getMessage());
      err.flush();
      return 2;
    }
  }

  private int check(PrintWriter out) throws BadArguments, IOException {
    Path summaryFile = outDir.resolve("summary.json");
    if (!Files.isRegularFile(summaryFile)) {
      throw new BadArguments(outDir + " has no summary.json: give the --out directory of a finished"
          + " pipeline train");
    }
    JsonObject summary = new JsonObject(Files.readString(summaryFile, StandardCharsets.UTF_8));
    if (!PipelineTrainCommand.SUMMARY_FORMAT.equals(summary.getString("format"))) {
      throw new BadArguments(summaryFile + " is not a pipeline train summary (format '"
          + summary.getString("format") + "')");
    }
    PipelineRun run = PipelineRun.fromJson(summary.getJsonObject("run"));
    List<LayerRange> spans = new ArrayList<>();
    for (Object o : summary.getJsonObject("layout").getJsonArray("spans")) {
      String[] p = ((String) o).split("-");
      spans.add(new LayerRange(Integer.parseInt(p[0]), Integer.parseInt(p[p.length - 1])));
    }
    PipelineLayout layout = new PipelineLayout(run.modelProfile().numLayers(), spans);
    int m = run.microBatches();
    if (micro < 0 || micro >= m) {
      throw new BadArguments("--micro-batch " + micro + " is outside 0.." + (m - 1) + " (the run had " + m
          + " micro-batches per step)");
    }
    if (step < 0 || step >= run.training().steps()) {
      throw new BadArguments("--step " + step + " is outside 0.." + (run.training().steps() - 1));
    }

    // the records, as the summary declares them
    JsonArray stages = summary.getJsonArray("stages");
    List<ActivationRecord> records = new ArrayList<>();
    for (int k = 0; k < layout.stages(); k++) {
      JsonObject st = stages.getJsonObject(k);
      Path file = outDir.resolve(st.getString("activation_record"));
      String declared = st.getString("activation_record_sha256");
      ActivationRecord r = ActivationRecord.fromJson(new JsonObject(Files.readString(file, StandardCharsets.UTF_8)));
      if (!r.sha256().equals(declared)) {
        // the hash the stage's delta files carry in their metadata too
        out.printf("stage %d: MISMATCH: its activation record %s hashes to %s, the summary says %s%n", k, file,
            r.sha256(), declared);
        out.flush();
        return 1;
      }
      records.add(r);
      out.printf("stage %d (layers %s): activation record %s, %d entries%n", k, layout.span(k),
          declared.substring(0, 12), r.keys().size());
    }
    List<String> links = SpotCheck.linkMismatches(records);
    links.forEach(l -> out.println("link MISMATCH: " + l));
    if (links.isEmpty()) {
      out.printf("links: every step and micro-batch, what each stage sent is what the next received%n");
    }

    // the data, as the summary declares it
    JsonObject data = summary.getJsonObject("data");
    Corpus corpus = PipelineData.corpus(data.getString("dataset"));
    if (!corpus.hash().hex().equals(data.getString("corpus_sha256"))) {
      throw new BadArguments("dataset " + data.getString("dataset") + " hashes to " + corpus.hash().hex()
          + " here, the run's was " + data.getString("corpus_sha256"));
    }
    PackedBatches batches = PipelineData.shard(corpus, data.getLong("data_seed"), data.getInteger("shards"),
        data.getInteger("shard"), run.training().batchSize(), run.training().sequenceLength(),
        run.modelProfile().vocabSize());
    if (!batches.fingerprint().equals(data.getString("fingerprint"))) {
      throw new BadArguments("the run's batches had fingerprint " + data.getString("fingerprint")
          + ", rebuilt here " + batches.fingerprint());
    }
    List<Path> checkpoints = new ArrayList<>();
    if (step > 0) {
      for (int k = 0; k < layout.stages(); k++) {
        Path c = outDir.resolve(PipelineTrainCommand.KEPT_CHECKPOINTS).resolve("stage-" + k)
            .resolve("checkpoint-" + step + ".zip");
        if (!Files.isRegularFile(c)) {
          throw new BadArguments("no checkpoint of step " + step + " for stage " + k + " (" + c
              + "): recompute step 0, or a step the run checkpointed with pipeline train --keep-checkpoints");
        }
        checkpoints.add(c);
      }
    }
    // the coordinator feeds micro-batches in order, m per step (a redone step reads them again)
    Batch batch = batches.batchAt(step * m + micro);

    // micro-batch `micro` of `step`, through every stage from the base or the stage's checkpoint
    boolean allMatch = links.isEmpty();
    BoundaryTensor carried = null;
    for (int k = 0; k < layout.stages(); k++) {
      try (StageWorker w = new StageWorker(run, k, layout.stages(), layout.span(k))) {
        if (step > 0) {
          w.restoreCheckpointArchive(checkpoints.get(k));
        }
        SpotCheck.Result r = SpotCheck.check(w, step, micro, w.isFirst() ? batch.flatInputs() : null, carried,
            w.isLast() ? batch.flatLabels() : null, records.get(k).get(step, micro), null);
        if (r.matches()) {
          out.printf("stage %d: MATCH step %d micro-batch %d recomputed: %s%n", k, step, micro,
              w.isLast() ? "loss " + r.loss() : "activation " + r.output().sha256().substring(0, 12));
        } else {
          out.printf("stage %d: MISMATCH step %d micro-batch %d: %s%n", k, step, micro, r.reason());
          if (k + 1 < layout.stages()) {
            out.printf("%s not recomputed: %s input would be this stage's output%n", k + 2 == layout.stages()
                ? "stage " + (k + 1) : "stages " + (k + 1) + "-" + (layout.stages() - 1),
                k + 2 == layout.stages() ? "its" : "their");
          }
          allMatch = false;
          break;
        }
        carried = r.output();
      }
    }
    out.println(allMatch ? "pipeline check: every stage matches" : "pipeline check: MISMATCH (see above)");
    out.flush();
    return allMatch ? 0 : 1;
  }
}
