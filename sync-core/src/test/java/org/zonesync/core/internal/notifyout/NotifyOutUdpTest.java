// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notifyout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.notifyout.ScriptedSend.ZONE;
import static org.zonesync.core.internal.notifyout.ScriptedSend.soa;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.core.internal.notifyout.NotifyOut.Counters;

/**
 * {@link NotifyOut} over real {@link NotifySender}s: datagram sockets on 127.0.0.1 play the
 * secondaries, read each NOTIFY with dnsjava (verifying its TSIG independently) and answer it.
 * Every wait is bounded by a socket timeout or a future's {@code get} limit; nothing sleeps.
 */
final class NotifyOutUdpTest {
  private static final int WAIT_MILLIS = 10_000;
  private static final Name KEY_NAME = Name.fromConstantString("notify-key.");
  private static final byte[] SECRET = new byte[32];

  static {
    for (int i = 0; i < SECRET.length; i++) {
      SECRET[i] = (byte) (11 * i + 5);
    }
  }

  private static final TsigKey KEY = TsigKey.of(KEY_NAME, TsigAlgorithm.HMAC_SHA256, SECRET);
  private static final TSIG DNSJAVA_KEY = new TSIG(TSIG.HMAC_SHA256, KEY_NAME, SECRET);

  private final DatagramSocket[] secondaries = new DatagramSocket[3];

  @BeforeEach
  void open() throws IOException {
    for (int i = 0; i < secondaries.length; i++) {
      secondaries[i] = new DatagramSocket(new InetSocketAddress(loopback(), 0));
      secondaries[i].setSoTimeout(WAIT_MILLIS);
    }
  }

  @AfterEach
  void close() {
    for (DatagramSocket s : secondaries) {
      s.close();
    }
  }

  private static InetAddress loopback() {
    return InetAddress.getLoopbackAddress();
  }

  private InetSocketAddress address(int i) {
    return (InetSocketAddress) secondaries[i].getLocalSocketAddress();
  }

  /** Receives NOTIFYs at secondary {@code i} until one carries {@code serial}; returns it. */
  private DatagramPacket receive(int i, long serial, TSIG key) throws IOException {
    while (true) {
      byte[] buf = new byte[65535];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      secondaries[i].receive(p);
      byte[] wire = Arrays.copyOf(buf, p.getLength());
      Message n = new Message(wire);
      assertEquals(Opcode.NOTIFY, n.getHeader().getOpcode());
      assertTrue(n.getHeader().getFlag(Flags.AA));
      assertEquals(ZONE, n.getQuestion().getName());
      if (key == null) {
        assertNull(n.getTSIG(), "target without a key gets an unsigned notify");
      } else {
        assertNotNull(n.getTSIG(), "target with a key gets a signed notify");
        assertEquals(Rcode.NOERROR, key.verify(n, wire, null));
      }
      long got = ((SOARecord) n.getSection(Section.ANSWER).get(0)).getSerial();
      if (got == serial) {
        p.setData(wire);
        return p;
      }
      // a retransmission of the previous notify when this machine is slow; wait on
    }
  }

  /** Answers the NOTIFY as a secondary does, with dnsjava: NOERROR, signed when keyed. */
  private void answer(int i, DatagramPacket notify, TSIG key) throws IOException {
    Message n = new Message(notify.getData());
    Message r = new Message(n.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.AA);
    r.getHeader().setOpcode(Opcode.NOTIFY);
    r.addRecord(n.getQuestion(), Section.QUESTION);
    if (key != null) {
      r.setTSIG(key, Rcode.NOERROR, n.getTSIG());
    }
    byte[] wire = r.toWire(512);
    secondaries[i].send(new DatagramPacket(wire, wire.length, notify.getSocketAddress()));
  }

  @Test
  void targetsWithTheirOwnKeys_getSignedNotifies_followUpsCoalesce_andAnswersAreCounted()
      throws Exception {
    List<NotifyTarget> targets = List.of(NotifyTarget.signed(address(0), KEY),
        NotifyTarget.unsigned(address(1)), NotifyTarget.signed(address(2), KEY));
    TSIG[] keys = {DNSJAVA_KEY, null, DNSJAVA_KEY};
    List<CompletableFuture<Duration>> futures = new CopyOnWriteArrayList<>();
    NotifySenderPool pool = new NotifySenderPool(loopback(), Clock.systemUTC(),
        System::nanoTime, Duration.ofSeconds(5));
    try {
      NotifyOut out = new NotifyOut(ZONE, targets, (t, s) -> {
        CompletableFuture<Duration> f = pool.send(t, s);
        futures.add(f);
        return f;
      });
      out.published(soa(2026112401));
      out.published(soa(2026112402)); // in flight everywhere: one follow-up each
      out.published(soa(2026112403));
      for (int i = 0; i < 3; i++) {
        answer(i, receive(i, 2026112401, keys[i]), keys[i]);
      }
      for (int i = 0; i < 3; i++) {
        answer(i, receive(i, 2026112403, keys[i]), keys[i]);
      }
      assertEquals(2, pool.openSenders(), "one sender for the key, one unsigned");
      assertEquals(6, futures.size());
      for (CompletableFuture<Duration> f : futures) {
        assertFalse(f.get(WAIT_MILLIS, TimeUnit.MILLISECONDS).isNegative());
      }
      out.close();
      pool.close(); // joins the sender threads, which ran the completions
      for (NotifyTarget t : targets) {
        assertEquals(new Counters(2, 2, 0), out.countersByTarget().get(t), t.toString());
      }
      assertEquals(0, pool.openSenders());
    } finally {
      pool.close();
    }
  }

  @Test
  void overUdp_close_failsTheNotifyInFlight_andCountsIt() throws Exception {
    NotifyTarget target = NotifyTarget.unsigned(address(0));
    NotifyOut out = NotifyOut.overUdp(ZONE, List.of(target), loopback(), Clock.systemUTC(),
        System::nanoTime, Duration.ofSeconds(5));
    out.published(soa(2026112404));
    receive(0, 2026112404, null); // sent, never answered
    assertEquals(new Counters(1, 0, 0), out.counters());
    out.close();
    assertEquals(new Counters(1, 0, 1), out.counters(), "the closed sender failed it");
    out.published(soa(2026112405));
    assertEquals(new Counters(1, 0, 1), out.counters(), "nothing is sent after close");
  }
}
