// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.ZoneSourceException;

/**
 * Where the content of a zone zonesync is primary for comes from ({@link
 * ZoneSync#addPrimary}): records built by the application, or an RFC 1035 master file read each
 * time the zone is (re)loaded.
 *
 * @since 0.1
 */
public sealed interface ZoneSource {

  /** The largest master file read, 1 GiB: a bound on what one reload may allocate. */
  long MAX_FILE_BYTES = 1L << 30;

  /**
   * A zone from records.
   *
   * @param records the records, exactly one SOA at the apex among them; copied
   * @return the source
   */
  static ZoneSource of(Iterable<? extends Record> records) {
    requireNonNull(records, "records");
    java.util.ArrayList<Record> copy = new java.util.ArrayList<>();
    records.forEach(copy::add);
    return new Records(List.copyOf(copy));
  }

  /**
   * A zone read from an RFC 1035 master file whose default {@code $ORIGIN} is the zone's apex.
   *
   * @param file the file, read at each load
   * @return the source
   */
  static ZoneSource masterFile(Path file) {
    return new MasterFile(requireNonNull(file, "file"));
  }

  /**
   * Loads the zone.
   *
   * @param origin the apex
   * @return the snapshot
   * @throws ZoneSourceException if it cannot be read, parsed, or does not form a zone
   */
  ZoneSnapshot load(Name origin) throws ZoneSourceException;

  /**
   * Records given by the application.
   *
   * @param records the records
   */
  record Records(List<Record> records) implements ZoneSource {
    /** Copies the list. */
    public Records {
      records = List.copyOf(records);
    }

    @Override
    public ZoneSnapshot load(Name origin) throws ZoneSourceException {
      try {
        return Zones.of(origin, records);
      } catch (IllegalArgumentException e) {
        throw new ZoneSourceException(e.getMessage() == null ? e.toString() : e.getMessage(),
            origin, e);
      }
    }
  }

  /**
   * A master file.
   *
   * @param file the path
   */
  record MasterFile(Path file) implements ZoneSource {
    @Override
    public ZoneSnapshot load(Name origin) throws ZoneSourceException {
      try {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
          throw new ZoneSourceException(file + ": " + size + " bytes is over the limit of "
              + MAX_FILE_BYTES, origin, null);
        }
        return Zones.readMasterFile(file, origin);
      } catch (IOException | IllegalArgumentException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        throw new ZoneSourceException(m.startsWith(file.toString()) ? m : file + ": " + m, origin,
            e);
      }
    }
  }
}
