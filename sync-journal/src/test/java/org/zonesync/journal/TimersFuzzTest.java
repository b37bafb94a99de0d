// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.zonesync.api.spi.ReplicaTimers;

/**
 * Fuzz targets for the timers decoder. {@link #decode} takes arbitrary bytes as a file;
 * {@link #decodeWithValidChecksum} appends the right CRC32C to them first, so that the fuzzer
 * gets past the checksum to the fields. Invariants: only {@link StoreFormatException} escapes
 * the decoder; what decodes encodes to exactly the input bytes (the encoding is canonical, so
 * no file reads as timers other than those saved in it); and a store finding the bytes as
 * {@code timers.zst} answers the same, empty for damage, without an exception. Seeds in
 * {@code TimersFuzzTestInputs/<method>/} (files from the writer, cut, or of a newer version; for
 * the second target without their checksum) run as regression tests in every build; set
 * JAZZER_FUZZ=1 to fuzz (60 s per target).
 */
final class TimersFuzzTest {
  private static final byte[] APEX = RecordCodec.canonical(TestZones.ZONE);
  private static final Path ROOT = Path.of("/fuzz");

  @FuzzTest(maxDuration = "60s")
  void decode(byte[] data) throws Exception {
    check(data);
  }

  @FuzzTest(maxDuration = "60s")
  void decodeWithValidChecksum(byte[] body) throws Exception {
    byte[] data = Arrays.copyOf(body, body.length + 4);
    Buf crc = new Buf(4).u32(JournalFormat.crc(body, 0, body.length));
    System.arraycopy(crc.array(), 0, data, body.length, 4);
    check(data);
  }

  private static void check(byte[] data) throws Exception {
    Optional<ReplicaTimers> decoded;
    try {
      ReplicaTimers t = TimersFormat.decode(data, data.length, APEX);
      assertArrayEquals(data, TimersFormat.encode(t, APEX), "decode then encode changed bytes");
      decoded = Optional.of(t);
    } catch (StoreFormatException expected) {
      decoded = Optional.empty();
    }
    FaultyFiles fs = new FaultyFiles(ROOT);
    fs.createDirectories(ROOT.resolve("example.com"));
    fs.put(ROOT.resolve("example.com").resolve(TimersFile.TIMERS), data);
    FileReplicaStore store = TestZones.store(fs, ROOT, 4, 1 << 20);
    assertEquals(decoded, store.loadTimers(TestZones.ZONE));
  }
}
