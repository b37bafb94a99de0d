// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build's check of STYLE.md section 7: every Java source of every module starts with the
 * one-line SPDX header. Runs from sync-api's directory and walks the whole project.
 */
final class SourceHeaderTest {

  static final String HEADER = "// SPDX-License-Identifier: Apache-2.0";

  @Test
  void everyJavaSource_startsWithTheSpdxHeader() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    assertTrue(Files.exists(root.resolve("pom.xml")), "project root not found from " + root);
    List<Path> sources;
    try (Stream<Path> files = Files.walk(root)) {
      sources = files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/"))
          .filter(p -> !p.toString().contains("/target/"))
          .toList();
    }
    assertTrue(sources.size() > 100, "only " + sources.size() + " sources found under " + root);
    List<Path> missing = sources.stream().filter(p -> !startsWithHeader(p)).toList();
    assertEquals(List.of(), missing, "sources without '" + HEADER + "' on line 1");
  }

  private static boolean startsWithHeader(Path p) {
    try (Stream<String> lines = Files.lines(p, StandardCharsets.UTF_8)) {
      return lines.findFirst().map(HEADER::equals).orElse(false);
    } catch (IOException e) {
      return false;
    }
  }
}
