// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneSourceException;
import org.zonesync.core.ZoneServing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code zonesync serve}: a hidden primary. Serves one zone from a master file on {@code
 * --listen} (SOA, AXFR, IXFR over UDP and TCP) to the secondaries {@code --allow} admits,
 * NOTIFYs the {@code --notify} targets after each new version, and reloads the file, with the
 * difference journaled so that secondaries follow by IXFR, on SIGHUP and when the file changes
 * (checked every second). Runs until SIGINT or SIGTERM ({@link ServeDaemon}).
 *
 * <p>Exit status: 0 when stopped (SIGINT or SIGTERM run the same close, though the JVM then
 * reports the signal), 1 start-up failure (the file is not a zone, the address is taken), 2
 * usage error.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve a zone file to secondaries as a hidden primary (AXFR, IXFR, NOTIFY,"
        + " TSIG); reload it on SIGHUP or when the file changes, until SIGINT or SIGTERM."})
final class ServeCommand implements Callable<Integer> {

  /** How often the file is checked for changes. */
  static final Duration POLL = Duration.ofSeconds(1);

  @Option(names = "--zone", required = true, paramLabel = "NAME", description = "the zone")
  String zone = "";

  @Option(names = "--file", required = true, paramLabel = "ZONEFILE",
      description = "the zone's master file (RFC 1035); its $ORIGIN defaults to the zone")
  Path file = Path.of("");

  @Option(names = "--key", paramLabel = "FILE",
      description = "transfer keys: every key of this BIND or Knot key file; repeat for several")
  List<Path> keyFiles = new ArrayList<>();

  @Option(names = "--tsig", paramLabel = "ALG:NAME:SECRET",
      description = "a transfer key inline; repeat for several")
  List<String> tsig = new ArrayList<>();

  @Option(names = "--listen", required = true, paramLabel = "ADDR:PORT",
      description = "answer SOA, AXFR, IXFR and NOTIFY on this UDP and TCP address")
  String listen = "";

  @Mixin
  ServingOptions serving = new ServingOptions();

  @Option(names = "--dir", paramLabel = "DIR",
      description = "keep versions and the journal here (IXFR survives restarts); memory only"
          + " without")
  @Nullable Path dir;

  @Option(names = "--control", paramLabel = "PATH",
      description = "answer zonesync status on this Unix socket (mode 0600)")
  @Nullable Path control;

  @Override
  public Integer call() {
    ServeDaemon.Config config;
    try {
      config = config(POLL);
    } catch (IllegalArgumentException e) {
      System.err.println("zonesync serve: " + e.getMessage());
      return 2;
    }
    if (serving.allow.isEmpty()) {
      System.err.println("zonesync serve: warning: no --allow given, so nobody may transfer"
          + " zone " + config.zone() + " (deny by default)");
    }
    ServeDaemon d;
    try {
      d = ServeDaemon.start(config, System.out, System.err);
    } catch (IOException | ZoneSourceException e) {
      System.err.println("zonesync serve: " + e.getMessage());
      return 1;
    }
    Signals.handle("HUP", () -> d.reloadSoon("SIGHUP")).ifPresent(why -> System.err.println(
        "zonesync serve: warning: cannot handle SIGHUP here (" + why + "); the file is still"
            + " checked every " + POLL.toSeconds() + " s"));
    return Daemon.runUntilClosed(d);
  }

  /**
   * Checks the options and builds the daemon's configuration.
   *
   * @param poll how often the file is checked
   * @return the configuration
   * @throws IllegalArgumentException naming the option, if one is wrong
   */
  ServeDaemon.Config config(Duration poll) {
    Name name;
    try {
      name = Name.fromString(zone, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("--zone: invalid zone name "
          + ConfigException.quote(zone));
    }
    InetSocketAddress at;
    try {
      at = Addresses.parse(listen, 53);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--listen: " + e.getMessage(), e);
    }
    List<TsigKey> keys = ServingOptions.readKeys(keyFiles, "--key", tsig);
    ZoneServing s = serving.serving(keys);
    int quota = serving.transfersOutTotal();
    return new ServeDaemon.Config(name, file, at, keys, s, quota, Math.min(2, quota),
        Optional.ofNullable(dir), Optional.ofNullable(control), poll);
  }
}
