// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferKind;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.PrimaryZone;
import org.zonesync.core.TestZones;
import org.zonesync.core.ZoneServing;
import org.zonesync.core.ZoneSync;
import org.zonesync.core.Zones;
import org.zonesync.journal.MemoryReplicaStore;
import org.zonesync.tsig.TsigKeyFiles;

/**
 * {@code zonesync serve}: a {@link ServeDaemon} serving a zone file to an in-process downstream
 * {@link ZoneSync} replica; the SIGHUP path ({@link ServeDaemon#reload}) and the poll ({@link
 * ServeDaemon#checkFile}) publish edits that reach the replica by IXFR after the NOTIFY, while
 * bad edits keep the old serial served; and the command's usage errors and start-up failures.
 */
final class ServeCommandTest {

  static final Name ZONE = MainTest.ZONE;
  static final TsigKey DOWN = TsigKey.of(Name.fromConstantString("down."),
      TsigAlgorithm.HMAC_SHA256, new byte[32]);
  static final Duration WAIT = Duration.ofSeconds(30);
  static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  @TempDir
  Path dir;

  static ZoneSnapshot version(long serial, int hosts) {
    return Zones.of(ZONE, TestZones.records(ZONE, serial, hosts));
  }

  /** The diff line, counted here from the two record sets; the SOA is not counted. */
  static String servedLine(ZoneSnapshot from, ZoneSnapshot to) {
    Set<Record> a = new HashSet<>();
    from.forEach(r -> a.add(r));
    Set<Record> b = new HashSet<>();
    to.forEach(r -> b.add(r));
    a.removeIf(r -> r.getType() == org.xbill.DNS.Type.SOA);
    b.removeIf(r -> r.getType() == org.xbill.DNS.Type.SOA);
    Set<Record> removed = new HashSet<>(a);
    removed.removeAll(b);
    Set<Record> added = new HashSet<>(b);
    added.removeAll(a);
    return "zone " + ZONE + ": serial " + to.serial() + " served (" + removed.size()
        + " removed, " + added.size() + " added)";
  }

  @Test
  void reloadAndPoll_reachTheReplicaByIxfr_andBadEditsKeepTheOldSerial() throws Exception {
    Path file = dir.resolve("example.com.zone");
    ZoneSnapshot v1 = version(77, 60);
    ZoneSnapshot v2 = version(78, 64);
    ZoneSnapshot v3 = version(79, 50);
    ZoneFiles.writeAtomically(v1, file);
    LineSink out = new LineSink();
    LineSink err = new LineSink();
    DemoTier tier = new DemoTier("downstream");
    try (ZoneSync down = ZoneSync.builder().storage(MemoryReplicaStore.create()).listen(ANY)
            .listener(tier).build();
        ServeDaemon d = ServeDaemon.start(new ServeDaemon.Config(ZONE, file, ANY, List.of(DOWN),
            ZoneServing.builder().allowTransfer("key:down.")
                .alsoNotify(down.notifyAddress().orElseThrow(), DOWN).build(), 10, 2,
            Optional.empty(), Optional.empty(), Duration.ZERO), out.stream(), err.stream())) {
      InetSocketAddress at = d.sync().notifyAddress().orElseThrow();
      assertEquals("zonesync serve: zone example.com. serial 77, " + v1.recordCount()
          + " records from " + file + ", listening on " + Primary.format(at)
          + ", storage none (memory only), control none",
          out.await(l -> l.startsWith("zonesync serve: "), WAIT));
      ZoneReplica replica = down.addSecondary(org.zonesync.core.SecondaryZone.builder(ZONE)
          .primary(Primary.of(at, DOWN)).build());
      assertEquals(TransferKind.AXFR, tier.await(WAIT).report().kind());
      assertEquals(v1, replica.snapshot());

      // SIGHUP after an edit: the difference is published, NOTIFY goes out, IXFR follows
      tier.expectNext();
      ZoneFiles.writeAtomically(v2, file);
      Optional<PrimaryZone.Update> u = d.reload("SIGHUP");
      assertEquals(v2.serial(), u.orElseThrow().serial());
      assertEquals(servedLine(v1, v2), out.await(l -> l.contains(": serial 78 served"), WAIT));
      assertEquals(TransferKind.IXFR, tier.await(WAIT).report().kind());
      assertEquals(v2, replica.snapshot());
      assertEquals(1, d.sync().servingStats().ixfrOut(), d.sync().servingStats().toString());

      // a file that is not a zone: one line naming it, serial 78 stays, no retry by the poll
      Files.writeString(file, "$ORIGIN example.com.\n@ 3600 IN SOA ns1 hostmaster (\n");
      assertTrue(d.reload("SIGHUP").isEmpty());
      String bad = err.await(l -> l.startsWith("zone example.com.: reload failed"), WAIT);
      assertTrue(bad.contains(file.toString()) && bad.endsWith("still serving serial 78"), bad);
      assertFalse(d.checkFile(), "a failed version is not reloaded again until it changes");

      // changed content under the same serial: refused, serial 78 stays
      ZoneFiles.writeAtomically(version(78, 70), file);
      assertTrue(d.checkFile());
      String stale = err.await(l -> l.startsWith("zone example.com.: reload failed"), WAIT);
      assertTrue(stale.contains("serial 78 is not newer than 78"), stale);
      assertEquals(v2, d.zone().current());
      assertEquals(v2, replica.snapshot());

      // the poll sees the next good edit
      tier.expectNext();
      ZoneFiles.writeAtomically(v3, file);
      assertTrue(d.checkFile());
      assertEquals(servedLine(v2, v3), out.await(l -> l.contains(": serial 79 served"), WAIT));
      assertEquals(TransferKind.IXFR, tier.await(WAIT).report().kind());
      assertEquals(v3, replica.snapshot());
      assertFalse(d.checkFile(), "unchanged file");
      assertEquals(2, d.sync().servingStats().ixfrOut());
      assertEquals(1, d.sync().servingStats().axfrOut());
    }
  }

