// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.core.FakePrimary;
import org.zonesync.core.FakePrimary.FaultPolicy;
import org.zonesync.core.TestZones;
import org.zonesync.core.Zones;

/**
 * {@code zonesync mirror} without {@code --once}, run through {@link Main} on a thread of its
 * own until the test interrupts it (as the shutdown hook closes it on SIGTERM): start-up line,
 * event lines, NOTIFY, the control socket, clean stop; and the exit statuses of configuration,
 * usage and start-up errors.
 */
final class MirrorCommandTest {

  static final Name COM = MainTest.ZONE;
  static final Name NET = Name.fromConstantString("example.net.");
  static final String TSIG = "hmac-sha256:cli-key:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  /** A loopback port free for both UDP and TCP when probed. */
  static int freePort() throws IOException {
    for (int i = 0; i < 10; i++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(
          InetAddress.getLoopbackAddress(), port))) {
        return u.getLocalPort();
      } catch (IOException e) {
        // UDP side taken: another
      }
    }
    throw new IOException("no free loopback port for UDP and TCP");
  }

  /** Sends an unsigned NOTIFY for {@code zone} from 127.0.0.1; returns the answer's rcode. */
  static int notify(int port, Name zone) throws IOException {
    Message m = new Message();
    m.getHeader().setOpcode(Opcode.NOTIFY);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(Record.newRecord(zone, Type.SOA, DClass.IN), Section.QUESTION);
    byte[] q = m.toWire();
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(
        InetAddress.getLoopbackAddress(), 0))) {
      s.setSoTimeout((int) WAIT.toMillis());
      s.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), port));
      DatagramPacket p = new DatagramPacket(new byte[512], 512);
      s.receive(p);
      Message a = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
      assertEquals(m.getHeader().getID(), a.getHeader().getID());
      return a.getRcode();
    }
  }

  @Test
  void mirror_followsNotify_answersControl_andStopsCleanly() throws Exception {
    Path socket = dir.resolve("m.sock");
    Path store = dir.resolve("store");
    int port = freePort();
    try (FakePrimary p = FakePrimary.start(MainTest.zone(), MainTest.KEY, FaultPolicy.NONE);
        InProcessMirror m = new InProcessMirror("mirror", "--zone", "example.com", "--primary",
            MainTest.primary(p), "--tsig", TSIG, "--dir", store.toString(), "--listen",
            "127.0.0.1:" + port, "--control", socket.toString())) {
      assertEquals("zonesync mirror: 1 zone, storage " + store + ", notify 127.0.0.1:" + port
          + ", control " + socket, m.out().await(l -> l.startsWith("zonesync mirror: "), WAIT));
      assertTrue(m.out().await(l -> l.contains(" zone example.com.: AXFR from "), WAIT)
          .contains("serial 77"));

      p.publish(Zones.of(COM, TestZones.records(COM, 78, 305)));
      assertEquals(Rcode.NOERROR, notify(port, COM));
      assertTrue(m.out().await(l -> l.contains(" zone example.com.: IXFR from "), WAIT)
          .contains("serial 78"));

      MainTest.Run s = MainTest.run("status", "--control", socket.toString());
      assertEquals(0, s.code(), s.err());
      Map<String, String> f = ControlServerTest.blocks(s.out()).get("example.com.");
      assertEquals("78", f.get("serial"));
      assertEquals("1 accepted, 0 refused", f.get("notifies"));

      assertEquals(0, m.stop());
      assertEquals("zonesync mirror: stopped", m.out().lines().get(m.out().lines().size() - 1));
      assertFalse(Files.exists(socket), "control socket removed");
      // nothing but the lines of Jazzer's agent, once a fuzz test of this JVM installed it
      assertEquals(List.of(), m.err().lines().stream()
          .filter(l -> !l.startsWith("INFO: Instrumented ")).toList());
    }
  }

  @Test
  void mirror_config_mirrorsEveryZone_fromItsOwnPrimary() throws Exception {
    Path socket = dir.resolve("c.sock");
    try (FakePrimary com = FakePrimary.start(MainTest.zone(), null, FaultPolicy.NONE);
        FakePrimary net = FakePrimary.start(Zones.of(NET, TestZones.records(NET, 5, 20)), null,
            FaultPolicy.NONE)) {
      Path config = Files.writeString(dir.resolve("mirror.yaml"), "control: c.sock\n"
          + "remotes:\n"
          + "  - { id: com, address: 127.0.0.1@" + com.address().getPort() + " }\n"
          + "  - { id: net, address: 127.0.0.1@" + net.address().getPort() + " }\n"
          + "zones:\n"
          + "  - { domain: example.com., primaries: com }\n"
          + "  - { domain: example.net., primaries: [net] }\n");
      try (InProcessMirror m = new InProcessMirror("mirror", "--config", config.toString())) {
        assertEquals("zonesync mirror: 2 zones, storage none (memory only), notify not listened"
            + " for, control " + socket, m.out().await(l -> l.startsWith("zonesync mirror: "),
                WAIT));
        m.out().await(l -> l.contains(" zone example.com.: AXFR from ") && l.contains("serial 77"),
            WAIT);
        m.out().await(l -> l.contains(" zone example.net.: AXFR from ") && l.contains("serial 5"),
            WAIT);
        MainTest.Run s = MainTest.run("status", "--control", socket.toString());
        assertEquals(List.of("example.com.", "example.net."),
            List.copyOf(ControlServerTest.blocks(s.out()).keySet()));
        assertEquals(0, m.stop());
      }
    }
  }

  @Test
  void configError_exits2_withFileLineAndKey() throws Exception {
    Path config = Files.writeString(dir.resolve("bad.yaml"),
        "remotes: [ { id: p, address: 127.0.0.1@99999 } ]\nzones: [ { domain: a., primaries: p"
            + " } ]\n");
    MainTest.Run r = MainTest.run("mirror", "--config", config.toString());
    assertEquals(2, r.code());
    assertEquals("zonesync mirror: " + config + ":1: remotes[0].address: port must be"
        + " 1..65535, got '99999'\n", r.err());
  }

  @Test
  void usageErrors_exit2_withOneLine() throws Exception {
    Path config = Files.writeString(dir.resolve("ok.yaml"),
        "remotes: [ { id: p, address: 127.0.0.1 } ]\nzones: [ { domain: a., primaries: p } ]\n");
    String[][] cases = {
        {"mirror"},
        {"mirror", "--zone", "a."},
        {"mirror", "--config", config.toString(), "--zone", "a."},
        {"mirror", "--config", config.toString(), "--once"},
        {"mirror", "--zone", "a.", "--primary", "127.0.0.1", "--listen", "localhost:53"},
        {"mirror", "--zone", "a.", "--zone", "b.", "--primary", "127.0.0.1", "--output", "x"},
        {"mirror", "--zone", "a.", "--zone", "A", "--primary", "127.0.0.1"},
        {"mirror", "--zone", "a.", "--primary", "127.0.0.1", "--once", "--control", "s"},
    };
    for (String[] c : cases) {
      MainTest.Run r = MainTest.run(c);
      assertEquals(2, r.code(), String.join(" ", c));
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().startsWith("zonesync mirror: "), r.err());
    }
  }

  @Test
  void startFailure_exits1_andLeavesTheFileInTheWay() throws Exception {
    Path notASocket = Files.writeString(dir.resolve("ctl"), "x");
    MainTest.Run r = MainTest.run("mirror", "--zone", "a.", "--primary", "127.0.0.1",
        "--control", notASocket.toString());
    assertEquals(1, r.code());
    assertEquals("zonesync mirror: " + notASocket + " exists and is not a socket; not replacing"
        + " it\n", r.err());
    assertEquals("x", Files.readString(notASocket));
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(
        InetAddress.getLoopbackAddress(), 0))) {
      MainTest.Run l = MainTest.run("mirror", "--zone", "a.", "--primary", "127.0.0.1",
          "--listen", "127.0.0.1:" + taken.getLocalPort());
      assertEquals(1, l.code());
      assertTrue(l.err().startsWith("zonesync mirror: cannot listen for notify on "), l.err());
    }
  }
}
