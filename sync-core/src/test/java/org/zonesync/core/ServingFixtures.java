// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneSnapshot;

/**
 * Shared pieces of the Serving*Test classes: zones, keys, requests built with dnsjava, a sink
 * that records answers, a TCP client that reads one transfer, and an independent reading of an
 * AXFR/IXFR answer (RFC 5936, RFC 1995) that applies it to a client's records.
 */
final class ServingFixtures {

  static final Name ZONE = Name.fromConstantString("example.com.");
  static final Name OTHER = Name.fromConstantString("example.net.");
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  static final InetSocketAddress ANY = new InetSocketAddress(LOOPBACK, 0);
  /** A client source for requests handed to a responder directly (no socket). */
  static final InetSocketAddress CLIENT = new InetSocketAddress(LOOPBACK, 40000);
  static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(15);

  static final byte[] SECRET_A = secret(3);
  static final byte[] SECRET_B = secret(11);
  static final TsigKey KEY_A = TsigKey.of(Name.fromConstantString("key-a."),
      TsigAlgorithm.HMAC_SHA256, SECRET_A);
  static final TsigKey KEY_B = TsigKey.of(Name.fromConstantString("key-b."),
      TsigAlgorithm.HMAC_SHA256, SECRET_B);
  /** KEY_A as dnsjava holds it. */
  static final TSIG DJ_A = new TSIG(TSIG.HMAC_SHA256, KEY_A.name(), SECRET_A);
  static final TSIG DJ_B = new TSIG(TSIG.HMAC_SHA256, KEY_B.name(), SECRET_B);
  /** KEY_A's name with KEY_B's secret: BADSIG. */
  static final TSIG DJ_A_WRONG = new TSIG(TSIG.HMAC_SHA256, KEY_A.name(), SECRET_B);
  /** A name the server does not know: BADKEY. */
  static final TSIG DJ_UNKNOWN = new TSIG(TSIG.HMAC_SHA256,
      Name.fromConstantString("nobody."), SECRET_A);

  private ServingFixtures() {
  }

  private static byte[] secret(int step) {
    byte[] s = new byte[32];
    for (int i = 0; i < s.length; i++) {
      s[i] = (byte) (step * i + 1);
    }
    return s;
  }

  /** KEY_A as dnsjava holds it, signing with a clock {@code skewSeconds} off. */
  static TSIG dnsjavaKeyA(long skewSeconds, boolean wrongSecret) {
    java.time.Clock c = java.time.Clock.offset(java.time.Clock.systemUTC(),
        java.time.Duration.ofSeconds(skewSeconds));
    return new TSIG(TSIG.HMAC_SHA256, KEY_A.name(),
        new SecretKeySpec(wrongSecret ? SECRET_B : SECRET_A, "HmacSHA256"), c);
  }

  /** A zone with {@code hosts} hosts (see {@link TestZones#records}). */
  static ZoneSnapshot zone(Name origin, long serial, int hosts) {
    return Zones.of(origin, TestZones.records(origin, serial, hosts));
  }

  /** SOA, one NS and an A record per host named {@code prefix-i}. */
  static ZoneSnapshot named(Name origin, long serial, int hosts, String prefix) {
    List<Record> r = new ArrayList<>();
    r.add(new SOARecord(origin, DClass.IN, 3600, TestZones.child("ns1", origin),
        TestZones.child("hostmaster", origin), serial, 3600, 900, 1209600, 300));
    r.add(new NSRecord(origin, DClass.IN, 3600, TestZones.child("ns1", origin)));
    for (int i = 0; i < hosts; i++) {
      r.add(new ARecord(TestZones.child(prefix + "-" + i, origin), DClass.IN, 300,
          TestZones.addr(new byte[] {10, 1, (byte) (i >> 8), (byte) i})));
    }
    return Zones.of(origin, r);
  }

  static SOARecord soa(Name zone, long serial) {
    return new SOARecord(zone, DClass.IN, 0, Name.root, Name.root, serial, 0, 0, 0, 0);
  }

