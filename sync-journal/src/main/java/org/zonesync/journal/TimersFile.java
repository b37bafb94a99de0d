// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.xbill.DNS.Name;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.spi.ReplicaTimers;

/**
 * A zone's {@code timers.zst}: saved whole through a temporary file (write, force, rename,
 * force the directory, as the snapshot is; TESTPLAN E9), read bounded. Independent of the
 * snapshot and the journal: neither is touched here, and writing them never touches this file.
 * Damage is set aside, logged at WARN and read as "no timers", which is what a store without
 * timers answers anyway (the zone is refreshed at start). Callers hold the zone's lock.
 */
final class TimersFile {
  static final String TIMERS = "timers.zst";
  private static final Logger LOG = ZoneFiles.LOG;

  private final Name zone;
  private final byte[] apex;
  private final ZoneFiles zf;
  private final StoreFiles files;

  TimersFile(Name zone, byte[] apex, ZoneFiles zf, StoreFiles files) {
    this.zone = zone;
    this.apex = apex;
    this.zf = zf;
    this.files = files;
  }

  /**
   * Reads the timers.
   *
   * @return the timers; empty if none were saved or the file is damaged (set aside)
   * @throws ReplicaStoreException if the file exists but cannot be read
   */
  Optional<ReplicaTimers> load() throws ReplicaStoreException {
    Path file = zf.path(TIMERS);
    byte[] b = new byte[0];
    int n = 0;
    long size;
    try (StoreFiles.Handle h = files.openRead(file)) {
      size = h.size();
      if (size <= TimersFormat.MAX_SIZE) {
        // One byte more than the size seen, so that a file grown since is noticed, not cut.
        ByteBuffer buf = ByteBuffer.allocate((int) size + 1);
        int r;
        while (buf.hasRemaining() && (r = h.read(buf, n)) >= 0) {
          n += r;
        }
        b = buf.array();
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new ReplicaStoreException("cannot read " + file + ": " + e, zone, e);
    }
    if (size > TimersFormat.MAX_SIZE) { // not read: set aside once the file is closed
      return setAside("file is " + size + " bytes, at most " + TimersFormat.MAX_SIZE
          + " expected");
    }
    try {
      return Optional.of(TimersFormat.decode(b, n, apex));
    } catch (StoreFormatException e) {
      return setAside(e.getMessage());
    }
  }

  private Optional<ReplicaTimers> setAside(String reason) {
    Path aside = zf.quarantinePath(TIMERS);
    try {
      files.rename(zf.path(TIMERS), aside);
      files.forceDirectory(zf.dir());
      LOG.warn("zone {}: timers unreadable: {}; moved {} aside as {}; the zone's timers start "
          + "afresh", zone, reason, TIMERS, aside.getFileName());
    } catch (IOException e) {
      LOG.warn("zone {}: timers unreadable: {}; could not move {} aside ({}); the zone's timers "
          + "start afresh", zone, reason, TIMERS, e.toString());
    }
    return Optional.empty();
  }

  /**
   * Replaces the timers atomically, creating the zone's directory if needed.
   *
   * @throws ReplicaStoreException if the timers cannot be stored (unresolved primary) or the
   *     write failed; a failure before the rename leaves the previous timers, one at the rename
   *     or the directory force leaves the previous or the new ones
   */
  void save(ReplicaTimers t) throws ReplicaStoreException {
    byte[] data;
    try {
      data = TimersFormat.encode(t, apex);
    } catch (IllegalArgumentException e) {
      throw new ReplicaStoreException("timers refused: " + e.getMessage(), zone, e);
    }
    Path tmp = zf.path(TIMERS + ZoneFiles.TMP);
    try {
      zf.ensureDirectory();
      try (StoreFiles.Handle h = files.openWrite(tmp, true)) {
        h.write(ByteBuffer.wrap(data), 0);
        h.force();
      } catch (IOException | RuntimeException e) {
        zf.deleteQuietly(TIMERS + ZoneFiles.TMP);
        throw e;
      }
      files.rename(tmp, zf.path(TIMERS));
      files.forceDirectory(zf.dir());
    } catch (IOException e) {
      throw new ReplicaStoreException("timers write failed: " + e, zone, e);
    }
  }
}
