// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.journal.ReplicaStoreContractTest.bareTimers;
import static org.zonesync.journal.ReplicaStoreContractTest.fullTimers;
import static org.zonesync.journal.ReplicaStoreContractTest.primary;
import static org.zonesync.journal.TestZones.ZONE;
import static org.zonesync.journal.TestZones.check;
import static org.zonesync.journal.TestZones.deltaFrom;
import static org.zonesync.journal.TestZones.versionAt;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.spi.ReplicaTimers;

/**
 * {@code timers.zst} of the {@link FileReplicaStore}: the bytes against an encoder written
 * from the package documentation, restarts, every single-byte change and every truncation
 * (read as empty and set aside, never an exception, never other values), oversized files
 * (refused unread), leftover temporary files, and independence from the data files.
 */
final class TimersFileTest {
  private static final Path ROOT = Path.of("/fake/store");
  private static final Path DIR = ROOT.resolve("example.com");
  private static final Path TIMERS = DIR.resolve("timers.zst");

  @TempDir
  Path tmp;

  private static FileReplicaStore store(StoreFiles fs) {
    return TestZones.store(fs, ROOT, 4, 1 << 20);
  }

  /** The layout of the package documentation, written independently of TimersFormat. */
  static byte[] spec(ReplicaTimers t, Name zone) {
    ByteBuffer b = ByteBuffer.allocate(512);
    byte[] apex = zone.canonicalize().toWire();
    b.putInt(0x5A544D52).putShort((short) 1).putShort((short) ((t.expiresAt().isPresent() ? 1 : 0)
        | (t.expired() ? 2 : 0) | (t.primary().isPresent() ? 4 : 0)
        | (t.lastSuccess().isPresent() ? 8 : 0)));
    b.put((byte) apex.length).put(apex);
    b.putLong(t.nextRefresh().getEpochSecond()).putInt(t.nextRefresh().getNano());
    b.putInt(t.failures());
    t.expiresAt().ifPresent(i -> b.putLong(i.getEpochSecond()).putInt(i.getNano()));
    t.lastSuccess().ifPresent(i -> b.putLong(i.getEpochSecond()).putInt(i.getNano()));
    t.primary().ifPresent(p -> {
      byte[] raw = p.getAddress().getAddress();
      b.put((byte) raw.length).put(raw);
      if (p.getAddress() instanceof Inet6Address six) {
        b.putInt(six.getScopeId());
      }
      b.putShort((short) p.getPort());
    });
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return Arrays.copyOf(b.array(), b.position());
  }

  private static List<ReplicaTimers> samples() {
    Instant t = Instant.parse("2026-01-02T03:04:05.000000006Z");
    return List.of(fullTimers(), bareTimers(Instant.ofEpochSecond(-5, 7)),
        new ReplicaTimers(t, Optional.of(t), false, 3,
            Optional.of(primary("fe80::53", 8053, 9)), Optional.empty()),
        new ReplicaTimers(t, Optional.empty(), false, 0,
            Optional.of(primary("::ffff:192.0.2.7", 53, 0)), Optional.of(t)));
  }

  @Test
  void savedBytes_matchTheDocumentedLayout() throws Exception {
    FaultyFiles fs = new FaultyFiles(ROOT);
    FileReplicaStore s = store(fs);
    for (ReplicaTimers t : samples()) {
      s.saveTimers(ZONE, t);
      assertArrayEquals(spec(t, ZONE), fs.bytes(TIMERS), t.toString());
    }
    Name upper = Name.fromConstantString("EXAMPLE.com.");
    s.saveTimers(upper, fullTimers());
    assertArrayEquals(spec(fullTimers(), ZONE), fs.bytes(TIMERS), "the apex is canonical");
  }

