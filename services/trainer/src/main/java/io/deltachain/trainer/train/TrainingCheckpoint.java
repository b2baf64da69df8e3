package io.deltachain.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.deltachain.trainer.model.CausalLm;
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
import java.util.Map;
import java.util.Set;

/**
 * The trainer's private resume checkpoint: every tensor trainable so far, its AdamW moments and
 * step count, the optimizer step, tokens, data position and loss scale. Random state needs no
 * saving because dropout is reseeded from (seed, step) every micro-batch. Tensors go into one
 * DJL NDList file (this format never leaves the node; deltas and HF checkpoints use the core
 * formats); {@code state.json} carries a format version that is checked on load.
 */
final class TrainingCheckpoint {
  static final String FORMAT = "deltachain-trainer-checkpoint";
  static final int VERSION = 1;

  private TrainingCheckpoint() {
  }

  static void save(Path dir, TrainingSession s) throws IOException {
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    deleteRecursively(tmp);
    Files.createDirectories(tmp);
    Map<String, Parameter> params = s.model().parameters();
    Set<String> names = s.trainableNames(Math.max(0, s.step() - 1));
    names.addAll(s.trainableNames(s.step()));
    JsonArray tensors = new JsonArray();
    NDList list = new NDList();
    for (String name : names) {
      AdamW.State st = s.optimizer().state().get(name);
      list.add(params.get(name).getArray());
      JsonObject t = new JsonObject().put("name", name).put("adamSteps", st == null ? 0 : st.steps);
      if (st != null) {
        list.add(st.mean);
        list.add(st.variance);
      }
      tensors.add(t);
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp.resolve("tensors.ndlist")))) {
      list.encode(out);
    }
    JsonObject state = new JsonObject()
        .put("format", FORMAT)
        .put("version", VERSION)
        .put("model", s.model().spec().name())
        .put("mode", s.config().mode().name())
        .put("seed", s.config().seed())
        .put("step", s.step())
        .put("tokens", s.tokens())
        .put("dataPosition", s.data().position())
        .put("dataFingerprint", s.data().fingerprint())
        .put("tensors", tensors);
    if (s.lossScaler() != null) {
      state.put("lossScale", s.lossScaler().scale())
          .put("lossScaleCleanSteps", s.lossScaler().cleanSteps())
          .put("skippedSteps", s.lossScaler().skippedSteps());
    }
    Files.writeString(tmp.resolve("state.json"), state.encodePrettily(), StandardCharsets.UTF_8);
    deleteRecursively(dir);
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
  }

  static void restore(Path dir, TrainingSession s) throws IOException {
    Path statePath = dir.resolve("state.json");
    if (!Files.isRegularFile(statePath)) {
      throw new IOException("no checkpoint in " + dir + " (state.json missing)");
    }
    JsonObject state = new JsonObject(Files.readString(statePath, StandardCharsets.UTF_8));
    if (!FORMAT.equals(state.getString("format")) || state.getInteger("version", -1) != VERSION) {
      throw new IOException("unsupported checkpoint " + statePath + ": format " + state.getString("format")
          + " version " + state.getValue("version") + ", expected " + FORMAT + " version " + VERSION);
    }
    check(state.getString("model").equals(s.model().spec().name()), "model", state.getString("model"),
        s.model().spec().name());
    check(state.getString("mode").equals(s.config().mode().name()), "mode", state.getString("mode"),
        s.config().mode().name());
    check(state.getLong("seed") == s.config().seed(), "seed", state.getLong("seed"), s.config().seed());
    check(state.getString("dataFingerprint").equals(s.data().fingerprint()), "data",
        state.getString("dataFingerprint"), s.data().fingerprint());
    Map<String, Parameter> params = s.model().parameters();
    try (NDManager tmp = s.model().manager().newSubManager();
        InputStream in = new BufferedInputStream(Files.newInputStream(dir.resolve("tensors.ndlist")))) {
      NDList list = NDList.decode(tmp, in);
      int i = 0;
      for (Object o : state.getJsonArray("tensors")) {
        JsonObject t = (JsonObject) o;
        String name = t.getString("name");
        Parameter p = params.get(name);
        if (p == null) {
          throw new IOException("checkpoint tensor " + name + " does not exist in the model");
        }
        NDArray w = list.get(i++);
        if (!w.getShape().equals(p.getArray().getShape())) {
          throw new IOException("checkpoint tensor " + name + " has shape " + w.getShape() + ", model has "
              + p.getArray().getShape());
        }
        CausalLm.copyInto(p.getArray(), w.duplicate());
        int steps = t.getInteger("adamSteps");
        if (steps > 0) {
          float[] m = list.get(i++).toFloatArray();
          float[] v = list.get(i++).toFloatArray();
          s.optimizer().restore(name, m, v, steps, p.getArray());
        }
      }
    }
    s.data().seek(state.getLong("dataPosition"));
    if (s.lossScaler() != null && state.containsKey("lossScale")) {
      s.lossScaler().restore(state.getDouble("lossScale"), state.getInteger("lossScaleCleanSteps"),
          state.getLong("skippedSteps"));
    }
    s.restoreCounters(state.getInteger("step"), state.getLong("tokens"));
  }

  private static void check(boolean ok, String what, Object saved, Object current) throws IOException {
    if (!ok) {
      throw new IOException("checkpoint belongs to another run: " + what + " is " + saved + " there, " + current
          + " here");
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
