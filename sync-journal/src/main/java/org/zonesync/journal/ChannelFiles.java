// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** {@link StoreFiles} on the real file system, through {@link FileChannel}. */
enum ChannelFiles implements StoreFiles {
  INSTANCE;

  /** Windows cannot open a directory to force it; NTFS journals metadata itself. */
  private static final boolean WINDOWS = System.getProperty("os.name", "")
      .toLowerCase(Locale.ROOT).startsWith("windows");

  private record ChannelHandle(FileChannel ch) implements Handle {
    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return ch.read(dst, position);
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      long p = position;
      while (src.hasRemaining()) {
        p += ch.write(src, p);
      }
    }

    @Override
    public void force() throws IOException {
      ch.force(true);
    }

    @Override
    public void truncate(long size) throws IOException {
      ch.truncate(size);
    }

    @Override
    public long size() throws IOException {
      return ch.size();
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }

  @Override
  public Handle openRead(Path file) throws IOException {
    return new ChannelHandle(FileChannel.open(file, StandardOpenOption.READ));
  }

  @Override
  public Handle openWrite(Path file, boolean create) throws IOException {
    FileChannel ch = create
        ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)
        : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new ChannelHandle(ch);
  }

  @Override
  public List<String> list(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    } catch (NoSuchFileException e) {
      return List.of();
    }
    return names;
  }

  @Override
  public boolean createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return false;
    }
    Files.createDirectories(dir);
    return true;
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  @Override
  public void forceDirectory(Path dir) throws IOException {
    if (WINDOWS) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
