// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.cli.InProcessMirror;
import org.zonesync.tsig.TsigKeyFiles;

/**
 * The three-tier chain of the hidden-primary topology, with real servers at both ends: a primary
 * (BIND {@code named} or Knot {@code knotd}) -> {@code zonesync mirror --serve} (a stealth
 * secondary, in process) -> a downstream secondary (the other server). The downstream loads the
 * zone from zonesync by AXFR after zonesync's NOTIFY; then a 100-record change reloaded on the
 * primary reaches the downstream by NOTIFY and IXFR on both hops, within {@link #TARGET} of the
 * reload (the time is printed), for every HMAC on the downstream hop. Both ends are compared
 * record by record.
 */
@Tag("interop")
final class StealthChainInteropTest {

  /** The two orders of servers around zonesync. */
  enum Chain { BIND_TO_KNOT, KNOT_TO_BIND }

  /** From the primary's reload to the new serial served at the far end. */
  private static final Duration TARGET = Duration.ofSeconds(5);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Name ZONE = Name.fromConstantString("chain.interop.test.");
  private static final TsigKey UP_KEY = TsigKeyFiles.generate(
      Name.fromConstantString("chain-up."), TsigAlgorithm.HMAC_SHA256, new SecureRandom());

  static Stream<Arguments> chainsAndAlgorithms() {
    return Stream.of(Chain.values()).flatMap(c -> Stream.of(TsigAlgorithm.values())
        .map(a -> Arguments.of(c, a)));
  }

  @ParameterizedTest
  @MethodSource("chainsAndAlgorithms")
  void changeOnPrimary_reachesDownstreamThroughZonesync(Chain chain, TsigAlgorithm algorithm,
      @TempDir Path dir) throws Exception {
    TsigKey downKey = TsigKeyFiles.generate(Name.fromConstantString("chain-down-"
        + algorithm.keyword() + "."), algorithm, new SecureRandom());
    Path upKeyFile = keyFile(dir, "up.key", UP_KEY);
    Path downKeyFile = keyFile(dir, "down.key", downKey);
    Path file = dir.resolve("chain.zone");
    IxfrZone.write(ZONE, 0, file);
    int middlePort = NamedProcess.freePort();
    InetSocketAddress middle = new InetSocketAddress(InetAddress.getLoopbackAddress(),
        middlePort);
    Files.createDirectories(dir.resolve("up"));
    Files.createDirectories(dir.resolve("down"));
    // zonesync first, so the far end's first refresh finds the zone; the far end's port is
    // reserved for zonesync's --notify
    int downPort = NamedProcess.freePort();
    String report;
    try (PrimaryServer up = startPrimary(chain, dir.resolve("up"), file, middle);
        InProcessMirror mirror = new InProcessMirror("mirror", "--zone", ZONE.toString(),
            "--primary", "127.0.0.1:" + up.port(), "--key", upKeyFile.toString(),
            "--dir", dir.resolve("mirror").toString(),
            "--listen", "127.0.0.1:" + middlePort, "--serve",
            "--transfer-key", downKeyFile.toString(), "--allow", "key:" + downKey.name(),
            "--notify", "127.0.0.1:" + downPort, "--notify-key", downKey.name().toString())) {
      mirror.out().await(l -> l.contains("AXFR from"), WAIT);
      try (PrimaryServer down = startDownstream(chain, dir.resolve("down"), middle, downKey,
          downPort)) {
        report = chain(chain, algorithm, up, mirror, down, file, downKey, middlePort);
      }
    }
    System.out.println(report); // after the mirror gave System.out back
  }

