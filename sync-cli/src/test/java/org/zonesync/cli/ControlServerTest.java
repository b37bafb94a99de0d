// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneStatus;
import org.zonesync.core.FakePrimary;
import org.zonesync.core.FakePrimary.FaultPolicy;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.TestZones;
import org.zonesync.core.Zones;

/**
 * The control socket end to end: a {@link MirrorDaemon} mirrors two zones from two
 * {@link FakePrimary}s, and the {@code status}, {@code refresh} and {@code retransfer} verbs
 * (run through {@link Main}) or raw requests talk to it. Every wait is bounded: for a zone's
 * first version, or for the event line of a transfer.
 */
final class ControlServerTest {

  static final Name COM = Name.fromConstantString("example.com.");
  static final Name NET = Name.fromConstantString("example.net.");
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private final List<FakePrimary> primaries = new ArrayList<>();
  private final LineSink events = new LineSink();
  private MirrorDaemon daemon;
  private Path socket;
  private FakePrimary com;

  @BeforeEach
  void start() throws Exception {
    com = primary(COM, 77);
    FakePrimary net = primary(NET, 10);
    socket = dir.resolve("c.sock");
    MirrorConfig cfg = new MirrorConfig(Optional.empty(), Optional.empty(), Optional.of(socket),
        MirrorConfig.Limits.DEFAULTS, List.of(
            SecondaryZone.builder(NET).primary(Primary.of(net.address())).build(),
            SecondaryZone.builder(COM).primary(Primary.of(com.address())).build()));
    daemon = MirrorDaemon.start(cfg, Optional.empty(), events.stream(), System.err);
    for (Name z : List.of(COM, NET)) {
      daemon.sync().replica(z).orElseThrow().awaitCurrent(WAIT);
    }
  }

