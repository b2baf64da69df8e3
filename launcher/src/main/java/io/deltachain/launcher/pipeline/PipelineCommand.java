package io.deltachain.launcher.pipeline;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code deltachain pipeline}: pipeline-parallel training across stage processes. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "Pipeline-parallel training: one model split into layer spans across stage processes.",
    subcommands = {PipelineTrainCommand.class, PipelineCheckCommand.class})
public final class PipelineCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }
}