  private static String chain(Chain chain, TsigAlgorithm algorithm, PrimaryServer up,
      InProcessMirror mirror, PrimaryServer down, Path file, TsigKey downKey, int middlePort)
      throws Exception {
    {
      awaitSerial(down, IxfrZone.serial(0), WAIT, chain + ": first load at the far end", mirror);
      assertEquals(canonical(IxfrZone.version(ZONE, 0)),
          canonical(BindTools.digAxfr(down.port(), downKey, ZONE)), "far end after the AXFR");
      int mark = down.log().length();

      IxfrZone.write(ZONE, 1, file);
      long t0 = System.nanoTime();
      up.reload(ZONE, IxfrZone.serial(1));
      long reloaded = System.nanoTime() - t0;
      long middleAt = -1;
      while (middleAt < 0 && System.nanoTime() - t0 < WAIT.toNanos()) {
        if (signedSerial(middlePort, downKey) == IxfrZone.serial(1)) {
          middleAt = System.nanoTime() - t0;
        }
      }
      Duration took = awaitSerial(down, IxfrZone.serial(1), WAIT, chain + ": after the change",
          mirror).plusNanos(middleAt);
      String after = down.log().substring(mark);
      String report = String.format(Locale.ROOT, "chain %s, %s downstream: primary reload"
          + " %.1f ms, new serial served by zonesync %.1f ms and at the far end %.1f ms after"
          + " the reload%n%s%n", chain,
          algorithm.keyword(), reloaded / 1e6, middleAt / 1e6, took.toNanos() / 1e6, after.lines()
              .filter(l -> l.contains("XFR") || l.toLowerCase(Locale.ROOT).contains("transfer"))
              .collect(Collectors.joining("\n")));
      String mirrored = String.join("\n", mirror.out().lines());
      assertAll(
          () -> assertTrue(took.compareTo(TARGET) <= 0, () -> "reload -> far end took "
              + took.toMillis() + " ms, target " + TARGET.toMillis() + " ms"),
          () -> assertEquals(canonical(IxfrZone.version(ZONE, 1)),
              canonical(BindTools.digAxfr(down.port(), downKey, ZONE)), "far end after IXFR"),
          () -> assertTrue(incomingIxfr(chain, after), () -> "far end did not use IXFR:\n"
              + after),
          () -> assertTrue(mirrored.contains("IXFR"), () -> "zonesync did not take an IXFR:\n"
              + mirrored));
      if (algorithm == TsigAlgorithm.HMAC_SHA256) {
        kdigFromZonesync(middlePort, downKey);
      }
      if (Boolean.getBoolean("chain.debug")) {
        report += "\n" + String.join("\n", mirror.err().lines()) + "\n" + down.log();
      }
      return report;
    }
  }

  /** kdig (Knot's client) verifies zonesync's signed AXFR and IXFR answers. */
  private static void kdigFromZonesync(int port, TsigKey key) throws Exception {
    String y = key.algorithm().keyword() + ":" + key.name().toString(true) + ":"
        + key.secretBase64();
    List<Record> axfr = kdig(port, y, "AXFR");
    List<Record> ixfr = kdig(port, y, "IXFR=" + IxfrZone.serial(0));
    List<Record> v1 = IxfrZone.version(ZONE, 1);
    assertAll(
        () -> assertEquals(canonical(v1), canonical(axfr.subList(0, axfr.size() - 1)),
            "kdig AXFR"),
        () -> assertEquals(List.of(IxfrZone.serial(0)), IxfrTools.deltaStarts(ixfr),
            "kdig IXFR deltas"));
  }

  private static List<Record> kdig(int port, String tsig, String type) throws Exception {
    BindTools.Exec k = BindTools.run(List.of(BindTools.require("kdig", "knot-dnsutils")
        .toString(), "@127.0.0.1", "-p", Integer.toString(port), "-y", tsig, ZONE.toString(),
        type));
    String text = k.stdout().lines().filter(l -> !l.startsWith(";") && !l.isBlank())
        .filter(l -> {
          String[] f = l.trim().split("\\s+");
          return !(f.length > 3 && f[3].equals("TSIG"));
        }).collect(Collectors.joining("\n", "", "\n"));
    // kdig reports a reply it cannot verify as ";; WARNING: ..." or ";; ERROR: ..."
    List<String> complaints = (k.stdout() + "\n" + k.stderr()).lines()
        .filter(l -> l.startsWith(";; WARNING") || l.startsWith(";; ERROR")).toList();
    assertAll(
        () -> assertEquals(0, k.exitCode(), k::describe),
        () -> assertEquals(List.of(), complaints, k::describe));
    List<Record> records = InteropZone.parse(Name.root, text);
    assertTrue(records.size() > 2, k::describe);
    return records;
  }

  // ---- helpers

