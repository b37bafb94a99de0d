// SPDX-License-Identifier: Apache-2.0
package org.zonesync.bench.xfrout;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.bench.xfr.AxfrFixture;
import org.zonesync.cli.SyntheticZone;
import org.zonesync.core.Zones;
import org.zonesync.core.internal.xfr.AxfrWriter;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.tsig.SignedMessage;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigKeyring;
import org.zonesync.tsig.TsigRequestVerifier;
import org.zonesync.tsig.TsigStreamSigner;
import org.zonesync.tsig.VerifiedRequest;

/**
 * The inputs of an outgoing AXFR and the two ways of encoding it that
 * {@link AxfrOutBenchmark} compares.
 *
 * <p>The zone is the one {@link AxfrFixture} records ({@link SyntheticZone}, same origin, serial
 * and seed), built with {@link Zones#of}. An AXFR query is signed with a fixed hmac-sha256 key at
 * a fixed time and verified as the server does ({@link TsigRequestVerifier}); its MAC seeds
 * zonesync's {@link TsigStreamSigner}, its parsed TSIG record seeds dnsjava's
 * {@link TSIG.StreamGenerator} (RFC 8945 section 5.3.1). Both sides sign with the same clock,
 * fixed at the query's signing time, and the same fudge (300 s).
 *
 * <p>dnsjava gets the snapshot as {@link Record} objects, converted once here, in the order
 * {@link AxfrWriter} sends them (SOA, the rest in canonical order, SOA), and a per-message
 * split precomputed here (not timed); see {@link #encodeDnsjava}.
 */
public final class AxfrOutFixture {

