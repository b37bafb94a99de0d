// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.wire.MessageReader;
import org.zonesync.core.internal.wire.MessageWriter;
import org.zonesync.core.internal.wire.TcpMessageInput;
import org.zonesync.core.internal.wire.WireFormatException;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.CompactZoneBuilder;
import org.zonesync.core.internal.zone.ZoneContentException;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigKeyring;
import org.zonesync.tsig.TsigRequestVerifier;
import org.zonesync.tsig.TsigStreamSigner;
import org.zonesync.tsig.VerifiedRequest;

/**
 * Answers AXFR requests read from a TCP stream: checks the request, its TSIG and the
 * (deny-by-default) policy, then writes the zone with {@link AxfrWriter}. An IXFR request gets
 * the AXFR-style answer RFC 1995 section 4 allows. Thread-safe: each connection is served by
 * its own call to {@link #serveTcp}.
 */
public final class TransferResponder {

  private static final Logger LOG = Loggers.XFER_OUT;

  private final ConcurrentMap<Name, CompactZone> zones = new ConcurrentHashMap<>();
  private final TsigKeyring keyring;
  private final Set<InetAddress> allowUnsigned;
  private final InstantSource clock;
  private final int maxMessageSize;
  private final AtomicLong served = new AtomicLong();

  /**
   * Creates a responder.
   *
   * @param keyring keys that may sign requests
   * @param allowUnsigned addresses allowed to transfer without TSIG
   * @param clock wall clock for TSIG
   * @param maxMessageSize the largest answer message, 512..65535
   */
  public TransferResponder(TsigKeyring keyring, Set<InetAddress> allowUnsigned,
      InstantSource clock, int maxMessageSize) {
    this.keyring = keyring;
    this.allowUnsigned = Set.copyOf(allowUnsigned);
    this.clock = clock;
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * Publishes a zone version; transfers that start afterwards serve it.
   *
   * @param snapshot the version
   * @throws IllegalArgumentException if a foreign snapshot cannot be converted
   */
  public void publish(ZoneSnapshot snapshot) {
    zones.put(snapshot.origin(), compact(snapshot));
  }

  /** Returns the number of transfers served to completion. */
  public long transfersServed() {
    return served.get();
  }

  static CompactZone compact(ZoneSnapshot snapshot) {
    if (snapshot instanceof CompactZone c) {
      return c;
    }
    CompactZoneBuilder b = new CompactZoneBuilder(snapshot.origin(), 0, 0);
    for (Record r : snapshot) {
      b.add(r);
    }
    try {
      return b.build();
    } catch (ZoneContentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Serves the requests of one TCP connection until the client closes it.
   *
   * @param in the client's bytes
   * @param out where answers go
   * @param client the client's address, for the policy and logs
   * @throws IOException on a network failure or a malformed frame
   */
  public void serveTcp(InputStream in, OutputStream out, InetSocketAddress client)
      throws IOException {
    TcpMessageInput input = new TcpMessageInput(in, 65535);
    byte[] buf = new byte[65535];
    MessageReader reader = new MessageReader();
    while (true) {
      int len;
      try {
        len = input.next(buf);
      } catch (WireFormatException e) {
        LOG.info("client {}: bad frame: {}", client, e.getMessage());
        return;
      } catch (EOFException e) {
        return;
      }
      if (len < 0) {
        return;
      }
      handle(buf, len, reader, out, client);
      out.flush();
    }
  }

  private void handle(byte[] buf, int len, MessageReader reader, OutputStream out,
      InetSocketAddress client) throws IOException {
    byte[] query = Arrays.copyOf(buf, len);
    byte[] qname;
    int qtype;
    try {
      reader.reset(query, 0, len);
      if (reader.qr()) {
        return; // a response sent to us: never answer it
      }
      if (reader.opcode() != Opcode.QUERY) {
        error(out, query, reader, null, Rcode.NOTIMP);
        return;
      }
      if (reader.questionCount() != 1 || !reader.next()) {
        error(out, query, reader, null, Rcode.FORMERR);
        return;
      }
      qname = Arrays.copyOf(reader.owner(), reader.ownerLength());
      qtype = reader.type();
      if (reader.dclass() != DClass.IN) {
        error(out, query, reader, qname, Rcode.REFUSED);
        return;
      }
    } catch (WireFormatException e) {
      LOG.info("client {}: malformed request: {}", client, e.getMessage());
      return;
    }
    if (qtype != Type.AXFR && qtype != Type.IXFR) {
      error(out, query, reader, qname, Rcode.NOTIMP);
      return;
    }
    Name zoneName = new Name(qname);
    CompactZone zone = zones.get(zoneName);
    if (zone == null) {
      LOG.info("client {}: zone {} not served: NOTAUTH", client, zoneName);
      error(out, query, reader, qname, Rcode.NOTAUTH);
      return;
    }
    VerifiedRequest verified = null;
    try {
      int at = Tsig.locate(query, 0, len);
      if (at >= 0) {
        verified = TsigRequestVerifier.verify(keyring, query, 0, len, at, clock);
      }
    } catch (TsigVerificationException e) {
      LOG.warn("client {}: zone {}: TSIG {} on request: {}", client, zoneName,
          e.tsigError(), e.getMessage());
      error(out, query, reader, qname, Rcode.NOTAUTH);
      return;
    }
    if (verified == null && !allowUnsigned.contains(client.getAddress())) {
      LOG.info("client {}: zone {}: unsigned request refused", client, zoneName);
      error(out, query, reader, qname, Rcode.REFUSED);
      return;
    }
    TsigKey key = verified == null ? null : verified.key();
    TsigStreamSigner signer = verified == null ? null
        : new TsigStreamSigner(verified.key(), verified.mac(), clock);
    AxfrWriter writer = new AxfrWriter(maxMessageSize, signer, key);
    long start = System.nanoTime();
    writer.write(zone, reader.id(), qname, (m, n) -> {
      out.write(n >>> 8);
      out.write(n);
      out.write(m, 0, n);
    });
    served.incrementAndGet();
    double secs = (System.nanoTime() - start) / 1e9;
    LOG.atInfo().addKeyValue("zone", zoneName).addKeyValue("remote", client)
        .addKeyValue("records", writer.records())
        .log(String.format(Locale.ROOT,
            "zone %s: %s, outgoing, remote %s%s, finished, %.2f s, %d messages, %d records,"
                + " %d bytes, serial %d",
            zoneName, Type.string(qtype), org.zonesync.api.Primary.format(client), key == null ? "" : ", key " + key.name(),
            secs, writer.messages(), writer.records(), writer.bytes(),
            zone.soa().getSerial()));
  }

  private static void error(OutputStream out, byte[] query, MessageReader reader,
      byte @Nullable [] qname, int rcode) throws IOException {
    MessageWriter w = new MessageWriter(512);
    int flags = 0x8000 | (reader.opcode() << 11) | (rcode & 0xF);
    w.start(reader.id(), flags, 512);
    if (qname != null) {
      w.question(qname, 0, qname.length, reader.type(), reader.dclass());
    }
    int n = w.finish();
    out.write(n >>> 8);
    out.write(n);
    out.write(w.buffer(), 0, n);
  }
}
