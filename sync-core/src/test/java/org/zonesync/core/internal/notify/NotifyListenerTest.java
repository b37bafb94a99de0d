// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.notify.NotifyFixtures.ZONE;
import static org.zonesync.core.internal.notify.NotifyFixtures.notifyMsg;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.zonesync.api.SerialNumber;
import org.zonesync.core.internal.notify.Outcome.Reason;

/**
 * {@link NotifyListener} over loopback UDP and TCP. Socket timeouts only guard against a hang;
 * nothing asserts on time.
 */
final class NotifyListenerTest {
  private static final InetSocketAddress ANY_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  private static final int GUARD_MILLIS = 10_000;

  private final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();
  private final NotifyHandler handler =
      new NotifyHandler(NotifyFixtures.POLICY, NotifyFixtures.CLOCK, l -> { });
  private NotifyListener listener;

  private NotifyListener open(Duration idle, int maxConnections) throws IOException {
    listener = new NotifyListener(ANY_PORT, handler,
        (src, o) -> o.accepted().ifPresent(accepted::add), idle, maxConnections);
    return listener;
  }

  @AfterEach
  void closeListener() {
    if (listener != null) {
      listener.close();
    }
  }

  @Test
  void udp_answersNotify_andTellsTheCallback() throws Exception {
    NotifyListener l = open(Duration.ofSeconds(10), 4);
    try (DatagramSocket client = client()) {
      byte[] answer = exchangeUdp(client, l, notifyMsg(321, ZONE, 99).toWire());
      Message m = new Message(answer);
      assertEquals(321, m.getHeader().getID());
      assertTrue(m.getHeader().getFlag(Flags.QR));
      assertEquals(Rcode.NOERROR, m.getRcode());
      Accepted a = accepted.poll(GUARD_MILLIS, TimeUnit.MILLISECONDS);
      assertNotNull(a);
      assertEquals(ZONE, a.zone());
      assertEquals(Optional.of(SerialNumber.of(99)), a.serial());
      assertEquals(client.getLocalPort(), a.source().getPort());
    }
  }

  @Test
  void udpAndTcp_shareOnePort() throws Exception {
    NotifyListener l = open(Duration.ofSeconds(10), 4);
    int port = l.localAddress().getPort();
    assertTrue(port > 0);
    try (Socket s = connect(l); DatagramSocket client = client()) {
      assertEquals(port, s.getPort());
      assertEquals(Rcode.NOERROR,
          new Message(exchangeTcp(s, notifyMsg(1, ZONE).toWire())).getRcode());
      assertEquals(Rcode.NOERROR, new Message(exchangeUdp(client, l, notifyMsg(2, ZONE).toWire()))
          .getRcode());
    }
  }

  @Test
  void tcp_answersSeveralMessagesOnOneConnection_andDropsResponses() throws Exception {
    NotifyListener l = open(Duration.ofSeconds(10), 4);
    Message qr = notifyMsg(5, ZONE);
    qr.getHeader().setFlag(Flags.QR);
    try (Socket s = connect(l)) {
      byte[] first = exchangeTcp(s, notifyMsg(3, ZONE, 10).toWire());
      write(s, qr.toWire()); // dropped: no answer, so the next answer is for id 4
      byte[] second = exchangeTcp(s, notifyMsg(4, NotifyFixtures.OTHER_ZONE).toWire());
      assertEquals(3, new Message(first).getHeader().getID());
      Message m = new Message(second);
      assertEquals(4, m.getHeader().getID());
      assertEquals(Rcode.NOTAUTH, m.getRcode());
    }
    l.close();
    assertEquals(1, l.count(Reason.ACCEPTED));
    assertEquals(1, l.count(Reason.DROPPED_RESPONSE));
    assertEquals(1, l.count(Reason.UNKNOWN_ZONE));
    assertEquals(1, l.dropped());
    assertEquals(1, accepted.size());
  }

  @Test
  void thousandNotifies_areAllAnsweredAndCounted_andTheCallbackMatchesTheCount() throws Exception {
    NotifyListener l = open(Duration.ofSeconds(10), 4);
    AtomicInteger callbacks = new AtomicInteger();
    int n = 1000;
    int answered = 0;
    int refused = 0;
    try (DatagramSocket client = client()) {
      for (int i = 0; i < n; i++) {
        boolean known = i % 10 != 0; // every tenth is for an unknown zone
        byte[] q = notifyMsg(i, known ? ZONE : NotifyFixtures.OTHER_ZONE, i).toWire();
        Message m = new Message(exchangeUdp(client, l, q));
        assertEquals(i, m.getHeader().getID());
        answered++;
        if (m.getRcode() != Rcode.NOERROR) {
          refused++;
        }
      }
    }
    l.close(); // joins the threads: their counts are final and visible
    accepted.forEach(a -> callbacks.incrementAndGet());
    assertEquals(n, answered);
    assertEquals(n / 10, refused);
    assertEquals(n - n / 10, l.count(Reason.ACCEPTED));
    assertEquals(l.count(Reason.ACCEPTED), callbacks.get());
    assertEquals(n, l.received());
    assertEquals(0, l.dropped());
  }