  /** The query ID echoed in every response message. */
  public static final int QUERY_ID = 0x2a2a;
  /** Signing time: fixed, so that the self-check never hits BADTIME. */
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"),
      ZoneOffset.UTC);

  private final int records;
  private final CompactZone zone;
  private final TsigKey key;
  private final byte[] requestMac;
  private final TSIG dnsjavaKey;
  private final TSIGRecord queryTsig;
  private final byte[] qname;
  private final Record question;
  private final Record[] answers;
  private final int[] split;
  private final int zonesyncMessages;

  private AxfrOutFixture(int records, CompactZone zone, TsigKey key, byte[] requestMac,
      TSIG dnsjavaKey, TSIGRecord queryTsig, Record[] answers, int[] split,
      int zonesyncMessages) {
    this.records = records;
    this.zone = zone;
    this.key = key;
    this.requestMac = requestMac;
    this.dnsjavaKey = dnsjavaKey;
    this.queryTsig = queryTsig;
    this.qname = AxfrFixture.ORIGIN.toWire();
    this.question = Record.newRecord(AxfrFixture.ORIGIN, Type.AXFR, DClass.IN);
    this.answers = answers;
    this.split = split;
    this.zonesyncMessages = zonesyncMessages;
  }

  /**
   * Generates the zone, the verified request and dnsjava's copy of the records.
   *
   * @param records the records in the zone, the SOA included once
   * @return the fixture
   * @throws IOException if the query cannot be signed, verified or parsed back
   */
  public static AxfrOutFixture create(int records) throws IOException {
    TsigKey key = AxfrFixture.benchKey();
    TSIG dnsjavaKey = AxfrFixture.dnsjavaKey(CLOCK);
    CompactZone zone = (CompactZone) Zones.of(AxfrFixture.ORIGIN,
        SyntheticZone.generate(AxfrFixture.ORIGIN, records, AxfrFixture.SERIAL,
            AxfrFixture.SEED));

    Message query = Message.newQuery(Record.newRecord(AxfrFixture.ORIGIN, Type.AXFR,
        DClass.IN));
    query.getHeader().setID(QUERY_ID);
    byte[] wire = query.toWire();
    SignedMessage signed = Tsig.signRequest(key, wire, 0, wire.length, CLOCK);
    byte[] req = signed.message();
    VerifiedRequest verified;
    try {
      verified = TsigRequestVerifier.verify(TsigKeyring.of(key), req, 0, req.length,
          Tsig.locate(req, 0, req.length), CLOCK);
    } catch (TsigVerificationException e) {
      throw new IllegalStateException("the server rejects the signed query: " + e.getMessage(),
          e);
    }
    TSIGRecord queryTsig = new Message(req).getTSIG();
    if (queryTsig == null) {
      throw new IllegalStateException("dnsjava finds no TSIG record in the signed query");
    }

    // The AXFR order (ZoneCursor's): SOA, every other record in canonical order, SOA again.
    // The iterator is canonical throughout, so the SOA is moved out of its place.
    List<Record> list = new ArrayList<>((int) zone.recordCount() + 1);
    Record soa = zone.soa();
    list.add(soa);
    for (Iterator<Record> it = zone.iterator(); it.hasNext(); ) {
      Record r = it.next();
      if (r.getType() != Type.SOA) {
        list.add(r);
      }
    }
    list.add(soa);

    AxfrWriter probe = new AxfrWriter(AxfrFixture.MESSAGE_SIZE,
        new TsigStreamSigner(verified.key(), verified.mac(), CLOCK), verified.key());
    probe.write(zone, QUERY_ID, AxfrFixture.ORIGIN.toWire(), Type.AXFR, (buf, len) -> { });
    Record[] answers = list.toArray(new Record[0]);
    Record question = Record.newRecord(AxfrFixture.ORIGIN, Type.AXFR, DClass.IN);
    return new AxfrOutFixture(records, zone, verified.key(), verified.mac(), dnsjavaKey,
        queryTsig, answers, dnsjavaSplit(answers, question, dnsjavaKey),
        (int) probe.messages());
  }

  /**
   * Finds, message by message, the most records that dnsjava's own encoding fits in a message
   * that {@code toWire(65535)} renders whole, with room for the TSIG record as dnsjava reserves
   * it ({@link TSIG#recordLength()}): a binary search over {@link Message#toWire()} lengths,
   * i.e. the greedy "add records until the message would exceed the size" split, computed once
   * instead of on every transfer.
   *
   * <p>dnsjava 3.7.1's {@code toWire(maxLength)} subtracts the 12-byte header from the limit it
   * compares whole-message positions with, so it renders at most 65,523 bytes and silently drops
   * additional-section records (here: the TSIG record, without setting TC) beyond that. The
   * limit below takes that into account; the self-check caught the drop.
   */
  private static int[] dnsjavaSplit(Record[] answers, Record question, TSIG key) {
    int limit = AxfrFixture.MESSAGE_SIZE - 12 - key.recordLength();
    List<Integer> counts = new ArrayList<>();
    int pos = 0;
    while (pos < answers.length) {
      int lo = 0;
      int hi = Math.min(answers.length - pos, AxfrFixture.MESSAGE_SIZE / 12);
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (message(counts.isEmpty() ? question : null, answers, pos, mid).toWire().length
            <= limit) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      if (lo == 0) {
        throw new IllegalStateException("record " + pos + " does not fit in a message of "
            + AxfrFixture.MESSAGE_SIZE + " bytes");
      }
      counts.add(lo);
      pos += lo;
    }
    return counts.stream().mapToInt(Integer::intValue).toArray();
  }

  /** A response message: ID echoed, QR and AA set, the question if given, the answers. */
  private static Message message(@Nullable Record question, Record[] answers, int from,
      int count) {
    Message m = new Message(QUERY_ID);
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    if (question != null) {
      m.addRecord(question, Section.QUESTION);
    }
    for (int i = from, end = from + count; i < end; i++) {
      m.addRecord(answers[i], Section.ANSWER);
    }
    return m;
  }

  /**
   * Encodes the transfer the zonesync way, as {@code TransferResponder} does: a new
   * {@link TsigStreamSigner} from the verified request's key and MAC, a new {@link AxfrWriter}
   * for 65,535-byte messages, and {@link AxfrWriter#write} of the snapshot.
   *
   * @param sink receives each signed message; the bytes are valid only during the call
   * @return the number of messages
   * @throws IOException if the sink fails
   */
  public long encodeZonesync(AxfrWriter.Sink sink) throws IOException {
    AxfrWriter w = new AxfrWriter(AxfrFixture.MESSAGE_SIZE,
        new TsigStreamSigner(key, requestMac, CLOCK), key);
    w.write(zone, QUERY_ID, qname, Type.AXFR, sink);
    return w.messages();
  }

  /**
   * Encodes the transfer the dnsjava way: per message a new {@link Message} (ID echoed, QR and
   * AA set, the question in the first only) filled with the next {@code split[k]} pre-converted
   * records, signed by one {@link TSIG.StreamGenerator} for the stream ({@code generate} encodes
   * the message once to compute the MAC and appends the TSIG record), then
   * {@link Message#toWire(int) toWire(65535)}.
   *
   * <p>The split is precomputed in setup: each message carries as many records as dnsjava's
   * own encoding fits (see {@code dnsjavaSplit}), so dnsjava is not charged for finding where
   * to cut, which through its API takes repeated {@code toWire()} calls. That makes this a lower
   * bound of dnsjava's cost. (zonesync's own per-message counts cannot be reused: dnsjava's
   * encoding of the same records is a little longer, so some messages would overflow and lose
   * their TSIG record to truncation.)
   *
   * @param sink receives each message
   * @return the number of messages
   * @throws IOException if the sink fails
   */
  public long encodeDnsjava(AxfrWriter.Sink sink) throws IOException {
    TSIG.StreamGenerator gen = new TSIG.StreamGenerator(dnsjavaKey, queryTsig);
    int pos = 0;
    for (int k = 0; k < split.length; k++) {
      Message m = message(k == 0 ? question : null, answers, pos, split[k]);
      pos += split[k];
      gen.generate(m);
      byte[] wire = m.toWire(AxfrFixture.MESSAGE_SIZE);
      sink.message(wire, wire.length);
    }
    return split.length;
  }

  /**
   * Encodes the transfer both ways once and decodes each stream with dnsjava: every message
   * must parse, verify with {@link TSIG.StreamVerifier} against the same key and request, have
   * rcode NOERROR and no TC bit, and together they must carry the zone's records plus the
   * closing SOA, in AXFR order.
   *
   * @return a one-line summary: messages, bytes and how many messages are byte-identical
   * @throws IOException if a stream does not parse or verify
   * @throws IllegalStateException if a stream carries the wrong records
   */
  public String check() throws IOException {
    List<byte[]> ours = new ArrayList<>();
    encodeZonesync((buf, len) -> ours.add(Arrays.copyOf(buf, len)));
    List<byte[]> theirs = new ArrayList<>();
    encodeDnsjava((buf, len) -> theirs.add(Arrays.copyOf(buf, len)));
    verify("zonesync", ours);
    verify("dnsjava", theirs);
    int same = 0;
    long ourBytes = 0;
    long theirBytes = 0;
    for (int i = 0; i < ours.size(); i++) {
      ourBytes += ours.get(i).length;
      if (i < theirs.size() && Arrays.equals(ours.get(i), theirs.get(i))) {
        same++;
      }
    }
    for (byte[] b : theirs) {
      theirBytes += b.length;
    }
    return records + " records: zonesync " + ours.size() + " messages, " + ourBytes
        + " bytes; dnsjava " + theirs.size() + " messages, " + theirBytes + " bytes; "
        + same + " messages byte-identical";
  }

  private void verify(String who, List<byte[]> messages) throws IOException {
    TSIG.StreamVerifier verifier = new TSIG.StreamVerifier(dnsjavaKey, queryTsig);
    int pos = 0;
    for (int n = 0; n < messages.size(); n++) {
      byte[] b = messages.get(n);
      if (b.length > AxfrFixture.MESSAGE_SIZE) {
        throw new IllegalStateException(who + " message " + (n + 1) + " has " + b.length
            + " bytes");
      }
      Message m = new Message(b);
      int error = verifier.verify(m, b, n == messages.size() - 1);
      if (error != Rcode.NOERROR || m.getTSIG() == null) {
        throw new IOException(who + " message " + (n + 1) + ": tsig " + Rcode.TSIGstring(error)
            + " (" + verifier.getErrorMessage() + ")");
      }
      if (m.getRcode() != Rcode.NOERROR || m.getHeader().getFlag(Flags.TC)
          || m.getHeader().getID() != QUERY_ID) {
        throw new IllegalStateException(who + " message " + (n + 1) + " has rcode "
            + Rcode.string(m.getRcode()) + ", id " + m.getHeader().getID() + ", tc "
            + m.getHeader().getFlag(Flags.TC));
      }
      if (m.getSection(Section.QUESTION).size() != (n == 0 ? 1 : 0)) {
        throw new IllegalStateException(who + " message " + (n + 1) + " has "
            + m.getSection(Section.QUESTION).size() + " questions");
      }
      for (Record r : m.getSection(Section.ANSWER)) {
        if (pos >= answers.length || !r.equals(answers[pos])
            || r.getTTL() != answers[pos].getTTL()) {
          throw new IllegalStateException(who + " answer " + pos + " is " + r + ", expected "
              + (pos < answers.length ? answers[pos] : "none"));
        }
        pos++;
      }
    }
    if (pos != zone.recordCount() + 1 || pos != records + 1) {
      throw new IllegalStateException(who + " sent " + pos + " records, the zone has "
          + zone.recordCount() + " (+1 closing SOA expected)");
    }
  }

  /** Returns the records in the zone, the SOA counted once. */
  public int records() {
    return records;
  }

  /** Returns the number of response messages zonesync sends. */
  public int messageCount() {
    return zonesyncMessages;
  }
}
