// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.zonesync.api.ZoneSnapshot;

/** Writes a zone as a master file so that a reader sees the old file or the new one. */
final class ZoneFiles {

  private ZoneFiles() {
  }

  /** Writes to a temp file in the same directory, forces it, renames it over, forces the dir. */
  static void writeAtomically(ZoneSnapshot zone, Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
          Writer w = new java.io.BufferedWriter(Channels.newWriter(ch,
              StandardCharsets.UTF_8), 1 << 16)) {
        zone.writeMasterFile(w);
        w.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        // some platforms cannot open a directory for fsync; the rename itself is atomic
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