  static Message query(Name zone, int type) {
    return Message.newQuery(Record.newRecord(zone, type, DClass.IN));
  }

  /** An IXFR request with the client's SOA in the authority section (RFC 1995 section 3). */
  static Message ixfr(Name zone, long serial) {
    Message m = query(zone, Type.IXFR);
    m.addRecord(soa(zone, serial), Section.AUTHORITY);
    return m;
  }

  static byte[] wire(Message m, @Nullable TSIG key) {
    if (key != null) {
      m.setTSIG(key);
    }
    return m.toWire(65535);
  }

  static byte[] wire(Message m) {
    return wire(m, null);
  }

  static Message parse(byte[] b) {
    try {
      return new Message(b);
    } catch (IOException e) {
      throw new AssertionError("answer does not parse with dnsjava: " + e.getMessage(), e);
    }
  }

  static int rcode(byte[] answer) {
    return parse(answer).getRcode();
  }

  /** Polls {@code cond} until true or 15 s passed (a hang becomes a failure, never a pass). */
  static void await(BooleanSupplier cond, String what) {
    long end = System.nanoTime() + WAIT_NANOS;
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        fail("timed out waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  /** A sink that keeps a copy of every message. */
  static final class Recorder implements TransferResponder.MessageSink,
      org.zonesync.core.internal.xfr.AxfrWriter.Sink {
    final List<byte[]> messages = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void write(byte[] message, int length) {
      messages.add(Arrays.copyOf(message, length));
    }

    @Override
    public void message(byte[] buf, int len) {
      write(buf, len);
    }

    byte[] only() {
      assertEquals(1, messages.size(), "one answer");
      return messages.get(0);
    }

    List<Record> records() {
      return answers(messages);
    }
  }

  /** Every answer-section record of the messages, in order; each message must be NOERROR. */
  static List<Record> answers(List<byte[]> messages) {
    List<Record> out = new ArrayList<>();
    for (byte[] b : messages) {
      Message m = parse(b);
      assertEquals(Rcode.NOERROR, m.getRcode(), () -> "rcode of " + m);
      out.addAll(m.getSection(Section.ANSWER));
    }
    return out;
  }

  /** How a transfer answer reads. */
  enum Kind { SINGLE_SOA, AXFR_STYLE, INCREMENTAL }

  /**
   * One transfer answer read independently of zonesync's readers.
   *
   * @param kind its shape
   * @param serial the serial of the first SOA
   * @param records every record in order
   */
  record Xfr(Kind kind, long serial, List<Record> records) {

    static Xfr of(List<Record> r) {
      assertTrue(!r.isEmpty(), "empty answer");
      SOARecord first = assertInstanceOf(SOARecord.class, r.get(0), "first record");
      if (r.size() == 1) {
        return new Xfr(Kind.SINGLE_SOA, first.getSerial(), r);
      }
      boolean incremental = r.get(1) instanceof SOARecord s && s.getSerial() != first.getSerial();
      SOARecord last = assertInstanceOf(SOARecord.class, r.get(r.size() - 1), "last record");
      assertEquals(first.getSerial(), last.getSerial(), "first and last SOA");
      return new Xfr(incremental ? Kind.INCREMENTAL : Kind.AXFR_STYLE, first.getSerial(), r);
    }

    /** Applies this answer to the client's records (SOA included) and returns the result. */
    Set<Record> applyTo(Set<Record> client) {
      switch (kind) {
        case SINGLE_SOA:
          return client;
        case AXFR_STYLE: {
          Set<Record> z = new HashSet<>(records.subList(0, records.size() - 1));
          for (Record x : records.subList(1, records.size() - 1)) {
            assertTrue(!(x instanceof SOARecord), "SOA inside an AXFR: " + x);
          }
          assertEquals(records.size() - 1, z.size(), "no duplicates in an AXFR");
          return z;
        }
        default: {
          Set<Record> z = new HashSet<>(client);
          SOARecord current = (SOARecord) records.get(0);
          int i = 1;
          while (i < records.size() - 1) {
            SOARecord from = (SOARecord) records.get(i);
            assertTrue(z.contains(from), () -> "delta from " + from.getSerial() + " but client has "
                + soaOf(z).getSerial());
            z.remove(from);
            i++;
            while (!(records.get(i) instanceof SOARecord)) {
              assertTrue(z.remove(records.get(i)), "deleting a missing " + records.get(i));
              i++;
            }
            SOARecord to = (SOARecord) records.get(i);
            assertTrue(to.getSerial() != from.getSerial(), "delta goes nowhere");
            z.add(to);
            i++;
            while (i < records.size() - 1 && !(records.get(i) instanceof SOARecord)) {
              assertTrue(z.add(records.get(i)), "adding a present " + records.get(i));
              i++;
            }
          }
          assertEquals(current, soaOf(z), "the chain ends at the answer's serial");
          return z;
        }
      }
    }
  }

  static SOARecord soaOf(Set<Record> z) {
    for (Record r : z) {
      if (r instanceof SOARecord s) {
        return s;
      }
    }
    throw new AssertionError("no SOA");
  }

  static Set<Record> set(ZoneSnapshot z) {
    Set<Record> s = new HashSet<>();
    for (Record r : z) {
      s.add(r);
    }
    assertEquals(z.recordCount(), s.size());
    return s;
  }

  /** Whether the records read so far form a whole transfer answer. */
  static boolean complete(List<Record> r, boolean ixfr) {
    if (r.isEmpty()) {
      return false;
    }
    long s = ((SOARecord) r.get(0)).getSerial();
    if (r.size() == 1) {
      return ixfr; // the single SOA comes alone in its message
    }
    if (!(r.get(1) instanceof SOARecord second) || second.getSerial() == s) {
      return r.size() > 1 && r.get(r.size() - 1) instanceof SOARecord l && l.getSerial() == s
          && (r.size() > 2 || r.get(1) instanceof SOARecord);
    }
    int i = 1; // incremental: SOA(from) deletions SOA(to) additions, ..., then SOA(s)
    while (i < r.size()) {
      if (((SOARecord) r.get(i)).getSerial() == s) {
        return i == r.size() - 1;
      }
      i++;
      while (i < r.size() && !(r.get(i) instanceof SOARecord)) {
        i++;
      }
      if (i >= r.size()) {
        return false;
      }
      i++;
      while (i < r.size() && !(r.get(i) instanceof SOARecord)) {
        i++;
      }
    }
    return false;
  }

  /** One TCP connection to a server, from the loopback address. */
  static final class Conn implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;

    Conn(InetSocketAddress server) throws IOException {
      this(server, 0);
    }

    /** With {@code receiveBuffer} > 0, a small receive window (set before connecting). */
    Conn(InetSocketAddress server, int receiveBuffer) throws IOException {
      socket = new Socket();
      if (receiveBuffer > 0) {
        socket.setReceiveBufferSize(receiveBuffer);
      }
      socket.connect(server, 10_000);
      socket.setSoTimeout(15_000);
      in = new DataInputStream(socket.getInputStream());
      out = new DataOutputStream(socket.getOutputStream());
    }

    void send(byte[] request) throws IOException {
      out.writeShort(request.length);
      out.write(request);
      out.flush();
    }

    byte[] read() throws IOException {
      byte[] a = new byte[in.readUnsignedShort()];
      in.readFully(a);
      return a;
    }

    /** Reads messages until the transfer answer is whole (or the first is an error). */
    List<byte[]> readTransfer(boolean ixfr) throws IOException {
      List<byte[]> msgs = new ArrayList<>();
      List<Record> recs = new ArrayList<>();
      do {
        byte[] m = read();
        msgs.add(m);
        Message p = parse(m);
        if (p.getRcode() != Rcode.NOERROR) {
          return msgs;
        }
        recs.addAll(p.getSection(Section.ANSWER));
      } while (!complete(recs, ixfr));
      return msgs;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
