package io.deltachain.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class DeltachainCommandTest {

  @Command(name = "fails")
  static final class Fails implements Callable<Integer> {
    @CommandLine.Option(names = "--npe")
    boolean npe;

    @Override
    public Integer call() {
      if (npe) {
        throw new NullPointerException("a bug");
      }
      throw new IllegalStateException("cannot find scripts/node-binaries.sh");
    }
  }

  private static String[] run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new DeltachainCommand()).addSubcommand(new Fails())
        .setExecutionExceptionHandler(DeltachainCommand::failed).setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {Integer.toString(code), err.toString()};
  }

  @Test
  @DisplayName("a command failing for a known cause prints one line naming the command and the cause, exit 1")
  void expectedFailure() {
    String[] r = run("fails");
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[1].strip()).isEqualTo("deltachain fails: cannot find scripts/node-binaries.sh");
  }

  @Test
  @DisplayName("a bug still shows its stack trace")
  void bug() {
    String[] r = run("fails", "--npe");
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[1]).startsWith("deltachain fails: a bug").contains("java.lang.NullPointerException: a bug")
        .contains("at io.deltachain.launcher.DeltachainCommandTest$Fails.call");
  }
}
