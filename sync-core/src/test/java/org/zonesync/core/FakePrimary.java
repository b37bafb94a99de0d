// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.internal.wire.MessageReader;
import org.zonesync.core.internal.wire.MessageWriter;
import org.zonesync.core.internal.wire.TcpMessageInput;
import org.zonesync.core.internal.xfr.AxfrWriter;
import org.zonesync.core.internal.xfr.IxfrWriter;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigKeyring;
import org.zonesync.tsig.TsigRequestVerifier;
import org.zonesync.tsig.TsigStreamSigner;
import org.zonesync.tsig.VerifiedRequest;

/**
 * A scriptable AXFR and IXFR primary on 127.0.0.1, port 0, that answers every query from the
 * versions it was given, spoiled as its {@link FaultPolicy} says (STYLE.md section 8; TESTPLAN
 * harness 1). AXFR serves the newest version. IXFR (RFC 1995) reads the client's serial from
 * the SOA in the query's authority section: the newest serial or a newer one gets the single
 * SOA; an older version in the history gets the deltas to the newest (one per version step, or
 * one condensed delta, computed with {@link CompactZone#diff}); an unknown serial gets the
 * AXFR-style answer. Each connection is served on its own daemon thread; {@link #close()} ends
 * them all.
 */
public final class FakePrimary implements AutoCloseable {

  /** How the answer is spoiled. The message faults apply to AXFR and IXFR answers alike. */
  public enum FaultPolicy {
    /** A correct answer. */
    NONE,
    /** The framed stream is cut after {@link #cutAt} bytes and the connection closed. */
    DISCONNECT_MID_STREAM,
    /** Sends {@link #stallAfter} messages, then nothing, keeping the connection open. */
    STALL,
    /** Sends one byte every {@link #dripMillis} ms. */
    DRIP,
    /** Message 2 carries another ID. */
    WRONG_ID,
    /** The MAC of message 2 is damaged. */
    BAD_MAC,
    /** Every message but the last is sent, then the connection is closed. */
    MISSING_FINAL_SOA,
    /** Answers REFUSED. */
    REFUSED,
    /** Answers correctly but never signs. */
    UNSIGNED,
    /** Answers IXFR with NOTIMP (unsigned, as an error answer may be); serves AXFR. */
    IXFR_NOTIMP,
    /** Answers IXFR with the question and no answer records, signed when the query was. */
    IXFR_EMPTY,
    /**
     * Leaves out the first delta the client needs, so the chain does not start at its serial
     * (the client must be at least two versions behind).
     */
    SERIAL_GAP,
    /** Answers every IXFR with the whole newest version (RFC 1995 section 4 allows it). */
    IXFR_AXFR_STYLE,
    /** The first delta also deletes a record that no version has: not exact (TESTPLAN B12). */
    NOT_EXACT,
    /** Transfer queries with an OPT record get FORMERR, as from a server without EDNS (B7). */
    EDNS_FORMERR
  }

  /** The record {@link FaultPolicy#NOT_EXACT} deletes; it is in no test zone. */
  public static final String NOT_EXACT_OWNER = "not-there";

  private final ServerSocket server;
  private volatile List<CompactZone> versions;
  private volatile List<WireDelta> steps;
  private final @Nullable TsigKey key;
  private final FaultPolicy policy;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger axfrQueries = new AtomicInteger();
  private final AtomicInteger ixfrQueries = new AtomicInteger();
  private final AtomicInteger soaQueries = new AtomicInteger();
  private final DatagramSocket udp;
  private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile int cutAt;
  private volatile int stallAfter = 1;
  private volatile long dripMillis = 50;
  private volatile int messageSize = 65535;
  private volatile boolean condensed;

