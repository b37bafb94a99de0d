// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.Dig.DNSJAVA_KEY;
import static org.zonesync.core.Dig.KEY;
import static org.zonesync.core.Dig.ZONE;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.zonesync.api.TransferConnectionException;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.TransferTimeoutException;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.api.ZoneSnapshot;

/**
 * NOTIFY out: a datagram socket on 127.0.0.1 plays the secondary, reads each NOTIFY with dnsjava
 * and answers it (or not). Timeouts are shortened through the package-private builder option;
 * the test never sleeps, it only waits for datagrams and futures with a bound.
 */
final class TransferServerNotifyTest {

  static final ZoneSnapshot V1 = Dig.zone(2026112410L);

  private DatagramSocket secondary;

  @BeforeEach
  void open() throws IOException {
    secondary = new DatagramSocket(new InetSocketAddress(Dig.loopback(), 0));
    secondary.setSoTimeout(Dig.WAIT_MILLIS);
  }

  @AfterEach
  void close() {
    secondary.close();
  }

  private InetSocketAddress target() {
    return (InetSocketAddress) secondary.getLocalSocketAddress();
  }

  /** Receives one NOTIFY; returns its bytes and, in {@code from[0]}, its source. */
  private byte[] receive(SocketAddress[] from) throws IOException {
    byte[] buf = new byte[65535];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    secondary.receive(p);
    from[0] = p.getSocketAddress();
    return java.util.Arrays.copyOf(buf, p.getLength());
  }

  /** Builds the secondary's answer with dnsjava: the ID, QR, AA, NOTIFY, question, rcode. */
  static byte[] answer(byte[] notify, int rcode, TSIG key) throws IOException {
    Message n = new Message(notify);
    Message r = new Message(n.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.AA);
    r.getHeader().setOpcode(Opcode.NOTIFY);
    r.getHeader().setRcode(rcode);
    r.addRecord(n.getQuestion(), Section.QUESTION);
    if (key != null) {
      r.setTSIG(key, Rcode.NOERROR, n.getTSIG());
    }
    return r.toWire(512);
  }

  private void send(byte[] datagram, SocketAddress to) throws IOException {
    secondary.send(new DatagramPacket(datagram, datagram.length, to));
  }