  @Test
  void reopen_onTheSameDirectory_readsTheTimersBack() throws Exception {
    Path dir = tmp.resolve("store");
    Name other = Name.fromConstantString("example.net.");
    try (FileReplicaStore s = FileReplicaStore.in(dir)) {
      s.saveTimers(ZONE, fullTimers());
      s.saveTimers(other, samples().get(2));
      s.replace(versionAt(3));
    }
    try (FileReplicaStore s = FileReplicaStore.in(dir)) {
      assertEquals(Optional.of(fullTimers()), s.loadTimers(ZONE));
      assertEquals(Optional.of(samples().get(2)), s.loadTimers(other));
      assertEquals(3, check(s));
      s.saveTimers(ZONE, samples().get(1));
    }
    try (FileReplicaStore s = FileReplicaStore.in(dir)) {
      assertEquals(Optional.of(samples().get(1)), s.loadTimers(ZONE));
    }
    assertEquals(List.of("journal.zsj", "snapshot.zs", "timers.zst"), names(dir.resolve(
        "example.com")));
  }

  @Test
  void saveTimers_forAZoneWithoutData_createsItsDirectory_andItStillHoldsNoVersion()
      throws Exception {
    Path dir = tmp.resolve("store");
    try (FileReplicaStore s = FileReplicaStore.in(dir)) {
      s.saveTimers(ZONE, fullTimers());
      assertEquals(List.of("timers.zst"), names(dir.resolve("example.com")));
      assertEquals(-1, check(s));
    }
    try (FileReplicaStore s = FileReplicaStore.in(dir)) {
      assertEquals(-1, check(s), "a timers file alone is no version");
      assertEquals(Optional.of(fullTimers()), s.loadTimers(ZONE));
    }
  }

  @Test
  void saveTimers_touchesOnlyTheTimersFile_andDataWritesNeverTouchIt() throws Exception {
    FaultyFiles fs = new FaultyFiles(ROOT);
    FileReplicaStore s = store(fs);
    s.replace(versionAt(1));
    s.append(deltaFrom(1), versionAt(2));
    byte[] snapshot = fs.bytes(DIR.resolve("snapshot.zs"));
    byte[] journal = fs.bytes(DIR.resolve("journal.zsj"));
    fs.resetCount();
    s.saveTimers(ZONE, fullTimers());
    assertEquals(List.of("create timers.zst.tmp", "write timers.zst.tmp", "force timers.zst.tmp",
        "rename timers.zst.tmp", "fsyncdir example.com"), fs.log());
    assertArrayEquals(snapshot, fs.bytes(DIR.resolve("snapshot.zs")));
    assertArrayEquals(journal, fs.bytes(DIR.resolve("journal.zsj")));
    fs.resetCount();
    for (long v = 2; v < 8; v++) { // appends, compactions
      s.append(deltaFrom(v), versionAt(v + 1));
    }
    s.replace(versionAt(30));
    assertFalse(fs.log().stream().anyMatch(e -> e.contains("timers")), fs.log().toString());
    assertEquals(Optional.of(fullTimers()), store(fs).loadTimers(ZONE));
  }

  /** Puts {@code content} as the timers file; a new store must read empty and set it aside. */
  private static void expectEmpty(FaultyFiles base, byte[] content, String what)
      throws Exception {
    FaultyFiles fs = base.copy();
    fs.put(TIMERS, content);
    FileReplicaStore s = store(fs);
    assertEquals(Optional.empty(), s.loadTimers(ZONE), what);
    List<String> names = fs.list(DIR);
    assertFalse(names.contains("timers.zst"), what + ": not set aside");
    assertTrue(names.contains("timers.zst.corrupt-20260102T030405Z"), what + ": " + names);
    assertEquals(2, check(s), what + ": the data");
    assertEquals(Optional.empty(), s.loadTimers(ZONE), what + ", again");
    s.saveTimers(ZONE, bareTimers(Instant.EPOCH));
    assertEquals(Optional.of(bareTimers(Instant.EPOCH)), store(fs).loadTimers(ZONE), what);
  }

