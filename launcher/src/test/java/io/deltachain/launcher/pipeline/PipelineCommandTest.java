package io.deltachain.launcher.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.launcher.DeltachainCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code deltachain pipeline train} and {@code deltachain node --roles stage} refuse what cannot
 * work before starting anything, naming the problem (exit 2).
 */
class PipelineCommandTest {

  private static String[] run(String... args) {
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new DeltachainCommand());
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(out));
    int code = cl.execute(args);
    return new String[] {Integer.toString(code), err.toString(), out.toString()};
  }

  @Test
  @DisplayName("stages or --local, spans that cover the model, enough endpoints, a known mode: each refusal says why")
  void badArguments() {
    String[] none = run("pipeline", "train", "--steps", "2");
    assertThat(none[0]).isEqualTo("2");
    assertThat(none[1]).contains("--stages").contains("--local");

    String[] both = run("pipeline", "train", "--local", "2", "--stages", "127.0.0.1:1");
    assertThat(both[0]).isEqualTo("2");

    String[] gap = run("pipeline", "train", "--local", "2", "--spans", "0-1,3-3");
    assertThat(gap[0]).isEqualTo("2");
    assertThat(gap[1]).contains("contiguous");

    String[] few = run("pipeline", "train", "--stages", "127.0.0.1:7001,127.0.0.1:7002", "--spans", "0-1,2-2,3-3");
    assertThat(few[0]).isEqualTo("2");
    assertThat(few[1]).contains("need at least 3 stage endpoints, got 2");

    String[] endpoint = run("pipeline", "train", "--stages", "stage-host");
    assertThat(endpoint[0]).isEqualTo("2");
    assertThat(endpoint[1]).contains("'stage-host' is not host:port");

    String[] twice = run("pipeline", "train", "--stages", "127.0.0.1:7001,127.0.0.1:7001");
    assertThat(twice[0]).isEqualTo("2");
    assertThat(twice[1]).contains("listed twice");

    String[] mode = run("pipeline", "train", "--local", "2", "--mode", "dense");
    assertThat(mode[0]).isEqualTo("2");
    assertThat(mode[1]).contains("--mode must be full or lora, got 'dense'");

    String[] schedule = run("pipeline", "train", "--local", "2", "--schedule", "2f2b");
    assertThat(schedule[0]).isEqualTo("2");
    assertThat(schedule[1]).contains("--schedule must be gpipe or 1f1b, got '2f2b'");

    String[] profile = run("pipeline", "train", "--local", "2", "--profile", "gpt-9");
    assertThat(profile[0]).isEqualTo("2");
    assertThat(profile[1]).contains("gpt-9");
  }

  @Test
  @DisplayName("--plan reads the planner's document, bare or as the round service keeps it, and takes its spans")
  void planSpans(@TempDir Path dir) throws Exception {
    String doc = "{\"model\": \"tiny-1m\", \"num_layers\": 4, \"pipelines\": [{\"stages\": ["
        + "{\"worker\": \"a\", \"first_layer\": 0, \"last_layer\": 1},"
        + "{\"worker\": \"b\", \"first_layer\": 2, \"last_layer\": 2},"
        + "{\"worker\": \"c\", \"first_layer\": 3, \"last_layer\": 3}]}]}";
    Path bare = dir.resolve("plan.json");
    Files.writeString(bare, doc);
    Path kept = dir.resolve("kept.json");
    Files.writeString(kept, "{\"plan_hash\": \"ab\", \"document\": " + doc + "}");
    for (Path p : new Path[] {bare, kept}) {
      // three spans from the plan, two local stages: refused, which shows the spans were read
      String[] r = run("pipeline", "train", "--plan", p.toString(), "--local", "2");
      assertThat(r[0]).isEqualTo("2");
      assertThat(r[1]).contains("--local 2 but the spans [0-1, 2-2, 3-3] make 3 stages");
    }
    String[] missing = run("pipeline", "train", "--plan", dir.resolve("nope.json").toString(), "--local", "2");
    assertThat(missing[0]).isEqualTo("2");
    assertThat(missing[1]).contains("cannot read the plan").contains("nope.json");
    String[] otherPipeline = run("pipeline", "train", "--plan", bare.toString(), "--pipeline", "1", "--local", "3");
    assertThat(otherPipeline[0]).isEqualTo("2");
    assertThat(otherPipeline[1]).contains("no pipeline 1");
  }

  @Test
  @DisplayName("the stage role's settings are checked like every other key")
  void stageRoleSettings(@TempDir Path dir) {
    String[] r = run("node", "--roles", "stage", "--chain-id", "c-1", "--home", dir.toString(),
        "--set", "stage.port=70000");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("stage.port");
  }

  @Test
  @DisplayName("pipeline check refuses a directory that is not a finished run's, naming it (exit 2)")
  void checkNeedsARun(@TempDir Path dir) throws Exception {
    String[] empty = run("pipeline", "check", "--out", dir.toString());
    assertThat(empty[0]).isEqualTo("2");
    assertThat(empty[1]).contains(dir + " has no summary.json");
    Files.writeString(dir.resolve("summary.json"), "{\"format\": \"something-else\"}");
    String[] other = run("pipeline", "check", "--out", dir.toString());
    assertThat(other[0]).isEqualTo("2");
    assertThat(other[1]).contains("is not a pipeline train summary (format 'something-else')");
  }
}
