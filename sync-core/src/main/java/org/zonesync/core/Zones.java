// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.internal.zone.CompactZoneBuilder;
import org.zonesync.core.internal.zone.ZoneContentException;

/**
 * Builds compact, immutable {@link ZoneSnapshot}s from records or master files.
 *
 * @since 0.1
 */
public final class Zones {

  private Zones() {
  }

  /**
   * Builds a snapshot from records (any order; exact duplicates are dropped).
   *
   * @param origin the zone apex
   * @param records the records, exactly one SOA at the apex among them
   * @return the snapshot
   * @throws IllegalArgumentException if the records do not form a zone (no SOA, records outside
   *     the apex, mixed classes)
   */
  public static ZoneSnapshot of(Name origin, Iterable<? extends Record> records) {
    requireNonNull(origin, "origin");
    CompactZoneBuilder b = new CompactZoneBuilder(origin, 0, 0);
    for (Record r : records) {
      b.add(r);
    }
    try {
      return b.build();
    } catch (ZoneContentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Reads an RFC 1035 master file.
   *
   * @param file the file
   * @param origin the zone apex, also the default {@code $ORIGIN}
   * @return the snapshot
   * @throws IOException if the file cannot be read or parsed
   * @throws IllegalArgumentException if its records do not form a zone
   */
  public static ZoneSnapshot readMasterFile(Path file, Name origin) throws IOException {
    CompactZoneBuilder b = new CompactZoneBuilder(origin, 0, 0);
    try (Master m = new Master(file.toString(), origin)) {
      Record r;
      while ((r = m.nextRecord()) != null) {
        b.add(r);
      }
    }
    try {
      return b.build();
    } catch (ZoneContentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }
}