  private static FaultyFiles diskWithDataAndTimers(ReplicaTimers t) throws Exception {
    FaultyFiles fs = new FaultyFiles(ROOT);
    FileReplicaStore s = store(fs);
    s.replace(versionAt(1));
    s.append(deltaFrom(1), versionAt(2));
    s.saveTimers(ZONE, t);
    return fs;
  }

  @Test
  void everySingleByteChange_readsEmpty_neverOtherValues() throws Exception {
    int changes = 0;
    for (ReplicaTimers t : List.of(fullTimers(), bareTimers(Instant.EPOCH))) {
      FaultyFiles fs = diskWithDataAndTimers(t);
      byte[] good = fs.bytes(TIMERS);
      byte[] apex = RecordCodec.canonical(ZONE);
      for (int i = 0; i < good.length; i++) {
        for (int v = 1; v < 256; v++) {
          byte[] bad = good.clone();
          bad[i] ^= (byte) v;
          int at = i;
          assertThrows(StoreFormatException.class,
              () -> TimersFormat.decode(bad, bad.length, apex), () -> "byte " + at);
          FaultyFiles disk = fs.copy();
          disk.put(TIMERS, bad);
          assertEquals(Optional.empty(), store(disk).loadTimers(ZONE), () -> "byte " + at);
          if (v == 1 || v == 0x80 || v == 0xFF) { // the rest of the store path: a sample
            expectEmpty(fs, bad, "byte " + i + " xor " + v);
          }
          changes++;
        }
      }
    }
    assertTrue(changes > 100 * 255, "changes tried: " + changes);
  }

  @Test
  void everyTruncation_readsEmpty() throws Exception {
    FaultyFiles fs = diskWithDataAndTimers(samples().get(2));
    byte[] good = fs.bytes(TIMERS);
    for (int n = 0; n < good.length; n++) {
      expectEmpty(fs, Arrays.copyOf(good, n), "cut to " + n + " of " + good.length);
    }
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    expectEmpty(fs, longer, "one byte appended");
  }

  @Test
  void newerFormatVersion_orAnotherZonesFile_readsEmpty() throws Exception {
    FaultyFiles fs = diskWithDataAndTimers(fullTimers());
    byte[] v2 = fs.bytes(TIMERS);
    v2[5] = 2;
    fixCrc(v2);
    expectEmpty(fs, v2, "format version 2");
    expectEmpty(fs, spec(fullTimers(), Name.fromConstantString("example.net.")),
        "the timers of example.net");
    byte[] flags = spec(bareTimers(Instant.EPOCH), ZONE);
    flags[7] = 0x02; // expired without an expiry time
    fixCrc(flags);
    expectEmpty(fs, flags, "expired without expiry");
  }

  private static void fixCrc(byte[] b) {
    CRC32C crc = new CRC32C();
    crc.update(b, 0, b.length - 4);
    ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
  }

  @Test
  void oversizedFile_readsEmpty_withoutBeingRead() throws Exception {
    FaultyFiles fs = diskWithDataAndTimers(fullTimers());
    byte[] good = fs.bytes(TIMERS);
    for (int size : new int[] {TimersFormat.MAX_SIZE + 1, 1 << 20}) {
      byte[] big = Arrays.copyOf(good, size); // a valid file, then zeros
      CountingFiles counting = new CountingFiles(fs.copy());
      counting.fs.put(TIMERS, big);
      assertEquals(Optional.empty(), store(counting).loadTimers(ZONE), "size " + size);
      assertEquals(0, counting.timersBytesRead, "size " + size + " was read");
      assertFalse(counting.fs.list(DIR).contains("timers.zst"), "set aside");
    }
    CountingFiles atLimit = new CountingFiles(fs.copy());
    atLimit.fs.put(TIMERS, Arrays.copyOf(good, TimersFormat.MAX_SIZE));
    assertEquals(Optional.empty(), store(atLimit).loadTimers(ZONE), "trailing zeros");
    assertEquals(TimersFormat.MAX_SIZE, atLimit.timersBytesRead, "at the limit it is read");
  }