  private static Path keyFile(Path dir, String name, TsigKey key) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, TsigKeyFiles.toBindStatement(key), StandardCharsets.UTF_8);
    return f;
  }

  /** The primary, notifying zonesync at {@code middle}. */
  private static PrimaryServer startPrimary(Chain chain, Path dir, Path file,
      InetSocketAddress middle) throws IOException, InterruptedException {
    if (chain == Chain.BIND_TO_KNOT) {
      String key = "\"" + UP_KEY.name().toString(true) + "\"";
      return NamedProcess.start(new NamedProcess.Config().key(UP_KEY).primaryZone(ZONE, file,
          "key " + key + ";", true, "notify explicit;\n  notify-delay 0;\n  also-notify { "
              + middle.getAddress().getHostAddress() + " port " + middle.getPort() + " key "
              + key + "; };"));
    }
    return KnotProcess.start(new KnotProcess.Config().primaryZone(ZONE, file, UP_KEY)
        .notify(ZONE, middle));
  }

  /** The far end: a secondary of zonesync, with a ready-zone of its own. */
  private static PrimaryServer startDownstream(Chain chain, Path dir, InetSocketAddress middle,
      TsigKey key, int port) throws IOException, InterruptedException {
    Name ready = Name.fromConstantString("ready.chain.test.");
    Path readyFile = dir.resolve("ready.zone");
    StringBuilder text = new StringBuilder();
    for (Record r : InteropZone.small(ready, 1)) {
      text.append(r).append('\n');
    }
    Files.writeString(readyFile, text, StandardCharsets.UTF_8);
    if (chain == Chain.KNOT_TO_BIND) {
      return NamedProcess.start(new NamedProcess.Config().port(port).key(key)
          .primaryZone(ready, readyFile, "none;")
          .secondaryZone(ZONE, dir.resolve("secondary.zone"), middle, Optional.of(key),
              "key \"" + key.name().toString(true) + "\";"));
    }
    return KnotProcess.start(new KnotProcess.Config().port(port)
        .primaryZone(ready, readyFile, key).secondaryZone(ZONE, middle, Optional.of(key)));
  }

  /** The serial zonesync serves, asked with a signed SOA query over TCP; -1 if none. */
  private static long signedSerial(int port, TsigKey key) {
    try {
      org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver("127.0.0.1");
      r.setPort(port);
      r.setTCP(true);
      r.setTimeout(Duration.ofSeconds(2));
      r.setTSIGKey(new org.xbill.DNS.TSIG(org.xbill.DNS.TSIG.algorithmToName(
          key.algorithm().keyword()), key.name(), key.secretBase64()));
      org.xbill.DNS.Message m = r.send(org.xbill.DNS.Message.newQuery(
          Record.newRecord(ZONE, org.xbill.DNS.Type.SOA, org.xbill.DNS.DClass.IN)));
      for (Record a : m.getSection(org.xbill.DNS.Section.ANSWER)) {
        if (a instanceof org.xbill.DNS.SOARecord soa) {
          return soa.getSerial();
        }
      }
      return -1;
    } catch (IOException e) {
      return -1;
    }
  }

  private static boolean incomingIxfr(Chain chain, String log) {
    if (chain == Chain.BIND_TO_KNOT) {
      return log.lines().anyMatch(l -> l.contains("IXFR, incoming") && l.contains("finished"));
    }
    // named 9.18 logs the transfer without its kind at level info: an IXFR of one delta is
    // far fewer records than the zone's thousands
    return log.lines().anyMatch(l -> l.contains("Transfer completed")
        && l.matches(".*Transfer completed: \\d+ messages, ([1-9]\\d{0,2}) records.*"));
  }

  private static Duration awaitSerial(PrimaryServer server, long serial, Duration limit,
      String what, InProcessMirror mirror) {
    long t0 = System.nanoTime();
    while (!IxfrTools.soaSerial(server.address(), ZONE).equals(OptionalLong.of(serial))) {
      if (System.nanoTime() - t0 > limit.toNanos()) {
        fail(what + ": " + server.program() + " does not serve serial " + serial + " after "
            + limit.toSeconds() + " s\n--- zonesync\n" + String.join("\n", mirror.out().lines())
            + "\n" + String.join("\n", mirror.err().lines()) + "\n--- " + server.program()
            + " log\n" + server.log());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  private static Set<String> canonical(List<Record> records) {
    return records.stream().map(r -> HexFormat.of().formatHex(r.toWireCanonical()))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