  private FakePrimary(List<? extends ZoneSnapshot> versions, @Nullable TsigKey key,
      FaultPolicy policy) throws IOException {
    if (versions.isEmpty()) {
      throw new IllegalArgumentException("no zone version");
    }
    List<CompactZone> v = new ArrayList<>();
    for (ZoneSnapshot z : versions) {
      v.add((CompactZone) z);
    }
    this.versions = List.copyOf(v);
    List<WireDelta> d = new ArrayList<>();
    for (int i = 1; i < v.size(); i++) {
      d.add(CompactZone.diff(v.get(i - 1), v.get(i)));
    }
    this.steps = List.copyOf(d);
    this.key = key;
    this.policy = policy;
    ServerSocket srv = null;
    DatagramSocket dgram = null;
    for (int attempt = 0; dgram == null; attempt++) {
      srv = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      try {
        dgram = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
            srv.getLocalPort()));
      } catch (java.net.BindException e) {
        srv.close();
        if (attempt == 5) {
          throw e;
        }
      }
    }
    this.server = srv;
    this.udp = dgram;
    Thread t = new Thread(this::acceptLoop, "fake-primary");
    t.setDaemon(true);
    t.start();
    Thread u = new Thread(this::udpLoop, "fake-primary-udp");
    u.setDaemon(true);
    u.start();
  }

  /**
   * Makes {@code next} the newest version; the previous newest stays in the history for IXFR.
   *
   * @param next a version built by {@link Zones#of}, with a newer serial
   */
  public synchronized void publish(ZoneSnapshot next) {
    List<CompactZone> v = new ArrayList<>(versions);
    List<WireDelta> d = new ArrayList<>(steps);
    d.add(CompactZone.diff(v.get(v.size() - 1), (CompactZone) next));
    v.add((CompactZone) next);
    steps = List.copyOf(d);
    versions = List.copyOf(v);
  }

  /** Returns the SOA of the newest version. */
  public org.xbill.DNS.SOARecord soa() {
    return newest().soa();
  }

  /** Returns how many SOA queries were answered, over UDP and TCP. */
  public int soaQueries() {
    return soaQueries.get();
  }

  private void udpLoop() {
    byte[] buf = new byte[65535];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    while (!udp.isClosed()) {
      try {
        p.setLength(buf.length);
        udp.receive(p);
        byte[] answer = soaAnswer(Arrays.copyOf(buf, p.getLength()));
        if (answer != null) {
          udp.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
        }
      } catch (Exception e) {
        if (udp.isClosed()) {
          return;
        }
      }
    }
  }

  /** Answers an SOA query (signed when it was), or null if it is not one. */
  private byte @Nullable [] soaAnswer(byte[] query) throws Exception {
    Message q = new Message(query);
    if (q.getQuestion() == null || q.getQuestion().getType() != Type.SOA) {
      return null;
    }
    soaQueries.incrementAndGet();
    VerifiedRequest verified = null;
    int at = Tsig.locate(query, 0, query.length);
    if (at >= 0 && key != null) {
      verified = TsigRequestVerifier.verify(TsigKeyring.of(key), query, 0, query.length, at,
          InstantSource.system());
    }
    Message a = new Message(q.getHeader().getID());
    a.getHeader().setFlag(Flags.QR);
    a.getHeader().setFlag(Flags.AA);
    a.addRecord(q.getQuestion(), Section.QUESTION);
    if (policy == FaultPolicy.REFUSED) {
      a.getHeader().setRcode(Rcode.REFUSED);
    } else {
      a.addRecord(newest().soa(), Section.ANSWER);
    }
    byte[] wire = a.toWire();
    TsigStreamSigner signer = policy == FaultPolicy.UNSIGNED ? null : signer(verified);
    if (signer == null) {
      return wire;
    }
    byte[] out = Arrays.copyOf(wire, wire.length + 512);
    return Arrays.copyOf(out, signer.sign(out, 0, wire.length));
  }

  /**
   * Starts a primary for a zone.
   *
   * @param zone the zone, as built by {@link Zones#of}
   * @param key the key requests must be signed with and answers are signed with, or null
   * @param policy the fault
   * @return the running primary
   * @throws IOException if it cannot bind
   */
  public static FakePrimary start(ZoneSnapshot zone, @Nullable TsigKey key, FaultPolicy policy)
      throws IOException {
    return new FakePrimary(List.of(zone), key, policy);
  }

  /**
   * Starts a primary with a history for IXFR.
   *
   * @param versions the versions, oldest first, each as built by {@link Zones#of}; serials
   *     increasing (RFC 1982); the last is the current one
   * @param key the key requests must be signed with and answers are signed with, or null
   * @param policy the fault
   * @return the running primary
   * @throws IOException if it cannot bind
   */
  public static FakePrimary withHistory(List<? extends ZoneSnapshot> versions,
      @Nullable TsigKey key, FaultPolicy policy) throws IOException {
    return new FakePrimary(versions, key, policy);
  }

  /** Sets where {@link FaultPolicy#DISCONNECT_MID_STREAM} cuts, in bytes of the framed stream. */
  public FakePrimary cutAt(int bytes) {
    this.cutAt = bytes;
    return this;
  }

  /** Sets after how many messages {@link FaultPolicy#STALL} stops sending. */
  public FakePrimary stallAfter(int messages) {
    this.stallAfter = messages;
    return this;
  }

  /** Sets the pause between bytes for {@link FaultPolicy#DRIP}. */
  public FakePrimary dripMillis(long millis) {
    this.dripMillis = millis;
    return this;
  }

  /** Sets the largest answer message. */
  public FakePrimary messageSize(int bytes) {
    this.messageSize = bytes;
    return this;
  }

  /** Makes IXFR answers carry one condensed delta instead of one per version step. */
  public FakePrimary condensed(boolean on) {
    this.condensed = on;
    return this;
  }

  /** Returns the address to transfer from. */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  /** Returns how many connections were accepted. */
  public int connections() {
    return connections.get();
  }

  /** Returns how many AXFR queries were received. */
  public int axfrQueries() {
    return axfrQueries.get();
  }

  /** Returns how many IXFR queries were received. */
  public int ixfrQueries() {
    return ixfrQueries.get();
  }

  /** Returns how many accepted connections are still open on this side. */
  public long openConnections() {
    return sockets.stream().filter(s -> !s.isClosed()).count();
  }

  /**
   * Returns the framed answer this primary sends to an unsigned AXFR query with {@code id} (for
   * tests that replay it without a socket).
   */
  public byte[] framedAnswer(int id) throws IOException {
    return frame(spoil(axfr(id, newest().origin().toWire(), Type.AXFR, null)));
  }

  private CompactZone newest() {
    return versions.get(versions.size() - 1);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "fake-primary-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] buf = new byte[65535];
      int len = new TcpMessageInput(in, 65535).next(buf);
      if (len < 0) {
        return;
      }
      byte[] query = Arrays.copyOf(buf, len);
      byte[] soa = soaAnswer(query);
      while (soa != null) { // SOA queries first, then the transfer on the same connection
        out.write(soa.length >>> 8);
        out.write(soa.length);
        out.write(soa);
        out.flush();
        len = new TcpMessageInput(in, 65535).next(buf);
        if (len < 0) {
          return;
        }
        query = Arrays.copyOf(buf, len);
        soa = soaAnswer(query);
      }
      MessageReader r = new MessageReader();
      r.reset(query, 0, len);
      r.next();
      byte[] qname = Arrays.copyOf(r.owner(), r.ownerLength());
      int qtype = r.type();
      (qtype == Type.IXFR ? ixfrQueries : axfrQueries).incrementAndGet();
      long clientSerial = -1;
      boolean edns = false;
      while (r.next()) {
        edns |= r.type() == Type.OPT;
        if (r.section() == MessageReader.SECTION_AUTHORITY && r.type() == Type.SOA) {
          int p = r.rdataLength() - 20;
          byte[] rd = r.rdata();
          clientSerial = ((rd[p] & 0xFFL) << 24) | ((rd[p + 1] & 0xFF) << 16)
              | ((rd[p + 2] & 0xFF) << 8) | (rd[p + 3] & 0xFF);
        }
      }
      VerifiedRequest verified = null;
      int at = Tsig.locate(query, 0, len);
      if (at >= 0 && key != null) {
        verified = TsigRequestVerifier.verify(TsigKeyring.of(key), query, 0, len, at,
            InstantSource.system());
      }
      if (policy == FaultPolicy.REFUSED
          || (policy == FaultPolicy.IXFR_NOTIMP && qtype == Type.IXFR)) {
        error(out, query, len, at, policy == FaultPolicy.REFUSED ? Rcode.REFUSED : Rcode.NOTIMP);
        return;
      }
      if (policy == FaultPolicy.EDNS_FORMERR && edns) {
        error(out, query, len, at, Rcode.FORMERR);
        return;
      }
      if (qtype == Type.IXFR && clientSerial < 0) {
        error(out, query, len, at, Rcode.FORMERR); // RFC 1995 section 3: the SOA is required
        return;
      }
      VerifiedRequest signing = policy == FaultPolicy.UNSIGNED ? null : verified;
      List<byte[]> messages = qtype == Type.IXFR ? ixfr(r.id(), qname, clientSerial, signing)
          : axfr(r.id(), qname, Type.AXFR, signing);
      send(out, frame(spoil(messages)));
      if (policy == FaultPolicy.STALL) {
        // stalled until the client gives up (EOF) or this primary closes: then the socket closes,
        // so openConnections() shows whether the client let go
        while (in.read() >= 0) {
          // a client has nothing more to send: discard
        }
      }
    } catch (Exception e) {
      // the client went away or the test ended: nothing to report from a fake
    }
  }

  /** The request, turned into an unsigned error answer (its TSIG record is not echoed). */
  private static void error(OutputStream out, byte[] query, int len, int tsigAt, int rcode)
      throws IOException {
    byte[] answer = Arrays.copyOf(query, len);
    answer[2] |= (byte) 0x80;
    answer[3] = (byte) ((answer[3] & 0xF0) | rcode);
    if (tsigAt >= 0) {
      answer[11]--;
    }
    int n = tsigAt >= 0 ? tsigAt : len;
    out.write(n >>> 8);
    out.write(n);
    out.write(answer, 0, n);
    out.flush();
  }

  private @Nullable TsigStreamSigner signer(@Nullable VerifiedRequest verified) {
    return verified == null ? null
        : new TsigStreamSigner(verified.key(), verified.mac(), InstantSource.system());
  }

  private List<byte[]> axfr(int id, byte[] qname, int qtype, @Nullable VerifiedRequest verified)
      throws IOException {
    AxfrWriter writer = new AxfrWriter(messageSize, signer(verified),
        verified == null ? null : verified.key());
    List<byte[]> messages = new ArrayList<>();
    writer.write(newest(), id, qname, qtype, (m, n) -> messages.add(Arrays.copyOf(m, n)));
    return messages;
  }

  private List<byte[]> ixfr(int id, byte[] qname, long clientSerial,
      @Nullable VerifiedRequest verified) throws IOException {
    if (policy == FaultPolicy.IXFR_AXFR_STYLE) {
      return axfr(id, qname, Type.IXFR, verified);
    }
    List<byte[]> messages = new ArrayList<>();
    TsigStreamSigner signer = signer(verified);
    if (policy == FaultPolicy.IXFR_EMPTY) {
      MessageWriter w = new MessageWriter(65535);
      w.start(id, MessageWriter.FLAG_QR | MessageWriter.FLAG_AA, 65535 - 1024);
      w.question(qname, 0, qname.length, Type.IXFR, DClass.IN);
      int n = w.finish();
      if (signer != null) {
        n = signer.sign(w.buffer(), 0, n);
      }
      messages.add(Arrays.copyOf(w.buffer(), n));
      return messages;
    }
    IxfrWriter writer = new IxfrWriter(messageSize, signer,
        verified == null ? null : verified.key());
    CompactZone newest = newest();
    SerialNumber client = SerialNumber.of(clientSerial);
    if (!newest.serial().isNewerThan(client)) {
      writer.writeUpToDate(newest, id, qname, (m, n) -> messages.add(Arrays.copyOf(m, n)));
      return messages;
    }
    int from = -1;
    for (int i = 0; i < versions.size() - 1; i++) {
      if (versions.get(i).soa().getSerial() == clientSerial) {
        from = i;
      }
    }
    if (from < 0) {
      return axfr(id, qname, Type.IXFR, verified); // not in our history: AXFR-style
    }
    List<WireDelta> deltas = new ArrayList<>(condensed
        ? List.of(CompactZone.diff(versions.get(from), newest))
        : steps.subList(from, steps.size()));
    if (policy == FaultPolicy.SERIAL_GAP && deltas.size() > 1) {
      deltas.remove(0);
    }
    if (policy == FaultPolicy.NOT_EXACT) {
      deltas.set(0, withBogusDelete(newest.origin(), deltas.get(0)));
    }
    writer.writeWire(deltas, id, qname, (m, n) -> messages.add(Arrays.copyOf(m, n)));
    return messages;
  }

  private static WireDelta withBogusDelete(Name origin, WireDelta d) {
    ZoneDelta z = d.toZoneDelta();
    List<Record> deleted = new ArrayList<>(z.deleted());
    try {
      deleted.add(new ARecord(Name.concatenate(Name.fromString(NOT_EXACT_OWNER), origin),
          DClass.IN, 300, InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1})));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return WireDelta.of(origin, new ZoneDelta(z.fromSoa(), z.toSoa(), deleted, z.added()));
  }

  private List<byte[]> spoil(List<byte[]> messages) {
    if (policy == FaultPolicy.WRONG_ID && messages.size() > 1) {
      messages.get(1)[0] ^= 0x01;
    }
    if (policy == FaultPolicy.BAD_MAC && messages.size() > 1) {
      byte[] m = messages.get(1);
      m[m.length - 7] ^= 0x01;
    }
    if (policy == FaultPolicy.MISSING_FINAL_SOA) {
      messages.remove(messages.size() - 1);
    }
    return messages;
  }

  private static byte[] frame(List<byte[]> messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] m : messages) {
      out.write(m.length >>> 8);
      out.write(m.length);
      out.writeBytes(m);
    }
    return out.toByteArray();
  }

  private void send(OutputStream out, byte[] framed) throws IOException, InterruptedException {
    switch (policy) {
      case DISCONNECT_MID_STREAM -> out.write(framed, 0, Math.min(cutAt, framed.length));
      case STALL -> {
        int at = 0;
        for (int i = 0; i < stallAfter && at < framed.length; i++) {
          at += 2 + (((framed[at] & 0xFF) << 8) | (framed[at + 1] & 0xFF));
        }
        out.write(framed, 0, at);
      }
      case DRIP -> {
        for (byte b : framed) {
          out.write(b);
          out.flush();
          if (closed.await(dripMillis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            return;
          }
        }
      }
      default -> out.write(framed);
    }
    out.flush();
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
    udp.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
