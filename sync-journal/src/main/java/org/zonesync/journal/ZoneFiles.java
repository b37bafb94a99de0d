// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.zonesync.api.ZoneSnapshot;

/**
 * The file steps of one zone's directory: whole-file writes through a temporary file (write,
 * force, rename, force the directory; TESTPLAN E9) and setting damaged files aside.
 */
final class ZoneFiles {
  static final String SNAPSHOT = "snapshot.zs";
  static final String JOURNAL = "journal.zsj";
  static final String TMP = ".tmp";

  static final Logger LOG = LoggerFactory.getLogger("zonesync.journal");

  /** The rename or the directory force failed: the live file may be the old or the new one. */
  static final class InDoubtException extends IOException {
    private static final long serialVersionUID = 1L;

    InDoubtException(IOException cause) {
      super(cause.toString(), cause);
    }
  }

  private final Name zone;
  private final Path dir;
  private final StoreFiles files;
  private final FileReplicaStore.Config cfg;
  /** This process has forced the store's directory since it created the zone's. */
  private boolean dirSynced;

  ZoneFiles(Name zone, Path dir, FileReplicaStore.Config cfg) {
    this.zone = zone;
    this.dir = dir;
    this.files = cfg.files();
    this.cfg = cfg;
  }

  Path path(String name) {
    return dir.resolve(name);
  }

  Path dir() {
    return dir;
  }

  /**
   * Creates the zone's directory if needed and makes its entry durable: until the store's
   * directory is forced once, the zone's may not survive a power loss, even if an earlier,
   * failed write already created it.
   */
  void ensureDirectory() throws IOException {
    Path root = dir.getParent();
    if (root != null && files.createDirectories(root) && root.getParent() != null) {
      files.forceDirectory(root.getParent());
    }
    if ((files.createDirectories(dir) || !dirSynced) && root != null) {
      files.forceDirectory(root);
    }
    dirSynced = true;
  }

  /**
   * Writes a snapshot file.
   *
   * @throws InDoubtException if the rename or the directory force failed
   * @throws IOException if writing the temporary file failed (the live files are untouched)
   * @throws IllegalArgumentException if the snapshot cannot be stored
   */
  void writeSnapshot(ZoneSnapshot s, long epoch, long seq) throws IOException {
    Path tmp = path(SNAPSHOT + TMP);
    try (StoreFiles.Handle h = files.openWrite(tmp, true)) {
      SnapshotFormat.write(h, s, epoch, seq, cfg.bufferSize());
      h.force();
    } catch (IOException | RuntimeException e) {
      deleteQuietly(SNAPSHOT + TMP);
      throw e;
    }
    commitRename(tmp, path(SNAPSHOT));
  }

  /**
   * Writes a journal file: {@code header}, then the bytes {@code [from, to)} of the current
   * journal.
   *
   * @param keepTemp leave the forced temporary file for the caller to rename
   * @throws InDoubtException if the rename or the directory force failed
   */
  void writeJournal(byte[] header, long from, long to, boolean keepTemp) throws IOException {
    Path tmp = path(JOURNAL + TMP);
    try (StoreFiles.Handle out = files.openWrite(tmp, true)) {
      out.write(ByteBuffer.wrap(header), 0);
      if (to > from) {
        try (StoreFiles.Handle in = files.openRead(path(JOURNAL))) {
          ByteBuffer b = ByteBuffer.allocate((int) Math.min(cfg.bufferSize(), to - from));
          long p = from;
          while (p < to) {
            b.clear().limit((int) Math.min(b.capacity(), to - p));
            int n = in.read(b, p);
            if (n <= 0) {
              throw new IOException("journal ends at " + p + ", expected " + to);
            }
            b.flip();
            out.write(b, header.length + p - from);
            p += n;
          }
        }
      }
      out.force();
    } catch (IOException | RuntimeException e) {
      deleteQuietly(JOURNAL + TMP);
      throw e;
    }
    if (!keepTemp) {
      commitRename(tmp, path(JOURNAL));
    }
  }

  /** Renames the forced temporary journal over the live one, setting the old one aside. */
  void swapJournalKeepingOld(Path aside) throws IOException {
    files.rename(path(JOURNAL), aside);
    files.rename(path(JOURNAL + TMP), path(JOURNAL));
    files.forceDirectory(dir);
  }

  private void commitRename(Path tmp, Path live) throws InDoubtException {
    try {
      files.rename(tmp, live);
      files.forceDirectory(dir);
    } catch (IOException e) {
      throw new InDoubtException(e);
    }
  }

  /** Returns a free name {@code <name>.corrupt-<utc time>[-n]} to set a file aside as. */
  Path quarantinePath(String name) {
    String stamp = FileReplicaStore.STAMP.format(cfg.clock().instant());
    List<String> names;
    try {
      names = files.list(dir);
    } catch (IOException e) {
      names = List.of();
    }
    String base = name + ".corrupt-" + stamp;
    String candidate = base;
    for (int i = 1; names.contains(candidate); i++) {
      candidate = base + "-" + i;
    }
    return path(candidate);
  }

  /** Sets a damaged file aside (E2, E12) and logs it at ERROR; quiet if it does not exist. */
  void quarantine(String name, String reason) {
    Path aside = quarantinePath(name);
    try {
      files.rename(path(name), aside);
      files.forceDirectory(dir);
      LOG.error("zone {}: {}; moved {} aside as {}", zone, reason, name, aside.getFileName());
    } catch (NoSuchFileException e) {
      return; // nothing to set aside
    } catch (IOException e) {
      LOG.error("zone {}: {}; could not move {} aside: {}", zone, reason, name, e.toString());
    }
  }

  void deleteQuietly(String name) {
    try {
      files.delete(path(name));
    } catch (IOException e) {
      LOG.warn("zone {}: cannot remove {}: {}", zone, name, e.toString());
    }
  }

  void closeQuietly(StoreFiles.@Nullable Handle h) {
    if (h != null) {
      try {
        h.close();
      } catch (IOException e) {
        LOG.warn("zone {}: closing {} failed: {}", zone, JOURNAL, e.toString());
      }
    }
  }
}
