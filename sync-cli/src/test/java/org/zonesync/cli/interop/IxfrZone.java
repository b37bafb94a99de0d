// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Successive versions of the {@link InteropZone#large large interop zone}, for the IXFR tests:
 * version 0 is the large zone; each later version changes about a hundred records of the one
 * before it (addresses rewritten, a TTL changed, names deleted, names added) and bumps the
 * serial by one. Versions are built by dnsjava and written with dnsjava's presentation form, so
 * the primaries load text that zonesync did not write.
 */
final class IxfrZone {

  /** The serial of version 0. */
  static final long BASE_SERIAL = 2024060100L;

  /** Hosts whose A record (and every fifth TXT) each version rewrites. */
  private static final int CHANGED = 33;
  /** Hosts each version deletes, after the changed ones. */
  private static final int DELETED = 5;
  /** Names each version adds, with an A and a TXT each. */
  private static final int ADDED = 8;

  private IxfrZone() {
  }

  /** Returns the serial of version {@code v}. */
  static long serial(int v) {
    return BASE_SERIAL + v;
  }

  /**
   * Returns version {@code v} of the zone at {@code origin}: every change of versions 1 to
   * {@code v} applied to the large zone.
   */
  static List<Record> version(Name origin, int v) throws IOException {
    List<Record> records = InteropZone.large(origin, serial(v));
    for (int j = 1; j <= v; j++) {
      records = change(origin, records, j);
    }
    return records;
  }

  /** Writes version {@code v} to {@code file}, replacing it in one rename. */
  static void write(Name origin, int v, Path file) throws IOException {
    StringBuilder text = new StringBuilder(300_000);
    for (Record r : version(origin, v)) {
      text.append(r).append('\n');
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Applies the changes of version {@code j} (at least 1). */
  private static List<Record> change(Name origin, List<Record> in, int j) throws IOException {
    int first = j * 100;
    List<Record> out = new ArrayList<>(in.size() + 2 * ADDED);
    for (Record r : in) {
      int host = hostIndex(r.getName());
      if (host >= first + CHANGED && host < first + CHANGED + DELETED) {
        continue; // deleted: every record of the name
      }
      if (host >= first && host < first + CHANGED) {
        if (r.getType() == Type.A) {
          out.add(new ARecord(r.getName(), DClass.IN, r.getTTL(), InetAddress.getByAddress(
              new byte[] {10, (byte) (100 + j), (byte) (host >> 8), (byte) host})));
          continue;
        }
        if (r.getType() == Type.TXT && host % 5 == 0) {
          // A new TTL as well as new data: the whole RRset is replaced.
          out.add(new TXTRecord(r.getName(), DClass.IN, 900,
              List.of("host " + host + " changed in version " + j, "second string")));
          continue;
        }
      }
      out.add(r);
    }
    for (int m = 0; m < ADDED; m++) {
      Name name = Name.fromString(String.format(Locale.ROOT, "v%d-new-%d", j, m), origin);
      out.add(new ARecord(name, DClass.IN, 120, InetAddress.getByAddress(
          new byte[] {(byte) 192, 0, 2, (byte) (16 * j + m)})));
      out.add(new TXTRecord(name, DClass.IN, 120, "added in version " + j));
    }
    // The SOA was built with the version's serial already; it stays first.
    return out;
  }

  /** Returns the number of a generated {@code host-NNNN} owner, or -1. */
  private static int hostIndex(Name name) {
    String label = name.getLabelString(0).toLowerCase(Locale.ROOT);
    if (label.length() != 9 || !label.startsWith("host-")) {
      return -1;
    }
    return Integer.parseInt(label.substring(5));
  }
}
