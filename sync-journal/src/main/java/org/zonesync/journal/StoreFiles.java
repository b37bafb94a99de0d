// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file operation the {@link FileReplicaStore} makes, so that tests can inject faults
 * (an exception at the Nth write, force or rename) and simulate a power loss (bytes and
 * renames that were never forced disappear). {@link ChannelFiles} is the real implementation.
 *
 * <p>The store relies on these semantics, which POSIX file systems give: {@link #rename} is
 * atomic and replaces the target; a rename or a new file is durable only after
 * {@link #forceDirectory} of its directory; written bytes are durable only after
 * {@link Handle#force}.
 */
interface StoreFiles {

  /** An open file; positional reads and writes. */
  interface Handle extends Closeable {

    /**
     * Reads bytes at a position.
     *
     * @return the number of bytes read, or -1 at the end of the file
     */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes all remaining bytes of {@code src} at a position. */
    void write(ByteBuffer src, long position) throws IOException;

    /** Makes the file's content durable (fsync). */
    void force() throws IOException;

    /** Cuts the file to {@code size} bytes. */
    void truncate(long size) throws IOException;

    /** Returns the file's size. */
    long size() throws IOException;

    @Override
    void close() throws IOException;
  }

  /**
   * Opens an existing file for reading.
   *
   * @throws java.nio.file.NoSuchFileException if it does not exist
   */
  Handle openRead(Path file) throws IOException;

  /**
   * Opens a file for writing.
   *
   * @param create true: create it, or empty it if it exists; false: it must exist and keeps
   *     its content
   * @throws java.nio.file.NoSuchFileException if {@code create} is false and it does not exist
   */
  Handle openWrite(Path file, boolean create) throws IOException;

  /** Returns the names of the entries of a directory; empty if it does not exist. */
  List<String> list(Path dir) throws IOException;

  /**
   * Creates a directory and its missing parents.
   *
   * @return true if the directory itself was created
   */
  boolean createDirectories(Path dir) throws IOException;

  /** Renames atomically, replacing {@code to} if it exists. */
  void rename(Path from, Path to) throws IOException;

  /** Deletes a file if it exists. */
  void delete(Path file) throws IOException;

  /** Makes a directory's entries (created, renamed, deleted files) durable. */
  void forceDirectory(Path dir) throws IOException;
}
