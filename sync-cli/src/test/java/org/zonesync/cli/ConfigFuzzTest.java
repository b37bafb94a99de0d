// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target for the mirror configuration parser: any bytes either give a configuration with at
 * least one zone, each with at least one primary, or a {@link ConfigException} whose message
 * starts with the file's name; no other exception, error or hang escapes (snakeyaml-engine's own
 * exceptions included). Relative key files resolve against a directory holding the sample's
 * {@code transfer.key}. Seeds in {@code ConfigFuzzTestInputs/parse/} (the sample, a minimal file,
 * an alias bomb, deep nesting, bad values) run as regression tests in every build; set
 * JAZZER_FUZZ=1 to fuzz (60 s).
 */
final class ConfigFuzzTest {

  private static final Path BASE = base();

  private static Path base() {
    try (InputStream key = ConfigFuzzTest.class.getResourceAsStream("transfer.key")) {
      Path dir = Files.createTempDirectory("zonesync-config-fuzz-");
      dir.toFile().deleteOnExit();
      Path file = dir.resolve("transfer.key");
      Files.write(file, key.readAllBytes());
      file.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void parse(byte[] data) {
    MirrorConfig config;
    try {
      config = new ConfigParser("fuzz.yaml", BASE, 1000).parse(data);
    } catch (ConfigException e) {
      assertTrue(e.getMessage().startsWith("fuzz.yaml"), e.getMessage());
      assertFalse(e.problem().isEmpty());
      return;
    }
    assertNotNull(config);
    assertFalse(config.zones().isEmpty());
    config.zones().forEach(z -> assertFalse(z.primaries().isEmpty(), z::toString));
  }
}
