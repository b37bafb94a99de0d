// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.internal.wire.MessageReader;
import org.zonesync.core.internal.wire.TcpMessageInput;
import org.zonesync.core.internal.xfr.AxfrWriter;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigKeyring;
import org.zonesync.tsig.TsigRequestVerifier;
import org.zonesync.tsig.TsigStreamSigner;
import org.zonesync.tsig.VerifiedRequest;

/**
 * A scriptable AXFR primary on 127.0.0.1, port 0, that answers every query with the zone it was
 * given, spoiled as its {@link FaultPolicy} says (STYLE.md section 8; TESTPLAN harness 1).
 * Each connection is served on its own daemon thread; {@link #close()} ends them all.
 */
public final class FakePrimary implements AutoCloseable {

  /** How the answer is spoiled. */
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
    UNSIGNED
  }

  private final ServerSocket server;
  private final CompactZone zone;
  private final @Nullable TsigKey key;
  private final FaultPolicy policy;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile int cutAt;
  private volatile int stallAfter = 1;
  private volatile long dripMillis = 50;
  private volatile int messageSize = 65535;

  private FakePrimary(ZoneSnapshot zone, @Nullable TsigKey key, FaultPolicy policy)
      throws IOException {
    this.zone = (CompactZone) zone;
    this.key = key;
    this.policy = policy;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "fake-primary");
    t.setDaemon(true);
    t.start();
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
    return new FakePrimary(zone, key, policy);
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

  /** Returns the address to transfer from. */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  /** Returns how many connections were accepted. */
  public int connections() {
    return connections.get();
  }

  /** Returns how many accepted connections are still open on this side. */
  public long openConnections() {
    return sockets.stream().filter(s -> !s.isClosed()).count();
  }

  /**
   * Returns the framed answer this primary sends to an unsigned query with {@code id} (for
   * tests that replay it without a socket).
   */
  public byte[] framedAnswer(int id) throws IOException {
    return encode(id, zone.origin().toWire(), null);
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
      MessageReader r = new MessageReader();
      r.reset(query, 0, len);
      r.next();
      byte[] qname = Arrays.copyOf(r.owner(), r.ownerLength());
      VerifiedRequest verified = null;
      int at = Tsig.locate(query, 0, len);
      if (at >= 0 && key != null) {
        verified = TsigRequestVerifier.verify(TsigKeyring.of(key), query, 0, len, at,
            InstantSource.system());
      }
      if (policy == FaultPolicy.REFUSED) {
        byte[] refused = Arrays.copyOf(query, len);
        refused[2] |= (byte) 0x80;
        refused[3] = (byte) ((refused[3] & 0xF0) | 5);
        if (at >= 0) {
          refused[11]--; // the request's TSIG record is not echoed
        }
        frame(out, refused, at >= 0 ? at : len);
        return;
      }
      byte[] framed = encode(r.id(), qname,
          policy == FaultPolicy.UNSIGNED ? null : verified);
      send(out, framed);
      if (policy == FaultPolicy.STALL) {
        closed.await();
      }
    } catch (Exception e) {
      // the client went away or the test ended: nothing to report from a fake
    }
  }

  private byte[] encode(int id, byte[] qname, @Nullable VerifiedRequest verified)
      throws IOException {
    TsigStreamSigner signer = verified == null ? null
        : new TsigStreamSigner(verified.key(), verified.mac(), InstantSource.system());
    AxfrWriter writer = new AxfrWriter(messageSize, signer,
        verified == null ? null : verified.key());
    List<byte[]> messages = new ArrayList<>();
    writer.write(zone, id, qname, (m, n) -> messages.add(Arrays.copyOf(m, n)));
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
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] m : messages) {
      out.write(m.length >>> 8);
      out.write(m.length);
      out.write(m);
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

  private static void frame(OutputStream out, byte[] m, int len) throws IOException {
    out.write(len >>> 8);
    out.write(len);
    out.write(m, 0, len);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
