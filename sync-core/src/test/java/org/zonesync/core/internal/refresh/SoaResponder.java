// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.refresh;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigKeyring;
import org.zonesync.tsig.TsigRequestVerifier;
import org.zonesync.tsig.TsigStreamSigner;
import org.zonesync.tsig.VerifiedRequest;

/**
 * A scripted primary on 127.0.0.1 that answers SOA queries over UDP and TCP on one port number.
 * Answers are built with dnsjava and signed with {@link TsigStreamSigner} over the bytes.
 */
final class SoaResponder implements AutoCloseable {

  static final Name ZONE = Name.fromConstantString("example.com.");
  static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-24T12:00:00Z"));
  static final TsigKey KEY = TsigKey.of(Name.fromConstantString("refresh-key."),
      TsigAlgorithm.HMAC_SHA256,
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
  static final long SERIAL = 2026112401L;

  /** How the primary behaves. */
  enum Policy {
    CORRECT, SPOOFED_ID_FIRST, WRONG_QUESTION_FIRST, OTHER_PORT_FIRST, SHORT_FIRST, GARBAGE_FIRST,
    UPPERCASE_QUESTION, AA_CLEAR, REFUSED, NON_SOA, TC_THEN_TCP, SILENT_UDP, SILENT_UDP_NO_TCP,
    SILENT, UNSIGNED, BAD_MAC, EXPIRE_600
  }

  /** One query as received. */
  record Query(Message message, byte[] wire, boolean overTcp) {
  }

  private final Policy policy;
  private final @Nullable TsigKey key;
  private final DatagramSocket udp;
  private final @Nullable ServerSocket tcp;
  private final DatagramSocket spoofer;
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Query> queries = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  SoaResponder(Policy policy, @Nullable TsigKey key) throws IOException {
    this.policy = policy;
    this.key = key;
    InetAddress lo = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    this.spoofer = new DatagramSocket(new InetSocketAddress(lo, 0));
    boolean wantTcp = policy != Policy.SILENT_UDP_NO_TCP;
    DatagramSocket u = null;
    ServerSocket t = null;
    for (int attempt = 0; attempt < 50 && (u == null || (wantTcp && t == null)); attempt++) {
      u = new DatagramSocket(new InetSocketAddress(lo, 0));
      if (!wantTcp) {
        break;
      }
      try {
        t = new ServerSocket(u.getLocalPort(), 4, lo);
      } catch (BindException e) {
        u.close();
        u = null;
      }
    }
    if (u == null || (wantTcp && t == null)) {
      throw new IOException("no port free for both udp and tcp on 127.0.0.1");
    }
    this.udp = u;
    this.tcp = t;
    start(this::serveUdp);
    if (t != null) {
      start(this::serveTcp);
    }
  }

  InetSocketAddress address() {
    return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
  }

  /** Returns the next query received, waiting for it. */
  Query nextQuery() throws InterruptedException {
    return queries.take();
  }

  /** Returns the queries received so far, without waiting. */
  List<Query> queries() {
    return List.copyOf(queries);
  }

  private void start(Runnable r) {
    Thread t = new Thread(r, "soa-responder-" + policy);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private void serveUdp() {
    byte[] buf = new byte[65535];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    while (!udp.isClosed()) {
      try {
        p.setLength(buf.length);
        udp.receive(p);
        byte[] q = Arrays.copyOf(buf, p.getLength());
        Message m = new Message(q);
        queries.add(new Query(m, q, false));
        answerUdp(m, q, p.getSocketAddress());
      } catch (IOException | RuntimeException e) {
        if (udp.isClosed()) {
          return;
        }
        throw new IllegalStateException("responder failed: " + e, e);
      }
    }
  }

  private void answerUdp(Message q, byte[] raw, SocketAddress client) throws IOException {
    int id = q.getHeader().getID();
    switch (policy) {
      case SILENT, SILENT_UDP, SILENT_UDP_NO_TCP -> {
        return;
      }
      case SPOOFED_ID_FIRST -> send(udp, build(q, raw, id ^ 0x5a5a, q.getQuestion()), client);
      case WRONG_QUESTION_FIRST -> send(udp, build(q, raw, id,
          Record.newRecord(Name.fromConstantString("example.net."), Type.SOA, DClass.IN)), client);
      case OTHER_PORT_FIRST -> send(spoofer, build(q, raw, id, q.getQuestion()), client);
      case SHORT_FIRST -> send(udp, Arrays.copyOf(build(q, raw, id, q.getQuestion()), 11),
          client);
      case GARBAGE_FIRST -> {
        // right ID and flags, but ANCOUNT 9 with no records behind it
        byte[] g = Arrays.copyOf(build(q, raw, id, q.getQuestion()), 12);
        g[6] = 0;
        g[7] = 9;
        send(udp, g, client);
      }
      case TC_THEN_TCP -> {
        Message tc = new Message(id);
        tc.getHeader().setFlag(Flags.QR);
        tc.getHeader().setFlag(Flags.AA);
        tc.getHeader().setFlag(Flags.TC);
        tc.addRecord(q.getQuestion(), Section.QUESTION);
        send(udp, tc.toWire(), client);
        return;
      }
      default -> {
      }
    }
    Record question = policy == Policy.UPPERCASE_QUESTION
        ? Record.newRecord(Name.fromConstantString("EXAMPLE.COM."), Type.SOA, DClass.IN)
        : q.getQuestion();
    send(udp, build(q, raw, id, question), client);
  }

  private void serveTcp() {
    ServerSocket server = tcp;
    while (server != null && !server.isClosed()) {
      try (Socket s = server.accept()) {
        connections.add(s);
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] q = new byte[in.readUnsignedShort()];
        in.readFully(q);
        Message m = new Message(q);
        queries.add(new Query(m, q, true));
        if (policy == Policy.SILENT) {
          while (in.read() >= 0) {
            // hold the connection open and say nothing, until the client gives up
          }
          continue;
        }
        byte[] a = build(m, q, m.getHeader().getID(), m.getQuestion());
        OutputStream out = s.getOutputStream();
        out.write(new byte[] {(byte) (a.length >>> 8), (byte) a.length});
        out.write(a);
        out.flush();
        while (in.read() >= 0) {
          // wait for the client to close
        }
      } catch (IOException | RuntimeException e) {
        if (server.isClosed()) {
          return;
        }
        // a client that went away mid-exchange: serve the next one
      }
    }
  }

  /** Builds the answer the policy calls for, signed when keyed (except UNSIGNED). */
  private byte[] build(Message q, byte[] raw, int id, Record question)
      throws IOException {
    Message r = new Message(id);
    r.getHeader().setFlag(Flags.QR);
    if (policy != Policy.AA_CLEAR) {
      r.getHeader().setFlag(Flags.AA);
    }
    if (policy == Policy.REFUSED) {
      r.getHeader().setRcode(Rcode.REFUSED);
    }
    r.addRecord(question, Section.QUESTION);
    if (policy == Policy.NON_SOA) {
      r.addRecord(new ARecord(ZONE, DClass.IN, 300,
          InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1})), Section.ANSWER);
    } else if (policy != Policy.REFUSED) {
      r.addRecord(soa(SERIAL), Section.ANSWER);
    }
    OPTRecord qopt = q.getOPT();
    if (qopt != null) {
      List<EDNSOption> options = policy == Policy.EXPIRE_600
          ? List.of(new GenericEDNSOption(SoaResponse.EXPIRE_OPTION, new byte[] {0, 0, 2, 0x58}))
          : List.of();
      r.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
    }
    byte[] wire = r.toWire();
    if (key == null || policy == Policy.UNSIGNED) {
      return wire;
    }
    VerifiedRequest vr;
    try {
      vr = TsigRequestVerifier.verify(TsigKeyring.of(key), raw, 0, raw.length,
          Tsig.locate(raw, 0, raw.length), CLOCK);
    } catch (org.zonesync.api.TsigVerificationException e) {
      throw new IOException("query does not verify: " + e.getMessage(), e);
    }
    byte[] buf = Arrays.copyOf(wire, wire.length + Tsig.maxRecordLength(key));
    int n = new TsigStreamSigner(key, vr.mac(), CLOCK).sign(buf, 0, wire.length);
    if (policy == Policy.BAD_MAC) {
      buf[n - 7] ^= 1; // the last MAC byte: original ID, error and other length follow it
    }
    return Arrays.copyOf(buf, n);
  }

  static SOARecord soa(long serial) {
    return new SOARecord(ZONE, DClass.IN, 3600, Name.fromConstantString("ns1.example.com."),
        Name.fromConstantString("hostmaster.example.com."), serial, 3600, 900, 1209600, 300);
  }

  private static void send(DatagramSocket s, byte[] b, SocketAddress to) throws IOException {
    s.send(new DatagramPacket(b, b.length, to));
  }

  @Override
  public void close() {
    udp.close();
    spoofer.close();
    if (tcp != null) {
      try {
        tcp.close();
      } catch (IOException ignored) {
        // closing to stop the accept loop
      }
    }
    for (Socket s : connections) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing to stop a blocked read
      }
    }
    try {
      for (Thread t : threads) {
        t.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
