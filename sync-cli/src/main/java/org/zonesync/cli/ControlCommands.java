// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code zonesync status|refresh|retransfer ... --control PATH}: one request to the control
 * socket of a running {@code zonesync mirror} ({@link ControlServer}). Exit status 0 when the
 * answer is {@code ok} (its lines on stdout), 1 when it is an error (the reason on stderr), 2
 * for a usage error or when the socket cannot be reached or answers outside the protocol.
 */
final class ControlCommands {

  /** How long one exchange may take. */
  static final long TIMEOUT_MILLIS = 30_000;

  private ControlCommands() {
  }

  /** What the three verbs share: the socket option and the exchange. */
  abstract static class Verb implements Callable<Integer> {

    @Option(names = "--control", required = true, paramLabel = "PATH",
        description = "the control socket of a running zonesync mirror")
    @Nullable Path control;

    /** Returns the verb. */
    abstract String verb();

    /** Returns the zone argument, if any. */
    abstract @Nullable String zone();

    @Override
    public Integer call() {
      String z = zone();
      if (z != null && !z.matches("[!-~]{1,255}")) {
        System.err.println("zonesync " + verb() + ": invalid zone name "
            + ConfigException.quote(z));
        return 2;
      }
      Path socket = control;
      if (socket == null) {
        System.err.println("zonesync " + verb() + ": --control is required");
        return 2;
      }
      ControlClient.Answer a;
      try {
        a = ControlClient.ask(socket, z == null ? verb() : verb() + " " + z, TIMEOUT_MILLIS);
      } catch (IOException | RuntimeException e) {
        System.err.println("zonesync " + verb() + ": control socket " + socket + ": "
            + e.getMessage());
        return 2;
      }
      if (!a.ok()) {
        System.err.println("zonesync " + verb() + ": " + a.error());
        return 1;
      }
      System.out.print(a.body());
      System.out.flush();
      return 0;
    }
  }

  /** {@code zonesync status [ZONE]}. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show what a running mirror's zones are doing (all, or one).")
  static final class Status extends Verb {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ZONE", description = "one zone")
    @Nullable String zone;

    @Override
    String verb() {
      return "status";
    }

    @Override
    @Nullable String zone() {
      return zone;
    }
  }

  /** A verb about one zone, given as its only parameter. */
  abstract static class ZoneVerb extends Verb {
    @Parameters(index = "0", paramLabel = "ZONE", description = "the zone")
    String zone = "";

    @Override
    String zone() {
      return zone;
    }
  }

  /** {@code zonesync refresh ZONE}. */
  @Command(name = "refresh", mixinStandardHelpOptions = true,
      description = "Check a zone's primaries now and transfer a newer version (rndc refresh).")
  static final class Refresh extends ZoneVerb {
    @Override
    String verb() {
      return "refresh";
    }
  }

  /** {@code zonesync retransfer ZONE}. */
  @Command(name = "retransfer", mixinStandardHelpOptions = true,
      description = "Transfer a whole zone by AXFR now, whatever its serial (rndc retransfer).")
  static final class Retransfer extends ZoneVerb {
    @Override
    String verb() {
      return "retransfer";
    }
  }
}
