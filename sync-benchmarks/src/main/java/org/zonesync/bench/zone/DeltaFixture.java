// SPDX-License-Identifier: Apache-2.0
package org.zonesync.bench.zone;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.zonesync.api.ZoneDelta;
import org.zonesync.bench.xfr.AxfrFixture;
import org.zonesync.cli.SyntheticZone;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.CompactZoneBuilder;
import org.zonesync.core.internal.zone.WireDelta;
import org.zonesync.core.internal.zone.ZoneContentException;

/**
 * Synthetic zones and the IXFR deltas (RFC 1995 section 4) that the delta benchmarks apply or
 * journal.
 *
 * <p>The zone is {@link SyntheticZone} with the same origin, serial and seed as
 * {@link AxfrFixture}. A delta of the {@link #chain} deletes {@value #CHANGES} records and adds
 * {@value #CHANGES}, both spread evenly over the zone, and bumps the SOA serial by one: 100
 * changed records, 102 with the two SOAs. The first delta deletes existing A, AAAA and TXT
 * records; each later one deletes exactly the records its predecessor added, so every delta of
 * the chain applies to the version the previous one produced. Added records sit at existing host
 * names, cycle through A (198.18.0.0/15, never generated), AAAA (fd00::/8, never generated) and
 * TXT, and carry the delta's index, so no two deltas add the same record.
 */
public final class DeltaFixture {

  /** The zone apex. */
  public static final Name ORIGIN = AxfrFixture.ORIGIN;
  /** The serial of the generated zone, the {@code from} serial of the first delta. */
  public static final long SERIAL = AxfrFixture.SERIAL;
  /** Records deleted, and records added, by each delta. */
  public static final int CHANGES = 50;

  private static final long TTL = 300;

  private DeltaFixture() {
  }

  /**
   * Generates the zone's records.
   *
   * @param records how many, the SOA included (first)
   * @return the records, in generation order
   */
  public static List<Record> zoneRecords(int records) {
    return SyntheticZone.generate(ORIGIN, records, SERIAL, AxfrFixture.SEED);
  }

  /**
   * Builds a compact zone from records, without per-RRset or per-name limits.
   *
   * @param records the records, exactly one SOA among them
   * @return the zone
   * @throws ZoneContentException if the records do not make a valid zone
   */
  public static CompactZone compact(List<Record> records) throws ZoneContentException {
    CompactZoneBuilder b = new CompactZoneBuilder(ORIGIN, 0, 0);
    for (Record r : records) {
      b.add(r);
    }
    return b.build();
  }

  /**
   * Makes a chain of deltas, the first applying to the zone of {@code zone}'s records.
   *
   * @param zone the records of the zone, SOA first, from {@link #zoneRecords}
   * @param length how many deltas
   * @return the deltas; delta {@code k} goes from serial {@code SERIAL + k} to
   *     {@code SERIAL + k + 1}
   */
  public static List<ZoneDelta> chain(List<Record> zone, int length) {
    SOARecord soa = (SOARecord) zone.get(0);
    List<ZoneDelta> out = new ArrayList<>(length);
    List<Record> deleted = spread(zone, CHANGES);
    for (int k = 0; k < length; k++) {
      List<Record> added = newRecords(zone, CHANGES, k);
      out.add(new ZoneDelta(withSerial(soa, SERIAL + k), withSerial(soa, SERIAL + k + 1),
          deleted, added));
      deleted = added;
    }
    return out;
  }