  @Test
  void leftoverTemporaryFile_isIgnored_andRemovedWhenTheZoneOpens() throws Exception {
    FaultyFiles fs = diskWithDataAndTimers(fullTimers());
    Path tmpFile = DIR.resolve("timers.zst.tmp");
    fs.put(tmpFile, spec(bareTimers(Instant.EPOCH), ZONE)); // complete, but never renamed
    FileReplicaStore s = store(fs);
    assertEquals(Optional.of(fullTimers()), s.loadTimers(ZONE));
    assertEquals(2, check(s));
    assertFalse(fs.list(DIR).contains("timers.zst.tmp"), "stray temporary files are removed");

    FaultyFiles fresh = new FaultyFiles(ROOT);
    store(fresh).saveTimers(Name.fromConstantString("example.net."), fullTimers());
    fresh.put(tmpFile, new byte[] {0x5A, 0x54}); // a torn first save
    FileReplicaStore s2 = store(fresh);
    assertEquals(Optional.empty(), s2.loadTimers(ZONE));
    s2.saveTimers(ZONE, fullTimers());
    assertEquals(Optional.of(fullTimers()), store(fresh).loadTimers(ZONE));
    assertEquals(List.of("timers.zst"), fresh.list(DIR));
  }

  @Test
  void unresolvedPrimary_isRefused_andThePreviousTimersStay() throws Exception {
    FaultyFiles fs = diskWithDataAndTimers(fullTimers());
    FileReplicaStore s = store(fs);
    ReplicaTimers bad = new ReplicaTimers(Instant.EPOCH, Optional.empty(), false, 0,
        Optional.of(InetSocketAddress.createUnresolved("ns1.example.net", 53)),
        Optional.empty());
    fs.resetCount();
    assertThrows(ReplicaStoreException.class, () -> s.saveTimers(ZONE, bad));
    assertEquals(List.of(), fs.log());
    assertEquals(Optional.of(fullTimers()), s.loadTimers(ZONE));
  }

  @Test
  void saveOverSomethingThatCannotBeReplaced_isAnErrorTheCallerSees() throws Exception {
    Path dir = tmp.resolve("store");
    Files.createDirectories(dir.resolve("example.com/timers.zst/x"));
    try (FileReplicaStore s = FileReplicaStore.in(dir)) {
      assertThrows(ReplicaStoreException.class, () -> s.saveTimers(ZONE, fullTimers()));
      s.replace(versionAt(1));
      assertEquals(1, check(s));
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> st = Files.list(dir)) {
      return st.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Counts the bytes read from {@code timers.zst}; everything else goes to a FaultyFiles. */
  private static final class CountingFiles implements StoreFiles {
    final FaultyFiles fs;
    long timersBytesRead;

    CountingFiles(FaultyFiles fs) {
      this.fs = fs;
    }

    @Override
    public Handle openRead(Path file) throws IOException {
      Handle h = fs.openRead(file);
      if (!file.equals(TIMERS)) {
        return h;
      }
      return new Handle() {
        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
          int n = h.read(dst, position);
          timersBytesRead += Math.max(0, n);
          return n;
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
          h.write(src, position);
        }

        @Override
        public void force() throws IOException {
          h.force();
        }

        @Override
        public void truncate(long size) throws IOException {
          h.truncate(size);
        }

        @Override
        public long size() throws IOException {
          return h.size();
        }

        @Override
        public void close() throws IOException {
          h.close();
        }
      };
    }

    @Override
    public Handle openWrite(Path file, boolean create) throws IOException {
      return fs.openWrite(file, create);
    }

    @Override
    public List<String> list(Path dir) {
      return fs.list(dir);
    }

    @Override
    public boolean createDirectories(Path dir) throws IOException {
      return fs.createDirectories(dir);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
      fs.rename(from, to);
    }

    @Override
    public void delete(Path file) throws IOException {
      fs.delete(file);
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
      fs.forceDirectory(dir);
    }
  }
}
