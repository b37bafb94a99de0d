// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * One IXFR step, RFC 1995 section 4: the records deleted from the version with serial
 * {@code from} and the records added to make the version with serial {@code to}. The SOA
 * records are not in the lists; they are {@link #fromSoa()} and {@link #toSoa()}.
 *
 * @param fromSoa the SOA of the version the delta applies to
 * @param toSoa the SOA of the version it produces
 * @param deleted records removed (no SOA)
 * @param added records added (no SOA)
 * @since 0.1
 */
public record ZoneDelta(SOARecord fromSoa, SOARecord toSoa, List<Record> deleted,
    List<Record> added) {

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if the SOAs have different owners, the serial does not
   *     increase in RFC 1982 terms, or a list holds an SOA record
   */
  public ZoneDelta {
    requireNonNull(fromSoa, "fromSoa");
    requireNonNull(toSoa, "toSoa");
    deleted = List.copyOf(deleted);
    added = List.copyOf(added);
    if (!fromSoa.getName().equals(toSoa.getName())) {
      throw new IllegalArgumentException("delta SOAs have different owners: "
          + fromSoa.getName() + ", " + toSoa.getName());
    }
    SerialNumber f = SerialNumber.of(fromSoa.getSerial());
    SerialNumber t = SerialNumber.of(toSoa.getSerial());
    if (!t.isNewerThan(f)) {
      throw new IllegalArgumentException("delta serial does not increase: " + f + " -> " + t);
    }
    for (Record r : deleted) {
      if (r.getType() == Type.SOA) {
        throw new IllegalArgumentException("SOA in the deleted records: " + r);
      }
    }
    for (Record r : added) {
      if (r.getType() == Type.SOA) {
        throw new IllegalArgumentException("SOA in the added records: " + r);
      }
    }
  }

  /** Returns the serial the delta applies to. */
  public SerialNumber from() {
    return SerialNumber.of(fromSoa.getSerial());
  }

  /** Returns the serial the delta produces. */
  public SerialNumber to() {
    return SerialNumber.of(toSoa.getSerial());
  }

  /** Returns the number of records changed, both SOAs included (as IXFR counts them). */
  public int size() {
    return deleted.size() + added.size() + 2;
  }
}