  /**
   * Encodes a delta the way an IXFR reader hands it over: every record in uncompressed wire form
   * through {@link WireDelta#builder(Name)}.
   *
   * @param delta the delta
   * @return the same delta in wire form
   */
  public static WireDelta toWire(ZoneDelta delta) {
    var b = WireDelta.builder(ORIGIN);
    WireRecord from = WireRecord.of(delta.fromSoa());
    WireRecord to = WireRecord.of(delta.toSoa());
    b.fromSoa(from.ttl(), from.wire(), from.rdataOffset(), from.rdataLength());
    b.toSoa(to.ttl(), to.wire(), to.rdataOffset(), to.rdataLength());
    for (Record r : delta.deleted()) {
      WireRecord w = WireRecord.of(r);
      b.delete(w.wire(), 0, w.ownerLength(), w.type(), w.dclass(), w.ttl(), w.wire(),
          w.rdataOffset(), w.rdataLength());
    }
    for (Record r : delta.added()) {
      WireRecord w = WireRecord.of(r);
      b.add(w.wire(), 0, w.ownerLength(), w.type(), w.dclass(), w.ttl(), w.wire(),
          w.rdataOffset(), w.rdataLength());
    }
    return b.build();
  }

  /** Picks {@code n} A, AAAA or TXT records at evenly spaced places in the list. */
  private static List<Record> spread(List<Record> zone, int n) {
    int step = zone.size() / n;
    List<Record> out = new ArrayList<>(n);
    for (int j = 0; j < n; j++) {
      int i = 1 + j * step;
      while (!deletable(zone.get(i).getType())) {
        i++;
      }
      out.add(zone.get(i));
    }
    return out;
  }

  private static boolean deletable(int type) {
    return type == Type.A || type == Type.AAAA || type == Type.TXT;
  }

  /**
   * Makes {@code n} new records for delta {@code tag}, at the owners of A records evenly spaced
   * in the list; the start of the spacing moves with the tag, so consecutive deltas touch
   * different parts of the zone.
   */
  private static List<Record> newRecords(List<Record> zone, int n, int tag) {
    int step = zone.size() / n;
    int phase = (int) ((tag * 7919L) % step);
    List<Record> out = new ArrayList<>(n);
    for (int j = 0; j < n; j++) {
      int i = 1 + (phase + j * step) % (zone.size() - 1);
      while (zone.get(i).getType() != Type.A) {
        i = i + 1 < zone.size() ? i + 1 : 1;
      }
      Name owner = zone.get(i).getName();
      switch (j % 3) {
        case 0:
          out.add(new ARecord(owner, DClass.IN, TTL, address(new byte[] {(byte) 198,
              (byte) (18 + ((tag >>> 8) & 1)), (byte) tag, (byte) j})));
          break;
        case 1:
          byte[] v6 = new byte[16];
          v6[0] = (byte) 0xfd;
          v6[12] = (byte) (tag >>> 8);
          v6[13] = (byte) tag;
          v6[15] = (byte) j;
          out.add(new AAAARecord(owner, DClass.IN, TTL, address(v6)));
          break;
        default:
          out.add(new TXTRecord(owner, DClass.IN, TTL, "zonesync bench delta " + tag + " "
              + j));
          break;
      }
    }
    return out;
  }

  private static SOARecord withSerial(SOARecord soa, long serial) {
    return new SOARecord(soa.getName(), soa.getDClass(), soa.getTTL(), soa.getHost(),
        soa.getAdmin(), serial, soa.getRefresh(), soa.getRetry(), soa.getExpire(),
        soa.getMinimum());
  }

  private static InetAddress address(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address of " + b.length + " bytes", e);
    }
  }

  /**
   * One record in uncompressed wire form, case kept: owner, TYPE, CLASS, TTL, RDLENGTH, RDATA.
   *
   * @param wire the encoded record
   * @param ownerLength the length of the owner at the start of {@code wire}
   * @param type the RR type
   * @param dclass the RR class
   * @param ttl the TTL
   */
  public record WireRecord(byte[] wire, int ownerLength, int type, int dclass, long ttl) {

    /**
     * Encodes a dnsjava record.
     *
     * @param r the record
     * @return its wire form
     */
    public static WireRecord of(Record r) {
      return new WireRecord(r.toWire(Section.ANSWER), r.getName().length(), r.getType(),
          r.getDClass(), r.getTTL());
    }

    /** Returns where the rdata starts in {@link #wire()}. */
    public int rdataOffset() {
      return ownerLength + 10;
    }

    /** Returns the rdata length. */
    public int rdataLength() {
      return wire.length - ownerLength - 10;
    }
  }
}
