// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.core.TransferServer;
import org.zonesync.core.Zones;
import org.zonesync.tsig.TsigKeyFiles;

/**
 * zonesync's embedded primary {@link TransferServer} with real secondaries: BIND 9
 * {@code named} ({@code type secondary; primaries { ... key ...; };}) and Knot DNS
 * ({@code master:} a remote with a key) load the zone by TSIG-signed AXFR, follow a NOTIFY for a
 * 100-record change by IXFR within five seconds (the time is printed), and then serve exactly the
 * published records. A secondary without the key is refused and never loads the zone. {@code
 * dig} with {@code -y} and {@code -k} verifies the signed AXFR and IXFR answers directly.
 */
@Tag("interop")
final class SecondaryOfZonesyncInteropTest {

  /** The kinds of secondary. */
  enum Kind { BIND, KNOT }

  /** The target: a NOTIFY-triggered refresh serves the new serial within this. */
  private static final Duration TARGET = Duration.ofSeconds(5);
  /** Bound on every other wait (first load, refusal in the log). */
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private static final Name ZONE = Name.fromConstantString("secondary.interop.test.");
  /** A primary zone of the secondary's own: the harness waits until it is served. */
  private static final Name READY = Name.fromConstantString("ready.interop.test.");

  static Stream<Arguments> kindsAndAlgorithms() {
    return Stream.of(Kind.values()).flatMap(k -> Stream.of(TsigAlgorithm.values())
        .map(a -> Arguments.of(k, a)));
  }

