// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferReport;
import org.zonesync.api.TsigKey;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.ZoneServing;
import org.zonesync.core.ZoneTransfers;
import org.zonesync.tsig.TsigKeyFiles;
import org.zonesync.tsig.TsigKeyFormatException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code zonesync mirror}. Without {@code --once}: a secondary server for one or more zones
 * ({@code --zone} with the shared {@code --primary} and key, or {@code --config FILE}) that
 * follows their SOA timers, listens for NOTIFY ({@code --listen}), keeps the zones in {@code
 * --dir}, answers on a control socket ({@code --control}) and prints one line per event until
 * SIGINT or SIGTERM ({@link MirrorDaemon}); with {@code --serve} (or a {@code serve:} block in
 * the file) it also serves the zones onward on the {@code --listen} address, a stealth
 * secondary ({@link ServingOptions}). With {@code --once}: one validated transfer of one
 * zone (AXFR, or IXFR from the version kept in {@code --dir}), written atomically to a master
 * file; on failure the output file is left untouched and one line names the reason.
 *
 * <p>Exit status: 0 done (or stopped by a signal), 1 transfer or start-up failure, 2 usage or
 * configuration error.
 */
@Command(name = "mirror", mixinStandardHelpOptions = true,
    description = {"Keep zones up to date from their primaries as a secondary server does (SOA"
        + " timers, NOTIFY, IXFR), until SIGINT or SIGTERM.",
        "With --once: transfer one zone once, write it as a master file and exit."})
final class MirrorCommand implements Callable<Integer> {

  @Option(names = "--primary", paramLabel = "HOST[:PORT]",
      description = "the primary of every --zone; IPv6 as [addr]:port; port 53 by default")
  @Nullable String primary;

  @Option(names = "--zone", paramLabel = "NAME",
      description = "a zone to mirror; repeat for several (with --once: exactly one)")
  List<String> zones = new ArrayList<>();

  static final class KeyOptions {
    @Option(names = "--tsig", paramLabel = "ALG:NAME:SECRET", description = "TSIG key inline")
    @Nullable String tsig;

    @Option(names = "--key", paramLabel = "FILE",
        description = "TSIG key file (BIND or Knot syntax); the first key is used")
    @Nullable Path keyFile;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  @Nullable KeyOptions key;

  @Option(names = "--config", paramLabel = "FILE",
      description = "zones, primaries, keys and limits from a YAML file (instead of --zone)")
  @Nullable Path config;

  @Option(names = "--once", description = "transfer once and exit")
  boolean once;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "keep the zones' versions and journals here; later runs use IXFR")
  @Nullable Path dir;

  @Option(names = "--listen", paramLabel = "ADDR:PORT",
      description = "listen for NOTIFY on this UDP and TCP address, e.g. 127.0.0.1:5300")
  @Nullable String listen;

  @Option(names = "--control", paramLabel = "PATH",
      description = "answer zonesync status/refresh/retransfer on this Unix socket (mode 0600)")
  @Nullable Path control;

  @Option(names = "--output", paramLabel = "FILE",
      description = "write the zone here atomically (temp file, fsync, rename); without"
          + " --once after every transfer, for one --zone")
  @Nullable Path output;

  @Option(names = "--serve",
      description = "serve every --zone onward on --listen (a stealth secondary): AXFR and IXFR"
          + " to the secondaries --allow admits, NOTIFY to --notify after each new version")
  boolean serve;

  @Option(names = "--transfer-key", paramLabel = "FILE",
      description = "with --serve: keys downstream secondaries sign requests with (every key of"
          + " a BIND or Knot key file); repeat for several")
  List<Path> transferKeys = new ArrayList<>();

  @Mixin
  ServingOptions serving = new ServingOptions();

  @Option(names = "--quiet", description = "no progress on stderr")
  boolean quiet;

