// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.zone.ZoneContentException.Reason;

/**
 * The builder's RRset and per-name limits, checked on a zone a delta produced at the names that
 * gained records only: deletions cannot break a limit, and an untouched name kept the counts it
 * was built or applied with. Each name is found by a binary search over the chunks and walked,
 * across chunk boundaries, with the same messages as {@link CompactZoneBuilder#build()}.
 */
final class NameLimits {
  private final Chunk[] chunks;
  private final Name origin;
  private final int maxRecords;
  private final int maxTypes;
  private final CanonicalNames.Order names = new CanonicalNames.Order();

  NameLimits(Chunk[] chunks, Name origin, int maxRecords, int maxTypes) {
    this.chunks = chunks;
    this.origin = origin;
    this.maxRecords = maxRecords;
    this.maxTypes = maxTypes;
  }

  /** Checks the names of {@code added[0, n)}, indices into {@code s} in canonical order. */
  void check(StagedRecords s, int[] added, int n) throws ZoneContentException {
    byte[] a = s.arena();
    int prev = -1;
    for (int k = 0; k < n; k++) {
      int r = added[k];
      // Canonical order puts additions at one name next to each other: check each name once.
      if (prev >= 0 && CanonicalNames.equalsIgnoreCase(a, s.ownerOffset(prev),
          s.ownerLength(prev), a, s.ownerOffset(r), s.ownerLength(r))) {
        continue;
      }
      prev = r;
      checkName(a, s.ownerOffset(r), s.ownerLength(r));
    }
  }

  private void checkName(byte[] a, int off, int len) throws ZoneContentException {
    names.setKey(a, off, len);
    // The last chunk whose first owner sorts before the name holds its first record, or that
    // record opens the next chunk.
    int lo = 0;
    int hi = chunks.length - 1;
    int ci = 0;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Chunk c = chunks[mid];
      if (names.compareToKey(c.data, c.ownerOffset(0), c.ownerLength(0)) < 0) {
        ci = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    Chunk c = chunks[ci];
    int i = 0;
    int end = c.size();
    while (i < end) {
      int mid = (i + end) >>> 1;
      if (names.compareToKey(c.data, c.ownerOffset(mid), c.ownerLength(mid)) < 0) {
        i = mid + 1;
      } else {
        end = mid;
      }
    }
    int types = 0;
    int rrsetType = -1;
    int rrsetSize = 0;
    walk:
    for (; ci < chunks.length; ci++, i = 0) {
      c = chunks[ci];
      for (; i < c.size(); i++) {
        if (!CanonicalNames.equalsIgnoreCase(c.data, c.ownerOffset(i), c.ownerLength(i),
            a, off, len)) {
          break walk;
        }
        int type = c.type(i);
        if (type != rrsetType) {
          checkRRset(a, off, len, rrsetType, rrsetSize);
          rrsetType = type;
          rrsetSize = 0;
          types++;
        }
        rrsetSize++;
      }
    }
    checkRRset(a, off, len, rrsetType, rrsetSize);
    if (maxTypes > 0 && types > maxTypes) {
      throw new ZoneContentException(Reason.TOO_MANY_TYPES, origin, "too many types at "
          + CanonicalNames.toText(a, off, len) + ": " + types + " > " + maxTypes);
    }
  }

  private void checkRRset(byte[] a, int off, int len, int type, int size)
      throws ZoneContentException {
    if (maxRecords > 0 && size > maxRecords) {
      throw new ZoneContentException(Reason.RRSET_TOO_LARGE, origin, "too many records in RRset "
          + CanonicalNames.toText(a, off, len) + "/" + Type.string(type) + ": " + size + " > "
          + maxRecords);
    }
  }
}