  @ParameterizedTest
  @MethodSource("kindsAndAlgorithms")
  void secondary_loadsByAxfr_thenFollowsNotifyByIxfr_withinFiveSeconds(Kind kind,
      TsigAlgorithm algorithm, @TempDir Path dir) throws Exception {
    TsigKey key = key(algorithm);
    List<Record> v0 = IxfrZone.version(ZONE, 0);
    List<Record> v1 = IxfrZone.version(ZONE, 1);
    try (TransferServer server = TransferServer.builder().zone(Zones.of(ZONE, v0)).keys(key)
        .notifyKey(key).start();
        PrimaryServer secondary = startSecondary(kind, dir, server.address(),
            Optional.of(key))) {
      awaitSerial(secondary, IxfrZone.serial(0), WAIT, kind + " " + algorithm + ": first load");
      List<Record> loaded = BindTools.digAxfr(secondary.port(), key, ZONE);
      assertEquals(v0.size(), loaded.size(), "records of the first load");
      assertEquals(canonical(v0), canonical(loaded), "first load");
      int logMark = secondary.log().length();
      int changes = difference(v0, v1).size() + difference(v1, v0).size();

      server.publish(Zones.of(ZONE, v1));
      long served = server.transfersServed();
      long t0 = System.nanoTime();
      Duration rtt = server.notify(secondary.address(), ZONE).get(WAIT.toSeconds(),
          TimeUnit.SECONDS);
      // When the secondary's transfer ended, as the primary saw it (no network in the poll).
      poll(() -> server.transfersServed() > served, t0 + WAIT.toNanos(),
          () -> kind + ": no transfer after the NOTIFY\n" + secondary.log());
      long fetched = System.nanoTime() - t0;
      Duration took = awaitSerial(secondary, IxfrZone.serial(1), WAIT,
          kind + " " + algorithm + ": after NOTIFY").plusNanos(fetched);
      String after = secondary.log().substring(logMark);
      System.out.printf(Locale.ROOT, "%s secondary, %s: NOTIFY answered in %.1f ms, transfer"
          + " served by %.1f ms, new serial served %.1f ms after the NOTIFY; log:%n%s%n", kind,
          algorithm.keyword(), rtt.toNanos() / 1e6, fetched / 1e6, took.toNanos() / 1e6,
          transferLines(after));
      List<Record> followed = BindTools.digAxfr(secondary.port(), key, ZONE);
      assertAll(
          () -> assertTrue(took.compareTo(TARGET) <= 0, () -> kind + ": NOTIFY -> serving took "
              + took.toMillis() + " ms, target " + TARGET.toMillis() + " ms\n" + after),
          () -> assertTrue(usedIxfr(kind, after, IxfrZone.serial(1), changes + 4),
              () -> kind + " did not log an IXFR of " + (changes + 4) + " records:\n" + after),
          () -> assertEquals(v1.size(), followed.size(), "records after the IXFR"),
          () -> assertEquals(canonical(v1), canonical(followed), "zone after the IXFR"));
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void secondaryWithoutKey_isRefused_andNeverLoads(Kind kind, @TempDir Path dir)
      throws Exception {
    TsigKey key = key(TsigAlgorithm.HMAC_SHA256);
    try (TransferServer server = TransferServer.builder()
        .zone(Zones.of(ZONE, IxfrZone.version(ZONE, 0))).keys(key).start();
        PrimaryServer secondary = startSecondary(kind, dir, server.address(),
            Optional.empty())) {
      // named asks for the SOA, then tries an AXFR anyway; Knot bootstraps by AXFR at once.
      String refusal = kind == Kind.BIND ? "Transfer status: REFUSED"
          : "server responded with error 'REFUSED'";
      long deadline = System.nanoTime() + WAIT.toNanos();
      poll(() -> secondary.log().contains(refusal), deadline,
          () -> kind + " never logged a refusal (" + refusal + ")\n" + secondary.log());
      String log = secondary.log();
      System.out.printf(Locale.ROOT, "%s secondary without the key logged:%n%s%n", kind,
          log.lines().filter(l -> l.contains("REFUSED")).collect(Collectors.joining("\n")));
      assertAll(
          () -> assertEquals(OptionalLong.empty(),
              IxfrTools.soaSerial(secondary.address(), ZONE), "secondary serves the zone"),
          () -> assertEquals(0, server.transfersServed(), "transfers served"),
          () -> assertFalse(transferCompleted(kind, log), () -> "a transfer finished:\n" + log));
    }
  }

  @ParameterizedTest
  @EnumSource(TsigAlgorithm.class)
  void dig_verifiesSignedAxfrAndIxfr_fromTransferServer(TsigAlgorithm algorithm,
      @TempDir Path dir) throws Exception {
    TsigKey key = key(algorithm);
    List<Record> v0 = IxfrZone.version(ZONE, 0);
    List<Record> v1 = IxfrZone.version(ZONE, 1);
    Path keyFile = dir.resolve("key.conf");
    Files.writeString(keyFile, TsigKeyFiles.toBindStatement(key), StandardCharsets.UTF_8);
    try (TransferServer server = TransferServer.builder().zone(Zones.of(ZONE, v0)).keys(key)
        .start()) {
      server.publish(Zones.of(ZONE, v1));
      int port = server.address().getPort();
      String y = key.algorithm().keyword() + ":" + key.name().toString(true) + ":"
          + key.secretBase64();
      BindTools.Exec axfr = dig(List.of("-y", y, ZONE.toString(), "AXFR"), port);
      BindTools.Exec ixfr = dig(List.of("+tcp", "-k", keyFile.toString(), ZONE.toString(),
          "IXFR=" + IxfrZone.serial(0)), port);
      List<Record> all = records(axfr);
      List<Record> inc = records(ixfr);
      assertTrue(all.size() > 2 && inc.size() > 2, () -> axfr.describe() + ixfr.describe());
      List<Record> zone = all.subList(0, all.size() - 1); // without the closing SOA
      assertAll(
          () -> assertEquals(canonical(v1), canonical(zone), "dig AXFR"),
          () -> assertEquals(all.get(0), all.get(all.size() - 1), "AXFR closing SOA"),
          () -> assertEquals(List.of(IxfrZone.serial(0)), IxfrTools.deltaStarts(inc),
              "IXFR deltas"),
          () -> assertEquals(difference(v0, v1), canonical(deleted(inc)), "IXFR deletions"),
          () -> assertEquals(difference(v1, v0), canonical(added(inc)), "IXFR additions"));
    }
  }

  // ---- helpers

  private static TsigKey key(TsigAlgorithm algorithm) {
    return TsigKeyFiles.generate(Name.fromConstantString("zs-" + algorithm.keyword() + "."),
        algorithm, new SecureRandom());
  }

  /** Starts the secondary of {@link #ZONE} from {@code primary}, with a ready-zone of its own. */
  private static PrimaryServer startSecondary(Kind kind, Path dir, InetSocketAddress primary,
      Optional<TsigKey> key) throws IOException, InterruptedException {
    Path ready = dir.resolve("ready.zone");
    StringBuilder text = new StringBuilder();
    for (Record r : InteropZone.small(READY, 1)) {
      text.append(r).append('\n');
    }
    Files.writeString(ready, text, StandardCharsets.UTF_8);
    if (kind == Kind.BIND) {
      NamedProcess.Config c = new NamedProcess.Config().primaryZone(READY, ready, "none;");
      key.ifPresent(c::key);
      return NamedProcess.start(c.secondaryZone(ZONE, dir.resolve("secondary.zone"), primary,
          key, key.map(k -> "key \"" + k.name().toString(true) + "\";").orElse("none;")));
    }
    TsigKey readyKey = key.orElseGet(() -> key(TsigAlgorithm.HMAC_SHA256));
    return KnotProcess.start(new KnotProcess.Config().primaryZone(READY, ready, readyKey)
        .secondaryZone(ZONE, primary, key));
  }

  /** Polls (bounded) until the secondary serves {@code serial}; returns how long it took. */
  private static Duration awaitSerial(PrimaryServer secondary, long serial, Duration limit,
      String what) {
    long t0 = System.nanoTime();
    poll(() -> IxfrTools.soaSerial(secondary.address(), ZONE).equals(OptionalLong.of(serial)),
        t0 + limit.toNanos(), () -> what + ": " + secondary.program() + " does not serve serial "
            + serial + " of " + ZONE + " after " + limit.toSeconds() + " s (serves "
            + IxfrTools.soaSerial(secondary.address(), ZONE) + ")\n--- log\n" + secondary.log());
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /** Bounded polling: the servers signal a finished transfer only by answering. */
  private static void poll(BooleanSupplier done, long deadline,
      Supplier<String> why) {
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(why.get());
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /**
   * True if the log shows an incoming IXFR to {@code serial} that completed. Knot names the
   * kind; BIND 9.18 does not at level info, so for BIND the transfer's record count must be that
   * of the one-delta IXFR (four SOAs plus the changes), far below the AXFR's.
   */
  private static boolean usedIxfr(Kind kind, String log, long serial, int ixfrRecords) {
    if (kind == Kind.KNOT) {
      return log.lines().anyMatch(l -> l.contains("IXFR, incoming") && l.contains("finished"));
    }
    Pattern done = Pattern.compile("Transfer completed: \\d+ messages, (\\d+) records, .*"
        + "\\(serial " + serial + "\\)");
    return log.lines().map(done::matcher).anyMatch(m -> m.find()
        && Integer.parseInt(m.group(1)) == ixfrRecords);
  }

  /**
   * True if the log shows any incoming transfer that succeeded (named logs "Transfer completed"
   * for failed ones too, with 0 records, but "transferred serial" only for a success).
   */
  private static boolean transferCompleted(Kind kind, String log) {
    return kind == Kind.BIND ? log.contains("transferred serial")
        : log.lines().anyMatch(l -> l.contains("XFR, incoming") && l.contains("finished"));
  }

  private static String transferLines(String log) {
    return log.lines().filter(l -> l.contains("XFR") || l.toLowerCase(Locale.ROOT)
        .contains("transfer") || l.toLowerCase(Locale.ROOT).contains("notify"))
        .collect(Collectors.joining("\n"));
  }

  /** Records as canonical wire form (RFC 4034 section 6.2: owner case folded, TTL kept). */
  private static Set<String> canonical(List<Record> records) {
    return records.stream().map(r -> HexFormat.of().formatHex(r.toWireCanonical()))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The records of {@code a} not in {@code b}, the SOA aside. */
  private static Set<String> difference(List<Record> a, List<Record> b) {
    Set<String> out = canonical(a.stream().filter(r -> r.getType() != Type.SOA).toList());
    out.removeAll(canonical(b));
    return out;
  }

  /** The deletions of a one-delta IXFR answer (RFC 1995 section 4). */
  private static List<Record> deleted(List<Record> ixfr) {
    return section(ixfr, 2);
  }

  /** The additions of a one-delta IXFR answer. */
  private static List<Record> added(List<Record> ixfr) {
    return section(ixfr, 3);
  }

  /** The records after the {@code nth} SOA (1-based) up to the next SOA. */
  private static List<Record> section(List<Record> ixfr, int nth) {
    List<Record> out = new ArrayList<>();
    int soas = 0;
    for (Record r : ixfr) {
      if (r.getType() == Type.SOA) {
        soas++;
        continue;
      }
      if (soas == nth) {
        out.add(r);
      }
    }
    return out;
  }

  private static BindTools.Exec dig(List<String> args, int port) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(BindTools.require("dig").toString(),
        "@127.0.0.1", "-p", Integer.toString(port)));
    cmd.addAll(args);
    cmd.addAll(List.of("+nocmd", "+nostats", "+nocomments"));
    BindTools.Exec d = BindTools.run(cmd);
    String out = (d.stdout() + d.stderr()).toLowerCase(Locale.ROOT);
    assertAll(
        () -> assertEquals(0, d.exitCode(), d::describe),
        () -> assertFalse(out.contains("transfer failed"), d::describe),
        () -> assertFalse(out.contains("couldn't verify") || out.contains("tsig verify failure")
            || out.contains("expected a tsig") || out.contains("badsig")
            || out.contains("badkey"), () -> "dig reports a TSIG error: " + d.describe()));
    return d;
  }

  /** The records dig printed, its TSIG lines left out (dnsjava has no text form for them). */
  private static List<Record> records(BindTools.Exec d) throws IOException {
    String kept = d.stdout().lines().filter(l -> {
      String[] f = l.trim().split("\\s+");
      return !(f.length > 3 && f[3].equals("TSIG"));
    }).collect(Collectors.joining("\n", "", "\n"));
    return InteropZone.parse(Name.root, kept);
  }
}