  @Test
  void connectionsBeyondTheLimit_areClosedAndCounted() throws Exception {
    NotifyListener l = open(Duration.ofSeconds(10), 1);
    try (Socket first = connect(l)) {
      // An answer on the first connection proves it holds the only slot.
      exchangeTcp(first, notifyMsg(1, ZONE).toWire());
      try (Socket second = connect(l)) {
        assertEquals(-1, second.getInputStream().read(), "closed at once");
      }
      assertEquals(1, l.connectionsRefused());
      exchangeTcp(first, notifyMsg(2, ZONE).toWire());
    }
  }

  @Test
  void idleConnection_isClosedByTheServer() throws Exception {
    NotifyListener l = open(Duration.ofMillis(50), 2);
    try (Socket s = connect(l)) {
      assertEquals(-1, s.getInputStream().read(), "the server hung up on an idle peer");
    }
  }

  @Test
  void badLengthPrefix_endsTheConnection() throws Exception {
    NotifyListener l = open(Duration.ofSeconds(10), 2);
    try (Socket s = connect(l)) {
      s.getOutputStream().write(new byte[] {0, 3, 1, 2, 3});
      assertEquals(-1, s.getInputStream().read());
    }
  }

  @Test
  void close_leavesNoThreadAlive_evenWithAnOpenConnection() throws Exception {
    NotifyListener l = open(Duration.ofSeconds(30), 4);
    String prefix = l.threadPrefix();
    try (Socket s = connect(l); DatagramSocket client = client()) {
      exchangeTcp(s, notifyMsg(1, ZONE).toWire()); // the connection's thread is running
      exchangeUdp(client, l, notifyMsg(2, ZONE).toWire());
      assertTrue(threadsNamed(prefix).size() >= 3, () -> "threads " + threadsNamed(prefix));
      l.close();
      assertEquals(List.of(), threadsNamed(prefix));
      assertEquals(-1, s.getInputStream().read(), "the open connection was closed");
    }
    l.close(); // idempotent
  }

  @Test
  void portTakenForTcp_failsTheBind_whenThePortWasGiven() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(),
          taken.getLocalPort());
      assertThrows(BindException.class, () -> new NotifyListener(at, handler, (src, o) -> { }).close());
    }
  }

  @Test
  void aThrowingCallback_doesNotStopTheListener() throws Exception {
    listener = new NotifyListener(ANY_PORT, handler, (src, o) -> {
      throw new IllegalStateException("callback broke");
    });
    try (DatagramSocket client = client()) {
      byte[] first = exchangeUdp(client, listener, notifyMsg(1, ZONE).toWire());
      byte[] second = exchangeUdp(client, listener, notifyMsg(2, ZONE).toWire());
      assertEquals(1, new Message(first).getHeader().getID());
      assertEquals(2, new Message(second).getHeader().getID());
    }
  }

  private static List<String> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(Thread::getName).filter(n -> n.startsWith(prefix)).sorted().toList();
  }

  private static DatagramSocket client() throws IOException {
    DatagramSocket s = new DatagramSocket(ANY_PORT);
    s.setSoTimeout(GUARD_MILLIS);
    return s;
  }

  private static byte[] exchangeUdp(DatagramSocket client, NotifyListener l, byte[] q)
      throws IOException {
    client.send(new DatagramPacket(q, q.length, l.localAddress()));
    byte[] buf = new byte[65535];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    client.receive(p);
    return Arrays.copyOf(buf, p.getLength());
  }

  private static Socket connect(NotifyListener l) throws IOException {
    Socket s = new Socket();
    s.connect(l.localAddress(), GUARD_MILLIS);
    s.setSoTimeout(GUARD_MILLIS);
    return s;
  }

  private static void write(Socket s, byte[] msg) throws IOException {
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    out.writeShort(msg.length);
    out.write(msg);
    out.flush();
  }

  private static byte[] exchangeTcp(Socket s, byte[] msg) throws IOException {
    write(s, msg);
    DataInputStream in = new DataInputStream(s.getInputStream());
    byte[] answer = new byte[in.readUnsignedShort()];
    in.readFully(answer);
    return answer;
  }

  @Test
  void exchangeHelpers_roundTripTheSameBytes() throws Exception {
    byte[] q = notifyMsg(9, ZONE).toWire();
    NotifyListener l = open(Duration.ofSeconds(10), 2);
    try (Socket s = connect(l); DatagramSocket c = client()) {
      assertArrayEquals(exchangeTcp(s, q), exchangeUdp(c, l, q), "same answer on both transports");
    }
  }
}
