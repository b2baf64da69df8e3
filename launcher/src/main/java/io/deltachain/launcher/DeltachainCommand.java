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
    subcommands = {DeltachainCommand.Binaries.class})
public final class DeltachainCommand implements Callable<Integer> {

  public static void main(String[] args) {
    System.exit(new CommandLine(new DeltachainCommand()).execute(args));
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
}
