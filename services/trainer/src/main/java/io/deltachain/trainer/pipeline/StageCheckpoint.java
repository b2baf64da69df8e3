package io.deltachain.trainer.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.train.AdamW;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A pipeline stage's private resume checkpoint: the tensors it trains, their AdamW moments and
 * step counts, the optimizer step and the activation record so far. Like the single-process
 * trainer's checkpoint it is node-local (tensors in one DJL NDList file, {@code state.json} with
 * a format version checked on load); the frozen rest of the stage comes from the run's base.
 * Written to a sibling directory and moved into place, so a crash mid-write leaves the previous
 * checkpoint intact.
 */
final class StageCheckpoint {
  static final String FORMAT = "deltachain-pipeline-stage-checkpoint";
  static final int VERSION = 1;

  private StageCheckpoint() {
  }

  record Restored(int step, ActivationRecord record) {
  }

  static void save(Path dir, StageWorker w, PipelineRun run, AdamW optimizer) throws IOException {
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    deleteRecursively(tmp);
    Files.createDirectories(tmp);
    Map<String, AdamW.Moments> moments = optimizer.moments();
    JsonArray tensors = new JsonArray();
    NDList list = new NDList();
    try (NDManager m = w.model().manager().newSubManager()) {
      for (Map.Entry<String, Parameter> e : w.trainable().entrySet()) {
        NDArray value = e.getValue().getArray();
        list.add(value);
        AdamW.Moments mo = moments.get(e.getKey());
        tensors.add(new JsonObject().put("name", e.getKey()).put("adamSteps", mo == null ? 0 : mo.steps()));
        if (mo != null) {
          list.add(m.create(mo.mean(), value.getShape()));
          list.add(m.create(mo.variance(), value.getShape()));
        }
      }
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp.resolve("tensors.ndlist")))) {
        list.encode(out);
      }
    }
    JsonObject state = new JsonObject()
        .put("format", FORMAT).put("version", VERSION)
        .put("run", run.toJson())
        .put("stage", w.stage())
        .put("layers", w.span().toString())
        .put("step", w.step())
        .put("tensors", tensors)
        .put("activations", w.record().toJson());
    Files.writeString(tmp.resolve("state.json"), state.encodePrettily(), StandardCharsets.UTF_8);
    deleteRecursively(dir);
    Files.createDirectories(dir.toAbsolutePath().getParent());
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
  }

  static Restored restore(Path dir, StageWorker w, PipelineRun run, AdamW optimizer) throws IOException {
    Path statePath = dir.resolve("state.json");
    if (!Files.isRegularFile(statePath)) {
      throw new IOException("no stage checkpoint in " + dir + " (state.json missing)");
    }
    JsonObject state = new JsonObject(Files.readString(statePath, StandardCharsets.UTF_8));
    if (!FORMAT.equals(state.getString("format")) || state.getInteger("version", -1) != VERSION) {
      throw new IOException("unsupported stage checkpoint " + statePath + ": format " + state.getString("format")
          + " version " + state.getValue("version") + ", expected " + FORMAT + " version " + VERSION);
    }
    if (!run.toJson().equals(state.getJsonObject("run"))) {
      throw new IOException("stage checkpoint " + dir + " belongs to another run: " + state.getJsonObject("run").encode());
    }
    if (state.getInteger("stage") != w.stage() || !w.span().toString().equals(state.getString("layers"))) {
      throw new IOException("stage checkpoint " + dir + " is of stage " + state.getInteger("stage") + " (layers "
          + state.getString("layers") + "), not stage " + w.stage() + " (layers " + w.span() + ")");
    }
    Map<String, Parameter> params = w.trainable();
    JsonArray tensors = state.getJsonArray("tensors");
    if (tensors.size() != params.size()) {
      throw new IOException("stage checkpoint " + dir + " holds " + tensors.size() + " tensors, the stage trains "
          + params.size());
    }
    try (NDManager tmp = w.model().manager().newSubManager();
        InputStream in = new BufferedInputStream(Files.newInputStream(dir.resolve("tensors.ndlist")))) {
      NDList list = NDList.decode(tmp, in);
      int i = 0;
      for (Object o : tensors) {
        JsonObject t = (JsonObject) o;
        String name = t.getString("name");
        Parameter p = params.get(name);
        if (p == null) {
          throw new IOException("stage checkpoint tensor " + name + " is not one this stage trains");
        }
        NDArray value = list.get(i++);
        if (!value.getShape().equals(p.getArray().getShape())) {
          throw new IOException("stage checkpoint tensor " + name + " has shape " + value.getShape()
              + ", the stage has " + p.getArray().getShape());
        }
        CausalLm.copyInto(p.getArray(), value.duplicate());
        int steps = t.getInteger("adamSteps");
        int size = Math.toIntExact(value.getShape().size());
        if (steps > 0) {
          optimizer.restore(name, list.get(i++).toFloatArray(), list.get(i++).toFloatArray(), steps, p.getArray());
        } else {
          // Moments of zero steps are what a fresh optimizer holds; this also undoes later steps.
          optimizer.restore(name, new float[size], new float[size], 0, p.getArray());
        }
      }
    }
    return new Restored(state.getInteger("step"), ActivationRecord.fromJson(state.getJsonObject("activations")));
  }

  /**
   * Puts a checkpoint directory into one file (a zip of its files, stored without compression:
   * float tensors do not compress), so it can travel to a replacement stage on another machine.
   */
  static long pack(Path dir, Path archive) throws IOException {
    if (!Files.isRegularFile(dir.resolve("state.json"))) {
      throw new IOException("no stage checkpoint in " + dir + " (state.json missing)");
    }
    Path tmp = archive.resolveSibling(archive.getFileName() + ".tmp");
    try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)));
        var files = Files.list(dir)) {
      zip.setLevel(Deflater.NO_COMPRESSION);
      for (Path f : files.sorted().toList()) {
        zip.putNextEntry(new ZipEntry(f.getFileName().toString()));
        Files.copy(f, zip);
        zip.closeEntry();
      }
    }
    Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return Files.size(archive);
  }

  /**
   * Unpacks {@link #pack}'s file into {@code dir} (replaced only once every file is out). Refuses
   * entries that are not plain file names and archives without a {@code state.json}.
   */
  static void unpack(Path archive, Path dir) throws IOException {
    Path tmp = dir.resolveSibling(dir.getFileName() + ".unpack");
    deleteRecursively(tmp);
    Files.createDirectories(tmp);
    try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        String name = e.getName();
        if (e.isDirectory() || name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
          throw new IOException("stage checkpoint archive " + archive.getFileName() + " holds an entry '" + name
              + "' that is not a plain file name");
        }
        Files.copy(zip, tmp.resolve(name));
      }
    }
    if (!Files.isRegularFile(tmp.resolve("state.json"))) {
      deleteRecursively(tmp);
      throw new IOException("stage checkpoint archive " + archive.getFileName() + " holds no state.json");
    }
    deleteRecursively(dir);
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
