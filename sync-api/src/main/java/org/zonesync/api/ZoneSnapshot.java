// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import java.io.IOException;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * One complete, immutable version of a zone.
 *
 * <p>Records are held in wire form and iterate in DNSSEC canonical order (RFC 4034 section 6);
 * dnsjava {@link Record} objects are made only when asked for. Owner names keep the case in which
 * they arrived, and records of types unknown to dnsjava are kept byte-exact (RFC 3597).
 *
 * <p>Implementations are immutable and safe for concurrent use without locking.
 *
 * @since 0.1
 */
public interface ZoneSnapshot extends Iterable<Record> {

  /** Returns the zone apex. */
  Name origin();

  /** Returns the apex SOA record. */
  SOARecord soa();

  /** Returns the SOA serial. */
  default SerialNumber serial() {
    return SerialNumber.of(soa().getSerial());
  }

  /** Returns the number of records, the SOA included. */
  long recordCount();

  /**
   * Returns the records of the RRset at {@code name} with {@code type}, in canonical order.
   *
   * @param name the owner name, compared case-insensitively
   * @param type the RR type ({@link org.xbill.DNS.Type}); {@code Type.ANY} returns every record
   *     at the name
   * @return the records, empty if there are none
   */
  List<Record> lookup(Name name, int type);

  /**
   * Writes the zone as an RFC 1035 master file: a {@code $ORIGIN} line, then one record per line
   * with absolute owner names, the SOA first, in canonical order.
   *
   * @param out where to write
   * @throws IOException if {@code out} fails
   */
  void writeMasterFile(Appendable out) throws IOException;

  /**
   * Streams every record in wire form, the SOA first, then canonical order. The default makes
   * a dnsjava record per entry; compact implementations need not.
   *
   * @param sink receives each record
   */
  default void forEachWire(WireRecordSink sink) {
    emitWire(soa(), sink);
    for (Record r : this) {
      if (r.getType() != org.xbill.DNS.Type.SOA) {
        emitWire(r, sink);
      }
    }
  }

  private static void emitWire(Record r, WireRecordSink sink) {
    byte[] wire = r.toWire(org.xbill.DNS.Section.ANSWER); // uncompressed, case kept
    int ownerLen = r.getName().length();
    int rdataOff = ownerLen + 10;
    sink.record(wire, 0, ownerLen, r.getType(), r.getDClass(), r.getTTL(), wire, rdataOff,
        wire.length - rdataOff);
  }
}
