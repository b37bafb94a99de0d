// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
import org.zonesync.api.SerialNumber;
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
import org.zonesync.core.internal.zone.WireDelta;
import org.zonesync.core.internal.zone.ZoneContentException;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigKeyring;
import org.zonesync.tsig.TsigRequestVerifier;
import org.zonesync.tsig.TsigStreamSigner;
import org.zonesync.tsig.VerifiedRequest;

/**
 * Answers AXFR and IXFR requests read from a TCP stream: checks the request, its TSIG and the
 * (deny-by-default) policy, then writes the zone with {@link AxfrWriter}, or the deltas since
 * the client's serial with {@link IxfrWriter} when they are in the history kept by
 * {@link #publish} (the difference between consecutive versions); otherwise the AXFR-style
 * answer RFC 1995 section 4 allows. SOA queries, on a TCP connection ({@link #serveTcp}) or in a
 * datagram ({@link #answerDatagram}), get the apex SOA under the same policy, as
 * {@code QueryResponder} describes. Thread-safe: each connection is served by its own call to
 * {@link #serveTcp}, and any number of threads may call {@link #answerDatagram}.
 */
public final class TransferResponder {

  private static final Logger LOG = Loggers.XFER_OUT;

  /** How many deltas per zone are kept to answer IXFR. */
  static final int HISTORY = 20;

  /** A zone's current version and the deltas that led to it, oldest first. */
  private record Served(CompactZone zone, List<WireDelta> history) {
  }

