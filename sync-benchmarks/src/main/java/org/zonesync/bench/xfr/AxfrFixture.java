// SPDX-License-Identifier: Apache-2.0
package org.zonesync.bench.xfr;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;
import org.zonesync.api.TransferException;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.cli.SyntheticZone;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.Zones;
import org.zonesync.core.internal.xfr.AxfrStream;
import org.zonesync.core.internal.xfr.AxfrWriter;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.tsig.SignedMessage;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigStreamSigner;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * A recorded, TSIG-signed AXFR response of a synthetic zone, and the two ways of decoding it that
 * the benchmarks compare.
 *
 * <p>{@link #record(int)} generates the zone with {@link SyntheticZone} (fixed seed and serial),
 * builds it as a {@link CompactZone}, signs an AXFR query with a fixed hmac-sha256 key at a fixed
 * time ({@link Tsig#signRequest}), and encodes the answer with {@link AxfrWriter} in 65,535-byte
 * messages, each signed by a {@link TsigStreamSigner} (RFC 8945 section 5.3.1). The messages are
 * kept as they would arrive over TCP, without the length prefixes. Both decoders read the same
 * bytes and use a clock fixed at the signing time, so BADTIME cannot occur.
 */
public final class AxfrFixture {

  /** The zone apex. */
  public static final Name ORIGIN = Name.fromConstantString("bench.example.");
  /** The serial of the generated SOA. */
  public static final long SERIAL = 2_025_010_101L;
  /** The generator seed: the same size always gives the same zone. */
  public static final long SEED = 0x5eed_2025L;
  /** The size of every response message but the last (TCP maximum, RFC 5936 section 2.2). */
  public static final int MESSAGE_SIZE = 65535;

  private static final int QUERY_ID = 0x2a2a;
  /** Signing and verifying time: fixed, so the fudge check always passes. */
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"),
      ZoneOffset.UTC);
  private static final Name KEY_NAME = Name.fromConstantString("bench-key.");
  private static final InetSocketAddress PRIMARY =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 53);

  private final int records;
  private final TsigKey key;
  private final TSIG dnsjavaKey;
  private final byte[] requestMac;
  private final TSIGRecord queryTsig;
  private final List<byte[]> messages;

  private AxfrFixture(int records, TsigKey key, TSIG dnsjavaKey, byte[] requestMac,
      TSIGRecord queryTsig, List<byte[]> messages) {
    this.records = records;
    this.key = key;
    this.dnsjavaKey = dnsjavaKey;
    this.requestMac = requestMac;
    this.queryTsig = queryTsig;
    this.messages = messages;
  }

  private static byte[] secret() {
    byte[] secret = new byte[32];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) (0x5a ^ (i * 37));
    }
    return secret;
  }

  /**
   * The hmac-sha256 key of the transfer benchmarks, with a fixed secret.
   *
   * @return the key
   */
  public static TsigKey benchKey() {
    return TsigKey.of(KEY_NAME, TsigAlgorithm.HMAC_SHA256, secret());
  }

  /**
   * The same key for dnsjava.
   *
   * @param clock the clock dnsjava signs and verifies with
   * @return the key
   */
  public static TSIG dnsjavaKey(Clock clock) {
    return new TSIG(TSIG.HMAC_SHA256, KEY_NAME, new SecretKeySpec(secret(), "HmacSHA256"),
        clock);
  }

  /**
   * Generates a zone and records its signed AXFR response stream.
   *
   * @param records the records in the zone, the SOA included (the stream carries one more: the
   *     closing SOA)
   * @return the fixture
   * @throws IOException if the zone cannot be encoded or the signed query cannot be parsed back
   */
  public static AxfrFixture record(int records) throws IOException {
    TsigKey key = benchKey();
    TSIG dnsjavaKey = dnsjavaKey(CLOCK);

    CompactZone zone = (CompactZone) Zones.of(ORIGIN,
        SyntheticZone.generate(ORIGIN, records, SERIAL, SEED));

    Message query = Message.newQuery(Record.newRecord(ORIGIN, Type.AXFR, DClass.IN));
    query.getHeader().setID(QUERY_ID);
    byte[] wire = query.toWire();
    SignedMessage signed = Tsig.signRequest(key, wire, 0, wire.length, CLOCK);
    TSIGRecord queryTsig = new Message(signed.message()).getTSIG();
    if (queryTsig == null) {
      throw new IllegalStateException("dnsjava finds no TSIG record in the signed query");
    }

    List<byte[]> out = new ArrayList<>();
    AxfrWriter writer = new AxfrWriter(MESSAGE_SIZE,
        new TsigStreamSigner(key, signed.mac(), CLOCK), key);
    writer.write(zone, QUERY_ID, ORIGIN.toWire(),
        (buf, len) -> out.add(Arrays.copyOf(buf, len)));
    return new AxfrFixture(records, key, dnsjavaKey, signed.mac(), queryTsig,
        Collections.unmodifiableList(out));
  }

  /**
   * Decodes the stream the zonesync way: a fresh {@link TsigStreamVerifier} and
   * {@link AxfrStream} (default limits), every message accepted, the zone built.
   *
   * @return the new zone
   * @throws TransferException if the stream is rejected (a bug: the fixture is valid)
   */
  public CompactZone decodeZonesync() throws TransferException {
    AxfrStream stream = new AxfrStream(ORIGIN, QUERY_ID, TransferLimits.DEFAULTS,
        new TsigStreamVerifier(key, requestMac, CLOCK), PRIMARY);
    for (byte[] m : messages) {
      stream.accept(m, m.length);
    }
    return stream.result();
  }

  /**
   * Decodes the stream the dnsjava way, as {@code ZoneTransferIn} does: one {@link Message} per
   * response, {@link TSIG.StreamVerifier} over its bytes (last message = ends with the SOA), the
   * answer records collected, the closing SOA dropped, and a {@link Zone} built from the rest.
   *
   * @return the zone
   * @throws IOException if a message does not parse, does not verify, or the zone is invalid
   */
  public Zone decodeDnsjava() throws IOException {
    TSIG.StreamVerifier verifier = new TSIG.StreamVerifier(dnsjavaKey, queryTsig);
    List<Record> answers = new ArrayList<>();
    int n = 0;
    for (byte[] b : messages) {
      n++;
      Message m = new Message(b);
      List<Record> section = m.getSection(Section.ANSWER);
      boolean last = !section.isEmpty()
          && section.get(section.size() - 1).getType() == Type.SOA;
      int error = verifier.verify(m, b, last);
      if (error != Rcode.NOERROR) {
        throw new IOException("dnsjava tsig failure on message " + n + ": "
            + Rcode.TSIGstring(error) + " (" + verifier.getErrorMessage() + ")");
      }
      if (m.getRcode() != Rcode.NOERROR) {
        throw new IOException("message " + n + " has rcode " + Rcode.string(m.getRcode()));
      }
      answers.addAll(section);
    }
    answers.remove(answers.size() - 1); // the closing SOA, as ZoneTransferIn leaves it out
    return new Zone(ORIGIN, answers.toArray(new Record[0]));
  }

  /**
   * Decodes the stream both ways once and checks that each yields the generated zone: the same
   * record count and serial, and every zonesync record present in dnsjava's zone.
   *
   * @throws IllegalStateException if the two decoders disagree with the generator or each other
   * @throws IOException if dnsjava rejects the stream (bad TSIG, parse error)
   * @throws TransferException if zonesync rejects the stream
   */
  public void check() throws IOException, TransferException {
    CompactZone ours = decodeZonesync();
    Zone theirs = decodeDnsjava();
    if (ours.recordCount() != records) {
      throw new IllegalStateException("zonesync decoded " + ours.recordCount()
          + " records, the generator made " + records);
    }
    long theirCount = 0;
    for (RRset set : theirs) {
      theirCount += set.size();
    }
    if (theirCount != records) {
      throw new IllegalStateException("dnsjava decoded " + theirCount
          + " records, the generator made " + records);
    }
    if (ours.soa().getSerial() != SERIAL || theirs.getSOA().getSerial() != SERIAL) {
      throw new IllegalStateException("serials " + ours.soa().getSerial() + " and "
          + theirs.getSOA().getSerial() + ", expected " + SERIAL);
    }
    for (Iterator<Record> it = ours.iterator(); it.hasNext(); ) {
      Record r = it.next();
      RRset set = theirs.findExactMatch(r.getName(), r.getType());
      if (set == null || !set.rrs().contains(r)) {
        throw new IllegalStateException("dnsjava's zone lacks " + r);
      }
    }
  }

  /** Returns the records in the zone, the SOA counted once. */
  public int records() {
    return records;
  }

  /** Returns the number of response messages. */
  public int messageCount() {
    return messages.size();
  }

  /** Returns the bytes of all response messages, without TCP length prefixes. */
  public long bytes() {
    long b = 0;
    for (byte[] m : messages) {
      b += m.length;
    }
    return b;
  }
}