  static Throwable failure(CompletableFuture<Duration> f) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> f.get(Dig.WAIT_MILLIS, TimeUnit.MILLISECONDS));
    return e.getCause();
  }

  @Test
  void signedNotify_isWhatBindSends_andDnsjavaVerifiesIt_thenTheAnswerCompletesIt()
      throws Exception {
    try (TransferServer server = TransferServer.builder().zone(V1).notifyKey(KEY).start()) {
      CompletableFuture<Duration> f = server.notify(target(), ZONE);
      SocketAddress[] from = new SocketAddress[1];
      byte[] wire = receive(from);
      Message n = new Message(wire);
      assertEquals(Opcode.NOTIFY, n.getHeader().getOpcode());
      assertTrue(n.getHeader().getFlag(Flags.AA));
      assertFalse(n.getHeader().getFlag(Flags.QR));
      assertEquals(Record.newRecord(ZONE, Type.SOA, org.xbill.DNS.DClass.IN), n.getQuestion());
      List<Record> answer = n.getSection(Section.ANSWER);
      assertEquals(List.of(V1.soa()), answer, "the current SOA, RFC 1996 section 3.7");
      assertEquals(V1.soa().getTTL(), answer.get(0).getTTL());
      assertNotNull(n.getTSIG());
      assertEquals(Rcode.NOERROR, DNSJAVA_KEY.verify(n, wire, null));
      assertEquals(Dig.loopback(), ((InetSocketAddress) from[0]).getAddress());

      send(answer(wire, Rcode.NOERROR, DNSJAVA_KEY), from[0]);
      Duration rtt = f.get(Dig.WAIT_MILLIS, TimeUnit.MILLISECONDS);
      assertFalse(rtt.isNegative());
    }
  }

  @Test
  void withoutNotifyKey_theNotifyIsUnsigned_andAnUnsignedAnswerCompletesIt() throws Exception {
    try (TransferServer server = TransferServer.builder().zone(V1).start()) {
      CompletableFuture<Duration> f = server.notify(target(), ZONE);
      SocketAddress[] from = new SocketAddress[1];
      byte[] wire = receive(from);
      assertNull(new Message(wire).getTSIG());
      send(answer(wire, Rcode.NOERROR, null), from[0]);
      assertFalse(f.get(Dig.WAIT_MILLIS, TimeUnit.MILLISECONDS).isNegative());
    }
  }

  @Test
  void silence_getsFiveIdenticalTransmissions_thenATimeout() throws Exception {
    try (TransferServer server = TransferServer.builder().zone(V1).notifyKey(KEY)
        .notifyTimeout(Duration.ofMillis(5)).start()) {
      CompletableFuture<Duration> f = server.notify(target(), ZONE);
      SocketAddress[] from = new SocketAddress[1];
      byte[] first = receive(from);
      for (int i = 2; i <= 5; i++) {
        assertArrayEquals(first, receive(from), "transmission " + i + " repeats the first");
      }
      TransferTimeoutException t = assertInstanceOf(TransferTimeoutException.class, failure(f));
      assertEquals(Duration.ofMillis(5 * 31), t.limit(), "5 + 10 + 20 + 40 + 80 ms");
      assertEquals(java.util.Optional.of(ZONE), t.zone());
      // every transmission left before the failure: a marker sent now arrives right after them
      try (DatagramSocket marker = new DatagramSocket(new InetSocketAddress(Dig.loopback(), 0))) {
        byte[] m = {'e', 'n', 'd'};
        marker.send(new DatagramPacket(m, m.length, target()));
      }
      assertArrayEquals(new byte[] {'e', 'n', 'd'}, receive(from), "no sixth transmission");
    }
  }

  @Test
  void answerToTheSecondTransmission_completesIt() throws Exception {
    try (TransferServer server = TransferServer.builder().zone(V1).notifyKey(KEY)
        .notifyTimeout(Duration.ofMillis(20)).start()) {
      CompletableFuture<Duration> f = server.notify(target(), ZONE);
      SocketAddress[] from = new SocketAddress[1];
      byte[] first = receive(from); // lost
      byte[] second = receive(from);
      assertArrayEquals(first, second);
      send(answer(second, Rcode.NOERROR, DNSJAVA_KEY), from[0]);
      assertFalse(f.get(Dig.WAIT_MILLIS, TimeUnit.MILLISECONDS).isNegative());
    }
  }

  @Test
  void unsignedErrorAnswer_failsWithTheRcode() throws Exception {
    try (TransferServer server = TransferServer.builder().zone(V1).start()) {
      CompletableFuture<Duration> f = server.notify(target(), ZONE);
      SocketAddress[] from = new SocketAddress[1];
      byte[] wire = receive(from);
      send(answer(wire, Rcode.NOTAUTH, null), from[0]);
      TransferRefusedException e = assertInstanceOf(TransferRefusedException.class, failure(f));
      assertEquals(Rcode.NOTAUTH, e.rcode());
    }
  }

  @Test
  void answerSignedWithAnotherSecret_failsTsigVerification() throws Exception {
    try (TransferServer server = TransferServer.builder().zone(V1).notifyKey(KEY).start()) {
      CompletableFuture<Duration> f = server.notify(target(), ZONE);
      SocketAddress[] from = new SocketAddress[1];
      byte[] wire = receive(from);
      send(answer(wire, Rcode.NOERROR, Dig.WRONG_SECRET), from[0]);
      TsigVerificationException e = assertInstanceOf(TsigVerificationException.class,
          failure(f));
      assertEquals(TsigError.BADSIG, e.tsigError());
    }
  }

  /**
   * Datagrams that do not answer the NOTIFY are ignored: each is followed by a signed REFUSED,
   * which the future must fail with; had the forgery been taken, it would have completed.
   */
  @Test
  void forgedAnswers_areIgnored() throws Exception {
    try (TransferServer server = TransferServer.builder().zone(V1).notifyKey(KEY).start();
        DatagramSocket elsewhere = new DatagramSocket(new InetSocketAddress(Dig.loopback(), 0))) {
      CompletableFuture<Duration> f = server.notify(target(), ZONE);
      SocketAddress[] from = new SocketAddress[1];
      byte[] wire = receive(from);
      byte[] good = answer(wire, Rcode.NOERROR, DNSJAVA_KEY);

      byte[] wrongId = good.clone();
      wrongId[1] ^= 1;
      byte[] unsigned = answer(wire, Rcode.NOERROR, null);
      byte[] qrClear = good.clone();
      qrClear[2] &= 0x7F;
      Message other = new Message(new Message(wire).getHeader().getID());
      other.getHeader().setFlag(Flags.QR);
      other.getHeader().setOpcode(Opcode.NOTIFY);
      other.addRecord(Record.newRecord(Name.fromConstantString("example.org."), Type.SOA,
          org.xbill.DNS.DClass.IN), Section.QUESTION);
      for (byte[] forged : List.of(wrongId, unsigned, qrClear, other.toWire(), new byte[5])) {
        send(forged, from[0]);
      }
      elsewhere.send(new DatagramPacket(good, good.length, from[0])); // right bytes, wrong source

      send(answer(wire, Rcode.REFUSED, DNSJAVA_KEY), from[0]);
      TransferRefusedException e = assertInstanceOf(TransferRefusedException.class, failure(f));
      assertEquals(Rcode.REFUSED, e.rcode());
    }
  }

  @Test
  void close_failsAWaitingNotify() throws Exception {
    CompletableFuture<Duration> f;
    try (TransferServer server = TransferServer.builder().zone(V1).start()) {
      f = server.notify(target(), ZONE);
      receive(new SocketAddress[1]); // it is in flight
    }
    assertInstanceOf(TransferConnectionException.class, failure(f));
  }

  @Test
  void zoneNotHeld_isRejected_andAClosedServerSendsNothing() throws Exception {
    TransferServer server = TransferServer.builder().zone(V1).start();
    assertThrows(IllegalArgumentException.class,
        () -> server.notify(target(), Name.fromConstantString("example.org.")));
    server.close();
    assertThrows(IllegalStateException.class, () -> server.notify(target(), ZONE));
  }

  @Test
  void theSoaInTheNotify_isTheLastPublished() throws Exception {
    try (TransferServer server = TransferServer.builder().zone(V1).start()) {
      ZoneSnapshot v2 = Dig.zone(2026112411L);
      List<CompletableFuture<Duration>> sent = server.publishAndNotify(v2, List.of(target()));
      assertEquals(1, sent.size());
      SocketAddress[] from = new SocketAddress[1];
      byte[] wire = receive(from);
      SOARecord soa = (SOARecord) new Message(wire).getSection(Section.ANSWER).get(0);
      assertEquals(v2.soa().getSerial(), soa.getSerial());
      send(answer(wire, Rcode.NOERROR, null), from[0]);
      assertFalse(sent.get(0).get(Dig.WAIT_MILLIS, TimeUnit.MILLISECONDS).isNegative());
    }
  }
}