  private FakePrimary primary(Name zone, long serial) throws IOException {
    FakePrimary p = FakePrimary.start(Zones.of(zone, TestZones.records(zone, serial, 40)), null,
        FaultPolicy.NONE);
    primaries.add(p);
    return p;
  }

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    for (FakePrimary p : primaries) {
      p.close();
    }
  }

  static Map<String, Map<String, String>> blocks(String text) {
    return InProcessMirror.statusBlocks(text);
  }

  ZoneReplica replica(Name zone) {
    return daemon.sync().replica(zone).orElseThrow();
  }

  @Nested
  final class Verbs {

    @Test
    void status_listsEveryZoneSorted_withTheReplicasFacts() {
      MainTest.Run r = MainTest.run("status", "--control", socket.toString());
      assertEquals(0, r.code(), r.err());
      Map<String, Map<String, String>> b = blocks(r.out());
      assertEquals(List.of("example.com.", "example.net."), List.copyOf(b.keySet()));
      for (Name z : List.of(COM, NET)) {
        ZoneStatus s = replica(z).status();
        Map<String, String> f = b.get(z.toString());
        assertEquals("serving", f.get("state"));
        assertEquals(s.serial().orElseThrow().toString(), f.get("serial"));
        assertEquals(Primary.format(s.primary().orElseThrow()), f.get("primary"));
        assertEquals(s.stats().axfrSucceeded() + " succeeded, " + s.stats().axfrFailed()
            + " failed", f.get("axfr"));
        assertEquals(s.stats().soaQueries() + " sent, " + s.stats().soaQueryFailures()
            + " failed", f.get("soa-queries"));
        assertEquals(Integer.toString(s.consecutiveFailures()), f.get("failures"));
        assertTrue(f.get("expires-at").contains(" (in "), f.get("expires-at"));
        assertEquals(List.of("state", "serial", "primary", "last-success", "last-failure",
            "next-refresh", "expires-at", "refreshing", "failures", "axfr", "ixfr",
            "up-to-date", "transferred", "soa-queries", "notifies", "since-last-success",
            "until-expiry"), List.copyOf(f.keySet()));
      }
      assertEquals("77", b.get("example.com.").get("serial"));
      assertEquals("10", b.get("example.net.").get("serial"));
    }

    @Test
    void status_ofOneZone_showsOnlyThatZone() {
      MainTest.Run r = MainTest.run("status", "example.net", "--control", socket.toString());
      assertEquals(0, r.code(), r.err());
      assertEquals(List.of("example.net."), List.copyOf(blocks(r.out()).keySet()));
    }

    @Test
    void refresh_answersOnceQueued_thenTheNewSerialIsServed() throws Exception {
      com.publish(Zones.of(COM, TestZones.records(COM, 78, 41)));
      MainTest.Run r = MainTest.run("refresh", "example.com.", "--control", socket.toString());
      assertEquals(0, r.code(), r.err());
      assertEquals("refresh of zone example.com. queued\n", r.out());
      String line = events.await(l -> l.contains("zone example.com.: IXFR from "), WAIT);
      assertTrue(line.contains("serial 78"), line);
      MainTest.Run s = MainTest.run("status", "example.com.", "--control", socket.toString());
      Map<String, String> f = blocks(s.out()).get("example.com.");
      assertEquals("78", f.get("serial"));
      assertEquals("1 succeeded, 0 failed", f.get("ixfr"));
    }

    @Test
    void retransfer_transfersTheWholeZoneAgain() throws Exception {
      MainTest.Run r = MainTest.run("retransfer", "example.com", "--control",
          socket.toString());
      assertEquals(0, r.code(), r.err());
      assertEquals("retransfer of zone example.com. queued\n", r.out());
      events.await(l -> l.contains("zone example.com.: AXFR from "), WAIT); // the first
      events.await(l -> l.contains("zone example.com.: AXFR from "), WAIT); // the retransfer
      MainTest.Run s = MainTest.run("status", "example.com.", "--control", socket.toString());
      assertEquals("2 succeeded, 0 failed", blocks(s.out()).get("example.com.").get("axfr"));
    }

    @Test
    void unknownZone_exits1_withTheReason() {
      for (String verb : List.of("status", "refresh", "retransfer")) {
        MainTest.Run r = MainTest.run(verb, "nope.example", "--control", socket.toString());
        assertEquals(1, r.code(), verb);
        assertEquals("zonesync " + verb + ": zone 'nope.example' is not configured\n", r.err());
        assertEquals("", r.out());
      }
    }

    @Test
    void unreachableSocket_orBadUsage_exits2() {
      MainTest.Run r = MainTest.run("status", "--control", dir.resolve("none.sock").toString());
      assertEquals(2, r.code());
      assertTrue(r.err().startsWith("zonesync status: control socket "), r.err());
      assertEquals(2, MainTest.run("status").code(), "--control is required");
      assertEquals(2, MainTest.run("refresh", "--control", socket.toString()).code(),
          "refresh needs a zone");
      assertEquals(2, MainTest.run("refresh", "a b", "--control", socket.toString()).code());
    }
  }

  /** Sends raw bytes, closes the sending side, returns everything answered. */
  static String raw(Path socket, byte[] request) throws IOException {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.write(ByteBuffer.wrap(request));
      ch.shutdownOutput();
      return readAll(ch);
    }
  }

  static String readAll(SocketChannel ch) throws IOException {
    ch.configureBlocking(false);
    ByteBuffer in = ByteBuffer.allocate(ControlClient.MAX_ANSWER);
    assertEquals(ControlIo.End.EOF, ControlIo.read(ch, in, ControlIo.deadline(WAIT.toMillis()),
        true));
    return new String(in.array(), 0, in.position(), UTF_8);
  }

  @Nested
  final class Protocol {

    @Test
    void malformedOrOversizedRequests_getAnError_andTheServerKeepsServing() throws Exception {
      String[][] cases = {
          {"x".repeat(ControlServer.MAX_REQUEST + 1), "error: request longer than 1024 bytes"},
          {"status\u0001\n", "error: request has a control or non-ASCII byte at offset 6"},
          {"st\u00e4tus\n", "error: request has a control or non-ASCII byte at offset 2"},
          {"bogus example.com\n", "error: unknown command 'bogus'; expected status [ZONE],"
              + " refresh ZONE or retransfer ZONE"},
          {"status a. b.\n", "error: status takes at most one zone"},
          {"refresh\n", "error: refresh takes one zone"},
          {"", "error: empty request; expected status [ZONE], refresh ZONE or retransfer ZONE"},
          {"status ..\n", "error: zone '..' is not configured"},
      };
      for (String[] c : cases) {
        assertEquals(c[1] + "\n", raw(socket, c[0].getBytes(UTF_8)), c[0]);
      }
      String ok = raw(socket, "status example.com.\r\n".getBytes(US_ASCII));
      assertTrue(ok.startsWith("ok\nzone: example.com.\n"), ok);
      // a request of exactly the limit is read whole
      String atLimit = raw(socket, ("status " + "a".repeat(ControlServer.MAX_REQUEST - 7)
          + "\n").getBytes(US_ASCII));
      assertTrue(atLimit.startsWith("error: zone 'aaaa"), atLimit);
    }

    @Test
    void fifthClient_isBusy_andServedOnceOneLeaves() throws Exception {
      List<SocketChannel> held = new ArrayList<>();
      try {
        for (int i = 0; i < ControlServer.MAX_CLIENTS; i++) {
          SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket));
          c.write(ByteBuffer.wrap("stat".getBytes(US_ASCII))); // no line break: held
          held.add(c);
        }
        assertEquals("error: busy: 4 clients are being served\n",
            raw(socket, "status\n".getBytes(US_ASCII)));
        SocketChannel first = held.remove(0);
        first.write(ByteBuffer.wrap("us example.com\n".getBytes(US_ASCII)));
        assertTrue(readAll(first).startsWith("ok\nzone: example.com.\n"));
        first.close();
        assertTrue(raw(socket, "status\n".getBytes(US_ASCII)).startsWith("ok\n"));
      } finally {
        for (SocketChannel c : held) {
          c.close();
        }
      }
    }

    @Test
    void socket_isMode0600() throws Exception {
      assertTrue(ControlServer.isSocket(socket));
      assertEquals(PosixFilePermissions.fromString("rw-------"),
          Files.getPosixFilePermissions(socket));
    }

    @Test
    void start_refusesAFileThatIsNotASocket_andALiveSocket_butReplacesAStaleOne()
        throws Exception {
      Path file = dir.resolve("plain");
      Files.writeString(file, "keep me");
      IOException e = assertThrows(IOException.class,
          () -> ControlServer.start(file, daemon.sync(), InstantSource.system()));
      assertEquals(file + " exists and is not a socket; not replacing it", e.getMessage());
      assertEquals("keep me", Files.readString(file));

      IOException live = assertThrows(IOException.class,
          () -> ControlServer.start(socket, daemon.sync(), InstantSource.system()));
      assertEquals("another process listens on control socket " + socket, live.getMessage());

      Path stale = dir.resolve("stale.sock");
      try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        dead.bind(UnixDomainSocketAddress.of(stale));
      }
      assertTrue(ControlServer.isSocket(stale), "closing a channel leaves its file");
      try (ControlServer s = ControlServer.start(stale, daemon.sync(), InstantSource.system())) {
        assertTrue(raw(s.path(), "status example.net\n".getBytes(US_ASCII)).startsWith("ok\n"));
      }
      assertFalse(Files.exists(stale), "close removes the socket");
    }
  }
}