  @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "fail when no bytes arrive for this long (default 30)")
  long idleSeconds = 30;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "7200",
      description = "fail when the whole transfer takes longer (default 7200)")
  long timeoutSeconds = 7200;

  @Option(names = "--max-records", paramLabel = "N", defaultValue = "10000000",
      description = "fail when the zone has more records (default 10000000)")
  long maxRecords = 10_000_000;

  @Override
  public Integer call() {
    try {
      return once ? once() : daemon();
    } catch (UsageException e) {
      System.err.println("zonesync mirror: " + e.getMessage());
      return 2;
    }
  }

  /** A command line that cannot work; exit status 2. */
  private static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private TransferLimits limits() {
    return TransferLimits.DEFAULTS.withMaxRecords(maxRecords).withTimeouts(
        TransferLimits.DEFAULTS.connectTimeout(), Duration.ofSeconds(idleSeconds),
        Duration.ofSeconds(timeoutSeconds));
  }

  private Primary from() throws UsageException {
    String p = primary;
    if (p == null) {
      throw new UsageException("--zone needs --primary");
    }
    try {
      return primary(p);
    } catch (IllegalArgumentException | IOException | TsigKeyFormatException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static Name zoneName(String zone) throws UsageException {
    try {
      return Name.fromString(zone, Name.root);
    } catch (TextParseException e) {
      throw new UsageException("invalid zone name: " + zone);
    }
  }

  private int daemon() throws UsageException {
    MirrorConfig cfg;
    if (config != null) {
      if (!zones.isEmpty() || primary != null || key != null) {
        throw new UsageException("--config cannot be combined with --zone, --primary, --tsig"
            + " or --key");
      }
      if (output != null) {
        throw new UsageException("--output needs exactly one --zone, not --config");
      }
      if (serve || serving.given() || !transferKeys.isEmpty()) {
        throw new UsageException("with --config, serve zones onward with a serve: block in the"
            + " file, not --serve, --allow, --notify or --transfer-key");
      }
      try {
        cfg = ConfigParser.read(config);
      } catch (ConfigException e) {
        System.err.println("zonesync mirror: " + e.getMessage());
        return 2;
      }
    } else {
      if (zones.isEmpty()) {
        throw new UsageException("give --zone NAME and --primary, or --config FILE");
      }
      if (output != null && zones.size() != 1) {
        throw new UsageException("--output needs exactly one --zone");
      }
      Primary from = from();
      ServeSetup srv = serveSetup();
      List<SecondaryZone> list = new ArrayList<>();
      Set<Name> seen = new HashSet<>();
      for (String z : zones) {
        Name n = zoneName(z);
        if (!seen.add(n)) {
          throw new UsageException("zone " + n + " is given twice");
        }
        SecondaryZone.Builder b = SecondaryZone.builder(n).primary(from).limits(limits());
        if (serve) {
          b.serving(srv.serving()).ixfrFromDifferences(true);
        }
        list.add(b.build());
      }
      cfg = new MirrorConfig(Optional.empty(), Optional.empty(), Optional.empty(),
          MirrorConfig.Limits.DEFAULTS.withTransfersOut(srv.transfersOut()), list, srv.keys());
    }
    Optional<InetSocketAddress> listenAt = Optional.empty();
    if (listen != null) {
      try {
        listenAt = Optional.of(Addresses.parse(listen, 53));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--listen: " + e.getMessage());
      }
    }
    MirrorConfig c = cfg.override(Optional.ofNullable(dir), listenAt,
        Optional.ofNullable(control));
    if (!c.served().isEmpty() && c.listen().isEmpty()) {
      throw new UsageException(serve ? "--serve needs --listen ADDR:PORT to serve on"
          : "zones are served onward (serve:), which needs listen: or --listen ADDR:PORT");
    }
    if (serve && serving.allow.isEmpty()) {
      System.err.println("zonesync mirror: warning: no --allow given, so nobody may transfer"
          + " the zones served (deny by default)");
    }
    return run(c);
  }

  /** How {@code --serve} serves every zone. */
  private record ServeSetup(ZoneServing serving, List<TsigKey> keys, int transfersOut) {
  }

  private ServeSetup serveSetup() throws UsageException {
    if (!serve) {
      if (serving.given() || !transferKeys.isEmpty()) {
        throw new UsageException("--allow, --notify, --notify-key, --max-ixfr-ratio,"
            + " --transfers-out and --transfer-key need --serve");
      }
      return new ServeSetup(ZoneServing.none(), List.of(), 10);
    }
    try {
      List<TsigKey> keys = ServingOptions.readKeys(transferKeys, "--transfer-key", List.of());
      return new ServeSetup(serving.serving(keys), keys, serving.transfersOutTotal());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** Runs until SIGINT/SIGTERM (the shutdown hook closes) or this thread is interrupted. */
  private int run(MirrorConfig cfg) {
    MirrorDaemon d;
    try {
      d = MirrorDaemon.start(cfg, Optional.ofNullable(output), System.out, System.err);
    } catch (IOException e) {
      System.err.println("zonesync mirror: " + e.getMessage());
      return 1;
    }
    return Daemon.runUntilClosed(d);
  }

  private int once() throws UsageException {
    if (config != null || listen != null || control != null || serve) {
      throw new UsageException("--once takes --zone and --primary; --config, --listen,"
          + " --control and --serve are for a running mirror");
    }
    if (zones.size() != 1) {
      throw new UsageException("--once takes exactly one --zone");
    }
    Name zoneName = zoneName(zones.get(0));
    Primary from = from();
    TransferLimits limits = limits();
    if (dir != null) {
      return new MirrorReplica(zoneName, from, limits, dir, output, System.out, System.err)
          .runOnce();
    }
    Progress progress = Progress.forTerminal(quiet);
    ZoneTransfers.Result result;
    try {
      result = ZoneTransfers.axfr(zoneName, from, limits, progress);
    } catch (TransferException e) {
      progress.done();
      System.err.println("zonesync mirror: zone " + zoneName + " from " + from + ": "
          + e.reason());
      return 1;
    }
    progress.done();
    if (output != null) {
      try {
        ZoneFiles.writeAtomically(result.snapshot(), output);
      } catch (IOException e) {
        System.err.println("zonesync mirror: cannot write " + output + ": " + e.getMessage());
        return 1;
      }
    }
    System.out.println(summary(result.stats()));
    return 0;
  }

  static String summary(TransferReport s) {
    return String.format(Locale.ROOT,
        "zone %s: %s from %s, serial %s, %d records, %d messages, %d bytes, %.2f s,"
            + " %.0f records/s",
        s.zone(), s.kind(), Primary.format(s.remote()), s.serial(), s.records(), s.messages(),
        s.bytes(), s.duration().toNanos() / 1e9, s.recordsPerSecond());
  }

  private Primary primary(String text) throws IOException, TsigKeyFormatException {
    String host = text;
    int port = 53;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("bad --primary: " + text);
      }
      String rest = host.substring(close + 1);
      host = host.substring(1, close);
      if (rest.startsWith(":")) {
        port = parsePort(rest.substring(1));
      } else if (!rest.isEmpty()) {
        throw new IllegalArgumentException("bad --primary: " + text);
      }
    } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
      port = parsePort(host.substring(host.indexOf(':') + 1));
      host = host.substring(0, host.indexOf(':'));
    }
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), port);
    TsigKey k = tsigKey();
    return k == null ? Primary.of(address) : Primary.of(address, k);
  }

  private @Nullable TsigKey tsigKey() throws IOException, TsigKeyFormatException {
    if (key == null) {
      return null;
    }
    if (key.tsig != null) {
      return TsigKey.parse(key.tsig);
    }
    Path file = key.keyFile;
    if (file == null) {
      return null;
    }
    List<TsigKey> keys = TsigKeyFiles.read(file);
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(file + ": no key found");
    }
    return keys.get(0);
  }

  private static int parsePort(String s) {
    try {
      int p = Integer.parseInt(s);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("bad port: " + s);
  }
}
