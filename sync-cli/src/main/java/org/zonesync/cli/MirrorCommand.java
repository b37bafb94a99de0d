// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferReport;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.ZoneTransfers;
import org.zonesync.tsig.TsigKeyFiles;
import org.zonesync.tsig.TsigKeyFormatException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code zonesync mirror --once}: one validated AXFR, written atomically to a master file. On
 * failure the output file is left untouched and one line names the reason.
 */
@Command(name = "mirror", mixinStandardHelpOptions = true,
    description = "Mirror a zone from a primary (AXFR, then IXFR with --dir) and write it as a"
        + " master file.")
final class MirrorCommand implements Callable<Integer> {

  @Option(names = "--primary", required = true, paramLabel = "HOST[:PORT]",
      description = "the primary; IPv6 as [addr]:port; port 53 by default")
  String primary = "";

  @Option(names = "--zone", required = true, paramLabel = "NAME", description = "the zone")
  String zone = "";

  static final class KeyOptions {
    @Option(names = "--tsig", paramLabel = "ALG:NAME:SECRET", description = "TSIG key inline")
    @Nullable String tsig;

    @Option(names = "--key", paramLabel = "FILE",
        description = "TSIG key file (BIND or Knot syntax); the first key is used")
    @Nullable Path keyFile;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  @Nullable KeyOptions key;

  @Option(names = "--once", description = "transfer once and exit")
  boolean once;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "keep the zone's versions and journal here; later runs use IXFR")
  @Nullable Path dir;

  @Option(names = "--refresh", paramLabel = "SECONDS", defaultValue = "3600",
      description = "without --once: how often to check the primary (default 3600)")
  long refreshSeconds = 3600;

  @Option(names = "--output", paramLabel = "FILE",
      description = "write the zone here atomically (temp file, fsync, rename)")
  @Nullable Path output;

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
    Name zoneName;
    Primary from;
    try {
      zoneName = Name.fromString(zone, Name.root);
      from = primary();
    } catch (IllegalArgumentException | IOException
        | TsigKeyFormatException e) {
      System.err.println("zonesync mirror: " + e.getMessage());
      return 2;
    }
    TransferLimits limits = TransferLimits.DEFAULTS.withMaxRecords(maxRecords).withTimeouts(
        TransferLimits.DEFAULTS.connectTimeout(), Duration.ofSeconds(idleSeconds),
        Duration.ofSeconds(timeoutSeconds));
    if (dir != null || !once) {
      if (dir == null) {
        System.err.println("zonesync mirror: without --once, --dir is required");
        return 2;
      }
      if (refreshSeconds < 1) {
        System.err.println("zonesync mirror: --refresh must be at least 1 second");
        return 2;
      }
      try {
        return new MirrorReplica(zoneName, from, limits, dir, output, System.out, System.err)
            .run(once, Duration.ofSeconds(refreshSeconds), Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
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
        writeAtomically(result.snapshot(), output);
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
        s.zone(), s.kind(), Primary.format(s.remote()), s.serial(), s.records(), s.messages(), s.bytes(),
        s.duration().toNanos() / 1e9, s.recordsPerSecond());
  }

  private Primary primary() throws IOException, TsigKeyFormatException {
    String host = primary;
    int port = 53;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("bad --primary: " + primary);
      }
      String rest = host.substring(close + 1);
      host = host.substring(1, close);
      if (rest.startsWith(":")) {
        port = parsePort(rest.substring(1));
      } else if (!rest.isEmpty()) {
        throw new IllegalArgumentException("bad --primary: " + primary);
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

  /** Writes to a temp file in the same directory, forces it, renames it over, forces the dir. */
  static void writeAtomically(ZoneSnapshot zone, Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
          Writer w = new java.io.BufferedWriter(Channels.newWriter(ch,
              StandardCharsets.UTF_8), 1 << 16)) {
        zone.writeMasterFile(w);
        w.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        // some platforms cannot open a directory for fsync; the rename itself is atomic
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