  @Test
  void dir_keepsTheVersion_soAnEditMadeWhileStoppedReachesTheReplicaByIxfr() throws Exception {
    Path file = dir.resolve("example.com.zone");
    Path store = dir.resolve("store");
    ZoneSnapshot v1 = version(77, 40);
    ZoneSnapshot v2 = version(78, 44);
    ZoneFiles.writeAtomically(v1, file);
    InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(),
        MirrorCommandTest.freePort());
    DemoTier tier = new DemoTier("downstream");
    try (ZoneSync down = ZoneSync.builder().storage(MemoryReplicaStore.create()).listen(ANY)
        .listener(tier).build()) {
      ServeDaemon.Config c = new ServeDaemon.Config(ZONE, file, at, List.of(DOWN),
          ZoneServing.builder().allowTransfer("key:down.")
              .alsoNotify(down.notifyAddress().orElseThrow(), DOWN).build(), 10, 2,
          Optional.of(store), Optional.empty(), Duration.ZERO);
      LineSink out = new LineSink();
      try (ServeDaemon d = ServeDaemon.start(c, out.stream(), out.stream())) {
        assertEquals(at, d.sync().notifyAddress().orElseThrow());
        ZoneReplica replica = down.addSecondary(org.zonesync.core.SecondaryZone.builder(ZONE)
            .primary(Primary.of(at, DOWN)).build());
        assertEquals(TransferKind.AXFR, tier.await(WAIT).report().kind());
        assertEquals(v1, replica.snapshot());
      }
      tier.expectNext();
      ZoneFiles.writeAtomically(v2, file);
      try (ServeDaemon d = ServeDaemon.start(c, out.stream(), out.stream())) {
        // the stored version is 77, the file's 78: the difference is journaled at start-up
        assertEquals(TransferKind.IXFR, tier.await(WAIT).report().kind());
        assertEquals(v2, down.replica(ZONE).orElseThrow().snapshot());
        assertEquals(1, d.sync().servingStats().ixfrOut());
      }
    }
  }

  @Test
  void fileWatch_seesContentChanges_evenWithTheSameSizeAndTime() throws Exception {
    Path f = Files.writeString(dir.resolve("z"), "aaaa\n");
    long[] now = {Files.getLastModifiedTime(f).toMillis() * 1_000_000L};
    FileWatch w = new FileWatch(f, () -> now[0]);
    w.mark();
    assertFalse(w.changed());
    java.nio.file.attribute.FileTime t = Files.getLastModifiedTime(f);
    Files.writeString(f, "bbbb\n");
    Files.setLastModifiedTime(f, t); // same size, same time: only the content tells
    assertTrue(w.changed());
    assertFalse(w.changed());
    Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(t.toMillis()
        + 5_000));
    assertFalse(w.changed(), "touched, same content");
    Files.delete(f);
    assertTrue(w.changed(), "gone: once, so that the reload says why");
    assertFalse(w.changed());
  }

  @Test
  void serveCommand_inProcess_statusShowsThePrimaryAndTheTotals() throws Exception {
    Path file = dir.resolve("z.zone");
    ZoneFiles.writeAtomically(version(5, 10), file);
    Path keyFile = Files.writeString(dir.resolve("down.key"), TsigKeyFiles.toBindStatement(DOWN));
    Path socket = dir.resolve("s.sock");
    int port = MirrorCommandTest.freePort();
    try (InProcessMirror m = new InProcessMirror("serve", "--zone", "example.com", "--file",
        file.toString(), "--key", keyFile.toString(), "--listen", "127.0.0.1:" + port,
        "--allow", "key:down", "--allow", "192.0.2.0/24", "--notify", "127.0.0.1:9",
        "--notify-key", "down.", "--max-ixfr-ratio", "unlimited", "--control",
        socket.toString(), "--dir", dir.resolve("store").toString())) {
      m.out().await(l -> l.startsWith("zonesync serve: zone example.com. serial 5"), WAIT);
      InProcessMirror.Result s = InProcessMirror.run("status", "--control", socket.toString());
      assertEquals(0, s.code(), s.err());
      Map<String, String> f = InProcessMirror.statusBlocks(s.out()).get("example.com.");
      assertEquals("primary", f.get("role"));
      assertEquals("5", f.get("serial"));
      assertEquals("allow-transfer key:down 192.0.2.0/24; also-notify 127.0.0.1:9;"
          + " max-ixfr-ratio unlimited", f.get("serving"));
      assertTrue(s.out().contains("\ntransfers-out: axfr 0, ixfr 0, refused 0, quota-full 0,"
          + " unavailable 0, failed 0\nnotifies-out: sent "), s.out());
      assertEquals(0, m.stop());
      assertTrue(m.out().lines().contains("zonesync serve: stopped"), m.out().lines().toString());
    }
  }

  @Nested
  final class Errors {

    @Test
    void usageErrors_exit2_withOneLineNamingTheOption() throws Exception {
      Path file = Files.writeString(dir.resolve("z.zone"), "");
      String[] base = {"serve", "--zone", "example.com", "--file", file.toString(), "--listen",
          "127.0.0.1:5300"};
      Object[][] cases = {
          {new String[] {"--allow", "192.0.2.0/33"}, "--allow '192.0.2.0/33': "},
          {new String[] {"--allow", "key:nokey."}, "--allow 'key:nokey.': no transfer key"
              + " named nokey. was given"},
          {new String[] {"--allow", "!"}, "--allow '!': nothing to negate"},
          {new String[] {"--notify", "ns.example:53"}, "--notify: 'ns.example' is not an IP"
              + " address"},
          {new String[] {"--notify-key", "k."}, "--notify-key: no transfer key named k."},
          {new String[] {"--max-ixfr-ratio", "0"}, "--max-ixfr-ratio: expected 'unlimited' or"
              + " a percentage 1..10000, got '0'"},
          {new String[] {"--tsig", "hmac-nope:k:AAAA"}, "--tsig: unknown TSIG algorithm"},
          {new String[] {"--key", dir.resolve("none.key").toString()}, "--key "},
          {new String[] {"--notify", "127.0.0.1:53", "--notify", "127.0.0.1"}, "--notify:"
              + " notify target"},
      };
      for (Object[] c : cases) {
        String[] extra = (String[]) c[0];
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base),
            java.util.Arrays.stream(extra)).toArray(String[]::new);
        MainTest.Run r = MainTest.run(args);
        assertEquals(2, r.code(), String.join(" ", extra) + ": " + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("zonesync serve: " + c[1]), r.err());
      }
      assertEquals(2, MainTest.run("serve", "--zone", "a.", "--file", file.toString()).code(),
          "--listen is required");
      MainTest.Run listen = MainTest.run("serve", "--zone", "a.", "--file", file.toString(),
          "--listen", "localhost:53");
      assertEquals(2, listen.code());
      assertEquals("zonesync serve: --listen: 'localhost' is not an IP address\n",
          listen.err());
    }

    @Test
    void aFileThatIsNotAZone_exits1_andWarnsThatNobodyMayTransfer() throws Exception {
      Path file = Files.writeString(dir.resolve("bad.zone"), "not a zone\n");
      MainTest.Run r = MainTest.run("serve", "--zone", "example.com", "--file",
          file.toString(), "--listen", "127.0.0.1:" + MirrorCommandTest.freePort());
      assertEquals(1, r.code());
      List<String> lines = r.err().lines().toList();
      assertEquals(2, lines.size(), r.err());
      assertEquals("zonesync serve: warning: no --allow given, so nobody may transfer zone"
          + " example.com. (deny by default)", lines.get(0));
      assertTrue(lines.get(1).startsWith("zonesync serve: " + file), lines.get(1));
    }
  }
}
