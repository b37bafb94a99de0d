// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code zonesync} tool. */
@Command(name = "zonesync", mixinStandardHelpOptions = true, version = "zonesync 0.1.0",
    description = "An embeddable DNS secondary: AXFR and IXFR with TSIG, NOTIFY, from the"
        + " command line; serves zones onward as a stealth secondary or hidden primary.",
    subcommands = {DemoCommand.class, MirrorCommand.class, ServeCommand.class,
        KeygenCommand.class, ControlCommands.Status.class, ControlCommands.Refresh.class,
        ControlCommands.Retransfer.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  private CommandLine.Model.@org.jspecify.annotations.Nullable CommandSpec spec;

  /**
   * Runs the tool and exits with its status.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the tool without exiting, for tests.
   *
   * @param args the command line
   * @return the exit status: 0 success, 1 failure, 2 usage error
   */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    if (spec != null) {
      spec.commandLine().usage(System.err);
    }
  }
}
