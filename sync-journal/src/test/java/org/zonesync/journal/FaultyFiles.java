// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory {@link StoreFiles} that injects faults and simulates power loss.
 *
 * <p>Every mutating call (open for writing, write, force, truncate, rename, delete, mkdir,
 * directory force) is one numbered operation. {@link #failAt} makes operation N throw: with
 * {@link Fault#THROW} the "process" goes on (a write applies half of its bytes first, as a
 * short write would); with {@link Fault#CRASH} every later operation fails too, and
 * {@link #afterPowerLoss} gives the disk a reboot would find.
 *
 * <p>The model keeps, per file, the bytes as the page cache holds them and the bytes as last
 * forced, and per directory the names as they are now and as last forced. A power loss keeps
 * either kind of each, so tests can drop unforced bytes, unforced renames, or both.
 */
final class FaultyFiles implements StoreFiles {

  enum Fault { THROW, CRASH }

  /** What survives a power loss. */
  enum Loss {
    /** Only forced bytes and forced directory entries. */
    DROP_ALL(false, false),
    /** Forced bytes; every rename and new file (metadata flushed, data not). */
    KEEP_NAMES(false, true),
    /** Every written byte; only forced directory entries. */
    KEEP_BYTES(true, false),
    /** Everything, as after kill -9 of the process alone. */
    KEEP_ALL(true, true);

    final boolean bytes;
    final boolean names;

    Loss(boolean bytes, boolean names) {
      this.bytes = bytes;
      this.names = names;
    }
  }

  private static final class Node {
    byte[] cur = new byte[0];
    byte[] durable = new byte[0];
  }

  private final Map<Path, Node> names = new HashMap<>();
  private final Map<Path, Node> durableNames = new HashMap<>();
  private final Set<Path> dirs = new HashSet<>();
  private final Set<Path> durableDirs = new HashSet<>();
  private final List<String> log = new ArrayList<>();
  private int ops;
  private int failAt;
  private Fault fault = Fault.THROW;
  private boolean crashed;

  /** A disk holding only {@code root} and its parents. */
  FaultyFiles(Path root) {
    for (Path p = root; p != null; p = p.getParent()) {
      dirs.add(p);
      durableDirs.add(p);
    }
  }

  private FaultyFiles() {
  }

  /** Makes operation {@code n} (counted from the last {@link #resetCount}) fail; 0: never. */
  void failAt(int n, Fault f) {
    failAt = n;
    fault = f;
  }

  void resetCount() {
    ops = 0;
    log.clear();
  }

  int count() {
    return ops;
  }

  /** The operations since the last {@link #resetCount}, e.g. "force journal.zsj". */
  List<String> log() {
    return List.copyOf(log);
  }

  private boolean failsNext() {
    return !crashed && ops + 1 == failAt;
  }

  private void op(String what, Path p) throws IOException {
    if (crashed) {
      throw new IOException("simulated power loss: device gone");
    }
    ops++;
    log.add(what + " " + p.getFileName());
    if (ops == failAt) {
      if (fault == Fault.CRASH) {
        crashed = true;
      }
      throw new IOException("injected fault at operation " + ops + ": " + what + " " + p);
    }
  }

  /** The disk as a reboot finds it; faults cleared. */
  FaultyFiles afterPowerLoss(Loss loss) {
    FaultyFiles f = new FaultyFiles();
    Set<Path> ds = loss.names ? dirs : durableDirs;
    for (Path d : ds) {
      if (d.getParent() == null || ds.contains(d.getParent())) {
        f.dirs.add(d);
      }
    }
    f.durableDirs.addAll(f.dirs);
    Map<Path, Node> ns = loss.names ? names : durableNames;
    for (Map.Entry<Path, Node> e : ns.entrySet()) {
      if (f.dirs.contains(e.getKey().getParent())) {
        Node n = new Node();
        n.cur = (loss.bytes ? e.getValue().cur : e.getValue().durable).clone();
        n.durable = n.cur;
        f.names.put(e.getKey(), n);
        f.durableNames.put(e.getKey(), n);
      }
    }
    return f;
  }

  /** An exact copy, faults cleared: the same process state, for another run. */
  FaultyFiles copy() {
    FaultyFiles f = new FaultyFiles();
    Map<Node, Node> map = new IdentityHashMap<>();
    for (Node n : names.values()) {
      map.computeIfAbsent(n, FaultyFiles::clone);
    }
    for (Node n : durableNames.values()) {
      map.computeIfAbsent(n, FaultyFiles::clone);
    }
    names.forEach((k, v) -> f.names.put(k, map.get(v)));
    durableNames.forEach((k, v) -> f.durableNames.put(k, map.get(v)));
    f.dirs.addAll(dirs);
    f.durableDirs.addAll(durableDirs);
    return f;
  }

  private static Node clone(Node n) {
    Node c = new Node();
    c.cur = n.cur.clone();
    c.durable = n.durable.clone();
    return c;
  }

  /** Returns a file's current bytes, for damage tests. */
  byte[] bytes(Path file) throws NoSuchFileException {
    return node(file).cur.clone();
  }

  /** Replaces a file's bytes, durably, for damage tests. */
  void put(Path file, byte[] content) {
    Node n = names.computeIfAbsent(file, k -> new Node());
    n.cur = content.clone();
    n.durable = n.cur;
    durableNames.put(file, n);
  }

  private Node node(Path file) throws NoSuchFileException {
    Node n = names.get(file);
    if (n == null) {
      throw new NoSuchFileException(file.toString());
    }
    return n;
  }

  private final class H implements Handle {
    private final Node n;
    private final Path p;
    private final boolean writable;

    H(Node n, Path p, boolean writable) {
      this.n = n;
      this.p = p;
      this.writable = writable;
    }

    @Override
    public int read(ByteBuffer dst, long position) {
      if (position >= n.cur.length) {
        return -1;
      }
      int k = (int) Math.min(dst.remaining(), n.cur.length - position);
      dst.put(n.cur, (int) position, k);
      return k;
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      check();
      if (failsNext()) {
        int half = src.remaining() / 2; // a short, torn write before the failure
        apply(src.slice().limit(half), position);
      }
      op("write", p);
      apply(src, position);
    }

    private void apply(ByteBuffer src, long position) {
      int end = (int) position + src.remaining();
      if (end > n.cur.length) {
        n.cur = Arrays.copyOf(n.cur, end);
      }
      src.get(n.cur, (int) position, src.remaining());
    }

    @Override
    public void force() throws IOException {
      check();
      op("force", p);
      n.durable = n.cur.clone();
    }

    @Override
    public void truncate(long size) throws IOException {
      check();
      op("truncate", p);
      if (size < n.cur.length) {
        n.cur = Arrays.copyOf(n.cur, (int) size);
      }
    }

    @Override
    public long size() {
      return n.cur.length;
    }

    @Override
    public void close() {
    }

    private void check() throws IOException {
      if (!writable) {
        throw new IOException("opened for reading: " + p);
      }
    }
  }

  @Override
  public Handle openRead(Path file) throws IOException {
    return new H(node(file), file, false);
  }

  @Override
  public Handle openWrite(Path file, boolean create) throws IOException {
    if (!dirs.contains(file.getParent())) {
      throw new NoSuchFileException(file.getParent().toString());
    }
    if (!create) {
      Node n = node(file);
      op("open", file);
      return new H(n, file, true);
    }
    op("create", file);
    Node n = names.get(file);
    if (n == null) {
      n = new Node();
      names.put(file, n);
    } else {
      n.cur = new byte[0];
    }
    return new H(n, file, true);
  }

  @Override
  public List<String> list(Path dir) {
    List<String> out = new ArrayList<>();
    if (!dirs.contains(dir)) {
      return out;
    }
    for (Path p : names.keySet()) {
      if (dir.equals(p.getParent())) {
        out.add(p.getFileName().toString());
      }
    }
    for (Path p : dirs) {
      if (dir.equals(p.getParent())) {
        out.add(p.getFileName().toString());
      }
    }
    return out;
  }

  @Override
  public boolean createDirectories(Path dir) throws IOException {
    if (dirs.contains(dir)) {
      return false;
    }
    op("mkdir", dir);
    for (Path p = dir; p != null && !dirs.contains(p); p = p.getParent()) {
      dirs.add(p);
    }
    return true;
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    op("rename", from);
    Node n = names.remove(from);
    if (n == null) {
      throw new NoSuchFileException(from.toString());
    }
    names.put(to, n);
  }

  @Override
  public void delete(Path file) throws IOException {
    op("delete", file);
    names.remove(file);
  }

  @Override
  public void forceDirectory(Path dir) throws IOException {
    op("fsyncdir", dir);
    durableNames.keySet().removeIf(p -> dir.equals(p.getParent()));
    names.forEach((p, n) -> {
      if (dir.equals(p.getParent())) {
        durableNames.put(p, n);
      }
    });
    for (Path d : dirs) {
      if (dir.equals(d.getParent())) {
        durableDirs.add(d);
      }
    }
  }
}
