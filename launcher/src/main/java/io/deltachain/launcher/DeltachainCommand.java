package io.deltachain.launcher;

import io.deltachain.core.node.NodeBinaries;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code deltachain} command. */
@Command(
    name = "deltachain",
    mixinStandardHelpOptions = true,
    version = "deltachain 0.1.0-SNAPSHOT",
    description = "Verifiable training of LLM deltas on a CometBFT chain.",
    subcommands = {DeltachainCommand.Binaries.class, DeltachainCommand.Demo.class, DeltachainCommand.DevnetCommand.class,
        io.deltachain.launcher.serve.ServeCommand.class, io.deltachain.launcher.cli.RoundCommand.class,
        io.deltachain.launcher.node.NodeCommand.class, io.deltachain.launcher.pipeline.PipelineCommand.class,
        DeltachainCommand.Bench.class})
public final class DeltachainCommand implements Callable<Integer> {

  public static void main(String[] args) {
    System.exit(new CommandLine(new DeltachainCommand()).setExecutionExceptionHandler(DeltachainCommand::failed)
        .execute(args));
  }

  /**
   * A command that fails prints one line naming the command and the cause (exit status 1); the
   * stack trace follows only for a failure that is not an I/O, configuration or state error, or
   * with {@code -Ddeltachain.debug=true}.
   */
  static int failed(Exception e, CommandLine line, CommandLine.ParseResult parsed) {
    Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
    String name = line.getCommandSpec().qualifiedName();
    line.getErr().println(name + ": " + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
    boolean expected = cause instanceof java.io.IOException || cause instanceof IllegalStateException
        || cause instanceof IllegalArgumentException || cause instanceof java.util.concurrent.TimeoutException;
    if (!expected || Boolean.getBoolean("deltachain.debug")) {
      cause.printStackTrace(line.getErr());
    }
    return 1;
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 0;
  }

  /** Installs (once) and verifies the pinned CometBFT and kubo binaries. */
  @Command(name = "binaries", description = "Build (once) and verify the pinned cometbft and kubo binaries.")
  static final class Binaries implements Callable<Integer> {
    @Override
    public Integer call() {
      NodeBinaries b = NodeBinaries.resolve();
      System.out.println("cometbft " + b.cometbft());
      System.out.println("ipfs     " + b.ipfs());
      return 0;
    }
  }

  /** Starts a devnet, runs one LoRA round with honest and poisoning trainers, prints the table, stops. */
  @Command(name = "demo", description = "Start a 4-validator devnet, run one LoRA round (2 honest trainers, 1 poisoning),"
      + " print the result table, stop everything.")
  static final class Demo implements Callable<Integer> {
    @CommandLine.Option(names = "--steps", defaultValue = "60", description = "optimizer steps per trainer (default ${DEFAULT-VALUE})")
    int steps;

    @Override
    public Integer call() throws Exception {
      try (io.deltachain.launcher.demo.Devnet net = new io.deltachain.launcher.demo.Devnet(
          io.deltachain.launcher.demo.Devnet.Settings.demo(), null, System.out)) {
        net.start();
        net.printEndpoints();
        io.deltachain.launcher.demo.DemoRound.Result r = new io.deltachain.launcher.demo.DemoRound(net, System.out, steps).run();
        System.out.println();
        System.out.print(io.deltachain.launcher.demo.DemoRound.table(r));
        System.out.println();
      }
      return 0;
    }
  }

  /** Starts the devnet and keeps it up until Ctrl-C. */
  @Command(name = "devnet", description = "Start a local network (4 CometBFT validators with abci-apps and validator services,"
      + " a delta store, trainers) and keep it up until Ctrl-C.")
  static final class DevnetCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--dir", description = "working directory (default: a temporary one, deleted at exit)")
    java.nio.file.Path dir;

    @Override
    public Integer call() throws Exception {
      io.deltachain.launcher.demo.Devnet net = new io.deltachain.launcher.demo.Devnet(
          io.deltachain.launcher.demo.Devnet.Settings.demo(), dir, System.out);
      net.start();
      net.printEndpoints();
      System.out.println("[deltachain] devnet up; Ctrl-C stops it");
      Thread.currentThread().join();
      return 0;
    }
  }

  /** Benchmarks. */
  @Command(name = "bench", description = "Benchmarks on a local devnet.", subcommands = {DeltachainCommand.BenchRound.class,
      DeltachainCommand.BenchReplay.class})
  static final class Bench implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(System.out);
      return 0;
    }
  }

  /** Round finalization latency and training throughput on a 4-validator devnet. */
  @Command(name = "round", mixinStandardHelpOptions = true, description = "Run rounds on a 4-validator devnet (as the"
      + " demo does) and print round finalization latency (last delta committed -> FinalizeRound committed) and"
      + " aggregate training tokens/s.")
  static final class BenchRound implements Callable<Integer> {
    @CommandLine.Option(names = "--rounds", defaultValue = "2", description = "rounds, one per layer unless --layer"
        + " is given (default ${DEFAULT-VALUE})")
    int rounds;
    @CommandLine.Option(names = "--layer", description = "run every round on this layer, each from the previous"
        + " round's checkpoint")
    Integer layer;
    @CommandLine.Option(names = "--steps", defaultValue = "60", description = "optimizer steps per trainer (default ${DEFAULT-VALUE})")
    int steps;

    @Override
    public Integer call() throws Exception {
      io.deltachain.launcher.demo.Devnet.Settings s = io.deltachain.launcher.demo.Devnet.Settings.demo();
      try (io.deltachain.launcher.demo.Devnet net = new io.deltachain.launcher.demo.Devnet(s, null, System.out)) {
        net.start();
        java.util.List<io.deltachain.launcher.demo.RoundBench.Figures> f =
            new io.deltachain.launcher.demo.RoundBench(net, System.out).run(rounds, steps, layer);
        System.out.println();
        System.out.print(io.deltachain.launcher.demo.RoundBench.table(f, s));
      }
      return 0;
    }
  }

  /** Catch-up speed of a chain follower replaying from height 1. */
  @Command(name = "replay", mixinStandardHelpOptions = true, description = "Make a one-validator chain of --blocks"
      + " blocks and print how fast a chain follower (round service, validator) replays it from height 1, one block"
      + " at a time and with the fetch window.")
  static final class BenchReplay implements Callable<Integer> {
    @CommandLine.Option(names = "--blocks", defaultValue = "2000", description = "chain length (default ${DEFAULT-VALUE})")
    int blocks;
    @CommandLine.Option(names = "--repeats", defaultValue = "3", description = "replays per setting (default ${DEFAULT-VALUE})")
    int repeats;

    @Override
    public Integer call() throws Exception {
      java.util.List<io.deltachain.launcher.demo.ReplayBench.Run> runs =
          new io.deltachain.launcher.demo.ReplayBench(System.out).run(blocks, repeats);
      System.out.println();
      System.out.print(io.deltachain.launcher.demo.ReplayBench.table(runs));
      return 0;
    }
  }
}
