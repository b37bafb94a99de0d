// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Tells whether a file changed since it was last looked at, by its size, modification time and
 * a SHA-256 of its content. The content is hashed only when the size or time moved, or when the
 * file was last seen within {@link #RACY_NANOS} of its modification time: an edit in the same
 * tick of a coarse file-system clock keeps both size and time ("racily clean", as git calls it).
 * A file that cannot be read counts as changed once, so that the reload reports why. Not
 * thread-safe; its owner serialises the calls.
 */
final class FileWatch {

  /** How close to the modification time a look must be for size and time not to be trusted. */
  static final long RACY_NANOS = 2_000_000_000L;

  /** What was seen: size, modification time in ns, content hash (empty when unreadable). */
  private record Seen(long size, long mtimeNanos, byte[] hash, long seenAtNanos) {
  }

  private final Path file;
  private final LongSupplier wallNanos;
  private @Nullable Seen last;

  /**
   * Creates a watch; the first {@link #changed()} reports a change unless {@link #mark()} ran.
   *
   * @param file the file
   * @param wallNanos the wall clock in ns since the epoch, comparable with file times
   */
  FileWatch(Path file, LongSupplier wallNanos) {
    this.file = file;
    this.wallNanos = wallNanos;
  }

  /** A watch on the system clock. */
  static FileWatch of(Path file) {
    return new FileWatch(file, () -> {
      java.time.Instant now = java.time.Instant.now();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    });
  }

  /** Records the file as it is now, as the version loaded. */
  void mark() {
    last = look(null).orElse(null);
  }

  /**
   * Returns whether the file differs from what was last seen, and records what is seen now.
   *
   * @return true if its size, time or content changed, or it became unreadable
   */
  boolean changed() {
    Seen before = last;
    Optional<Seen> now = look(before);
    last = now.orElse(null);
    if (now.isEmpty()) {
      return before != null; // once, when it disappears or turns unreadable
    }
    return before == null || !Arrays.equals(before.hash(), now.get().hash())
        || before.size() != now.get().size();
  }

  private Optional<Seen> look(@Nullable Seen before) {
    long at = wallNanos.getAsLong();
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      long mtime = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
      if (before != null && before.size() == a.size() && before.mtimeNanos() == mtime
          && before.seenAtNanos() - mtime > RACY_NANOS) {
        return Optional.of(new Seen(a.size(), mtime, before.hash(), before.seenAtNanos()));
      }
      return Optional.of(new Seen(a.size(), mtime, hash(), at));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private byte[] hash() throws IOException {
    MessageDigest d;
    try {
      d = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
    }
    return d.digest();
  }
}
