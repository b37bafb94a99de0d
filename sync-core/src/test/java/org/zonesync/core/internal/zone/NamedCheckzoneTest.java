// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks that BIND's {@code named-checkzone} loads what {@link CompactZone#writeMasterFile}
 * writes. Skipped when BIND is not installed, except in CI, where it must be.
 */
@Tag("interop")
final class NamedCheckzoneTest {

  private static final List<Path> CANDIDATES =
      List.of(Path.of("/usr/bin/named-checkzone"), Path.of("/usr/sbin/named-checkzone"));

  private static Path checkzone() {
    Optional<Path> found = CANDIDATES.stream().filter(Files::isExecutable).findFirst();
    if (found.isEmpty()) {
      String message = "named-checkzone not found at " + CANDIDATES;
      if ("true".equals(System.getenv("CI"))) {
        fail(message + " and CI=true: install bind9-utils");
      }
      Assumptions.abort(message + "; skipping");
    }
    return found.get();
  }

  private static CompactZone zone() throws ZoneContentException {
    String o = "Example.COM.";
    return ZoneTestData.build(o, ZoneTestData.soaLine(o),
        "example.com. 3600 IN NS NS1.example.com.",
        "example.com. 3600 IN NS ns2.Example.com.",
        "example.com. 3600 IN MX 10 mail.example.com.",
        "example.com. 3600 IN TXT \"v=spf1 -all\" \"quote\\\" and \\\\ and \\255\"",
        "example.com. 3600 IN CAA 0 issue \"ca.example.net\"",
        "ns1.example.com. 3600 IN A 192.0.2.53",
        "NS2.example.com. 3600 IN AAAA 2001:db8::53",
        "mail.example.com. 300 IN A 192.0.2.25",
        "www.Example.com. 300 IN A 192.0.2.1",
        "www.example.com. 300 IN A 192.0.2.2",
        "www.example.com. 300 IN AAAA 2001:db8::1",
        "alias.example.com. 300 IN CNAME www.EXAMPLE.com.",
        "_sip._tcp.example.com. 300 IN SRV 10 5 5060 www.example.com.",
        "1.2.0.192.example.com. 300 IN PTR www.example.com.",
        "odd\\.dot\\032space.example.com. 300 IN TXT \"owner with a dot and a space\"",
        "x.example.com. 300 IN TYPE65280 \\# 3 00C0FF",
        "x.example.com. 300 IN TYPE65534 \\# 0",
        "generic.example.com. 300 IN TYPE1 \\# 4 C0000204",
        "sub.example.com. 300 IN NS ns.sub.example.com.",
        "ns.sub.example.com. 300 IN A 192.0.2.99",
        "sub.example.com. 300 IN DS 12345 13 2 "
            + "3B2A30C4D34B5CC8A94DF41CB7C4D06F2B2D5CB3D13F4F3E7E9C4C2E1B0A9F8E");
  }

  @Test
  void writtenMasterFile_loadsInNamedCheckzone(@TempDir Path dir) throws Exception {
    Path binary = checkzone();
    CompactZone zone = zone();
    Path file = dir.resolve("example.com.zone");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      zone.writeMasterFile(w);
    }
    Process p = new ProcessBuilder(binary.toString(), "-k", "fail", "-i", "full",
        "example.com", file.toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "named-checkzone did not finish");
    assertEquals(0, p.exitValue(),
        () -> "named-checkzone failed:\n" + output + "\nfile:\n" + read(file));
    assertTrue(output.contains("loaded serial 2024010101"), output);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