  private final ConcurrentMap<Name, Served> zones = new ConcurrentHashMap<>();
  private final TsigKeyring keyring;
  private final Set<InetAddress> allowUnsigned;
  private final InstantSource clock;
  private final int maxMessageSize;
  private final AtomicLong transfers = new AtomicLong();
  private final QueryResponder queries;

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
    this.queries = new QueryResponder(name -> {
      Served s = zones.get(name);
      return s == null ? null : s.zone();
    }, keyring, this.allowUnsigned, clock);
  }

  /**
   * Publishes a zone version; transfers that start afterwards serve it.
   *
   * @param snapshot the version
   * @throws IllegalArgumentException if a foreign snapshot cannot be converted
   */
  public void publish(ZoneSnapshot snapshot) {
    CompactZone fresh = compact(snapshot);
    zones.compute(fresh.origin(), (name, old) -> {
      if (old == null || !fresh.serial().isNewerThan(old.zone().serial())) {
        return new Served(fresh, List.of());
      }
      // ixfr-from-differences: the exact delta lets secondaries follow by IXFR
      List<WireDelta> history = new ArrayList<>(old.history());
      history.add(CompactZone.diff(old.zone(), fresh));
      while (history.size() > HISTORY) {
        history.remove(0);
      }
      return new Served(fresh, List.copyOf(history));
    });
  }

  /**
   * Returns the current version of a zone.
   *
   * @param origin the apex
   * @return the zone last published under that name, if any
   */
  public Optional<CompactZone> zone(Name origin) {
    Served s = zones.get(origin);
    return s == null ? Optional.empty() : Optional.of(s.zone());
  }

  /**
   * Answers one query that arrived in a UDP datagram: SOA (and IXFR with the single current SOA,
   * RFC 1995 section 2) as {@code QueryResponder} describes. At most one answer per datagram;
   * responses, short and unparsable datagrams get none. Never throws.
   *
   * @param msg the buffer holding the datagram from index 0; not kept
   * @param len the datagram length
   * @param client where it came from
   * @return the answer to send back to {@code client}, or empty
   */
  public Optional<byte[]> answerDatagram(byte[] msg, int len, InetSocketAddress client) {
    try {
      return Optional.ofNullable(queries.answer(msg, len, client, true));
    } catch (RuntimeException e) {
      LOG.warn("client {}: query failed unexpectedly", client, e);
      return Optional.empty();
    }
  }

  /** Returns the number of transfers served to completion. */
  public long transfersServed() {
    return transfers.get();
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
    int qclass;
    long clientSerial = -1;
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
      qclass = reader.dclass();
      if (qtype == Type.SOA) {
        answerQuery(query, len, out, client);
        return;
      }
      if (qclass != DClass.IN) {
        error(out, query, reader, qname, qtype, qclass, Rcode.REFUSED);
        return;
      }
      while (reader.next()) {
        if (reader.section() == MessageReader.SECTION_AUTHORITY && reader.type() == Type.SOA
            && reader.rdataLength() >= 20 && clientSerial < 0) {
          byte[] rd = reader.rdata();
          int at = reader.rdataLength() - 20; // serial is the first of the five counters
          clientSerial = ((rd[at] & 0xFFL) << 24) | ((rd[at + 1] & 0xFF) << 16)
              | ((rd[at + 2] & 0xFF) << 8) | (rd[at + 3] & 0xFF);
        }
      }
    } catch (WireFormatException e) {
      LOG.info("client {}: malformed request: {}", client, e.getMessage());
      return;
    }
    if (qtype != Type.AXFR && qtype != Type.IXFR) {
      error(out, query, reader, qname, qtype, qclass, Rcode.NOTIMP);
      return;
    }
    Name zoneName = new Name(qname);
    Served served = zones.get(zoneName);
    if (served == null) {
      LOG.info("client {}: zone {} not served: NOTAUTH", client, zoneName);
      error(out, query, reader, qname, qtype, qclass, Rcode.NOTAUTH);
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
      error(out, query, reader, qname, qtype, qclass, Rcode.NOTAUTH);
      return;
    }
    if (verified == null && !allowUnsigned.contains(client.getAddress())) {
      LOG.info("client {}: zone {}: unsigned request refused", client, zoneName);
      error(out, query, reader, qname, qtype, qclass, Rcode.REFUSED);
      return;
    }
    TsigKey key = verified == null ? null : verified.key();
    TsigStreamSigner signer = verified == null ? null
        : new TsigStreamSigner(verified.key(), verified.mac(), clock);
    CompactZone zone = served.zone();
    AxfrWriter.Sink sink = (m, n) -> {
      out.write(n >>> 8);
      out.write(n);
      out.write(m, 0, n);
    };
    long start = System.nanoTime();
    long messages;
    long records;
    long bytes;
    String how = "";
    List<WireDelta> deltas = qtype == Type.IXFR && clientSerial >= 0
        ? deltasSince(served, SerialNumber.of(clientSerial)) : null;
    if (deltas != null) {
      IxfrWriter w = new IxfrWriter(maxMessageSize, signer, key);
      if (deltas.isEmpty()) {
        w.writeUpToDate(zone, reader.id(), qname, sink);
        how = ", up to date";
      } else {
        w.writeWire(deltas, reader.id(), qname, sink);
        how = ", " + deltas.size() + " deltas from serial " + clientSerial;
      }
      messages = w.messages();
      records = w.records();
      bytes = w.bytes();
    } else {
      AxfrWriter w = new AxfrWriter(maxMessageSize, signer, key);
      w.write(zone, reader.id(), qname, qtype, sink);
      messages = w.messages();
      records = w.records();
      bytes = w.bytes();
      how = qtype == Type.IXFR ? ", AXFR-style" : "";
    }
    transfers.incrementAndGet();
    double secs = (System.nanoTime() - start) / 1e9;
    LOG.atInfo().addKeyValue("zone", zoneName).addKeyValue("remote", client)
        .addKeyValue("records", records)
        .log(String.format(Locale.ROOT,
            "zone %s: %s, outgoing, remote %s%s, finished%s, %.2f s, %d messages, %d records,"
                + " %d bytes, serial %d",
            zoneName, Type.string(qtype), org.zonesync.api.Primary.format(client),
            key == null ? "" : ", key " + key.name(), how, secs, messages, records, bytes,
            zone.soa().getSerial()));
  }

  /**
   * The deltas from {@code from} to the current version: empty when the client is current
   * (or ahead), null when {@code from} is not in the history (then the answer is AXFR-style,
   * RFC 1995 section 4).
   */
  private static @Nullable List<WireDelta> deltasSince(Served served, SerialNumber from) {
    if (!served.zone().serial().isNewerThan(from)) {
      return List.of();
    }
    List<WireDelta> h = served.history();
    for (int i = 0; i < h.size(); i++) {
      if (h.get(i).from().equals(from)) {
        return h.subList(i, h.size());
      }
    }
    return null;
  }

  /** Answers an SOA query on a TCP connection; a query it drops gets no answer. */
  private void answerQuery(byte[] query, int len, OutputStream out, InetSocketAddress client)
      throws IOException {
    byte[] answer = queries.answer(query, len, client, false);
    if (answer != null) {
      out.write(answer.length >>> 8);
      out.write(answer.length);
      out.write(answer);
    }
  }

  private static void error(OutputStream out, byte[] query, MessageReader reader,
      byte @Nullable [] qname, int rcode) throws IOException {
    error(out, query, reader, qname, reader.type(), reader.dclass(), rcode);
  }

  private static void error(OutputStream out, byte[] query, MessageReader reader,
      byte @Nullable [] qname, int qtype, int qclass, int rcode) throws IOException {
    MessageWriter w = new MessageWriter(512);
    int flags = 0x8000 | (reader.opcode() << 11) | (rcode & 0xF);
    w.start(reader.id(), flags, 512);
    if (qname != null) {
      w.question(qname, 0, qname.length, qtype, qclass);
    }
    int n = w.finish();
    out.write(n >>> 8);
    out.write(n);
    out.write(w.buffer(), 0, n);
  }
}
