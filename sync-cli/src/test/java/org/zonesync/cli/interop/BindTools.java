// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.zonesync.api.TsigKey;

/**
 * Finds the BIND 9 programs and runs them as child processes. A missing program skips the
 * interop tests on a developer machine but fails them in CI ({@code CI=true}), where
 * {@code .ci/run} installs bind9 and a silent skip would hide that nothing was tested.
 */
final class BindTools {

  /** Bound on one tool run; a tool that hangs longer is killed and the test fails. */
  private static final Duration RUN_LIMIT = Duration.ofSeconds(60);

  private static final List<String> DIRS = List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin",
      "/usr/local/bin", "/sbin", "/bin");

  /** What a finished tool run produced. */
  record Exec(List<String> command, int exitCode, String stdout, String stderr) {
    /**
     * Returns the command, exit code and both outputs, for failure messages; the argument after
     * {@code -y} (a TSIG secret) is masked.
     */
    String describe() {
      return redact(command) + " -> exit " + exitCode + "\n--- stdout\n" + stdout
          + "\n--- stderr\n" + stderr;
    }
  }

  private BindTools() {
  }

  /**
   * Returns the path of a required BIND program: skips the calling test when it is missing,
   * fails it instead when {@code CI} is {@code true}.
   */
  static Path require(String program) {
    return require(program, "bind9 (named) and bind9-dnsutils/bind9-utils (dig,"
        + " named-checkzone)");
  }

  /**
   * Returns the path of a required program: skips the calling test when it is missing, fails
   * it instead when {@code CI} is {@code true}.
   *
   * @param program the program's file name
   * @param packages the Debian packages to install, for the message
   */
  static Path require(String program, String packages) {
    Optional<Path> p = find(program);
    if (p.isPresent()) {
      return p.get();
    }
    String why = program + " not found in " + DIRS + " or PATH; install " + packages
        + " to run the interop tests";
    if ("true".equals(System.getenv("CI"))) {
      return fail("CI=true but " + why);
    }
    return Assumptions.abort(why);
  }

  /** Returns the path of a BIND program if it is installed. */
  static Optional<Path> find(String program) {
    List<String> dirs = new ArrayList<>(DIRS);
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(java.io.File.pathSeparator)));
    }
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Joins a command line, masking the TSIG secret that follows {@code -y}. */
  static String redact(List<String> command) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < command.size(); i++) {
      if (i > 0) {
        b.append(' ');
      }
      b.append(i > 0 && command.get(i - 1).equals("-y") ? "<key>" : command.get(i));
    }
    return b.toString();
  }

  /**
   * Runs a command to completion, its outputs captured in files (no pipe can fill up).
   *
   * @param command the program and its arguments
   * @return the exit code and outputs
   */
  static Exec run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("zonesync-tool-", ".out");
    Path err = Files.createTempFile("zonesync-tool-", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
          .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
              new java.io.File("/dev/null"))).start();
      if (!p.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        return fail(redact(command) + " still running after " + RUN_LIMIT.toSeconds()
            + " s; killed");
      }
      return new Exec(List.copyOf(command), p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * Returns the AXFR of {@code zone} as {@code dig} receives it from 127.0.0.1:{@code port},
   * signed with {@code key}: the records in order, parsed by dnsjava, without dig's TSIG lines
   * and without the closing SOA.
   */
  static List<Record> digAxfr(int port, TsigKey key, Name zone) throws Exception {
    Exec dig = run(List.of(require("dig").toString(),
        "@127.0.0.1", "-p", Integer.toString(port), "-y",
        key.algorithm().keyword() + ":" + key.name().toString(true) + ":" + key.secretBase64(),
        zone.toString(), "AXFR", "+nocmd", "+nostats", "+nocomments"));
    assertEquals(0, dig.exitCode(), dig::describe);
    assertFalse(dig.stdout().contains("Transfer failed"), dig::describe);
    StringBuilder kept = new StringBuilder();
    for (String line : dig.stdout().split("\n", -1)) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 3 && f[3].equals("TSIG")) {
        continue; // dig prints the TSIG records; dnsjava has no text form for them
      }
      kept.append(line).append('\n');
    }
    List<Record> records = new ArrayList<>();
    try (Master m = new Master(new ByteArrayInputStream(
        kept.toString().getBytes(StandardCharsets.UTF_8)), Name.root)) {
      Record r;
      while ((r = m.nextRecord()) != null) {
        records.add(r);
      }
    }
    assertTrue(records.size() >= 2, dig::describe);
    assertEquals(Type.SOA, records.get(0).getType(), dig::describe);
    Record last = records.remove(records.size() - 1);
    assertEquals(records.get(0), last, "dig's AXFR does not end with the opening SOA");
    return records;
  }

  /** Stops a server: SIGTERM, then SIGKILL if it is still running after 5 s. */
  static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Deletes a directory tree, deepest entries first; a missing root is fine. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
