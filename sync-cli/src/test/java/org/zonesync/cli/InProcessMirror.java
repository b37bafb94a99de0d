// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code zonesync} tool run in-process for tests in other packages (the interop tests):
 * {@code Main.run(args)} of a long-running {@code mirror} on a thread of its own, with
 * System.out and System.err in {@link LineSink}s, stopped by interrupting it (the way an
 * embedding caller stops it; SIGTERM runs the same close); and one-shot commands with their
 * output captured. Stream swaps happen under the lock {@code MainTest.run} uses.
 */
public final class InProcessMirror implements AutoCloseable {

  /** How long {@link #stop()} waits for the mirror to return. */
  static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private final LineSink out = new LineSink();
  private final LineSink err = new LineSink();
  private final PrintStream oldOut = System.out;
  private final PrintStream oldErr = System.err;
  private final Thread thread;
  private volatile int code = -1;

  /**
   * Starts {@code Main.run(args)} on a new thread.
   *
   * @param args the command line, e.g. {@code mirror --config FILE}
   */
  public InProcessMirror(String... args) {
    synchronized (MainTest.class) {
      System.setOut(out.stream());
      System.setErr(err.stream());
    }
    thread = new Thread(() -> code = Main.run(args), "mirror-under-test");
    thread.start();
  }

  /** Returns what the mirror printed on stdout. */
  public LineSink out() {
    return out;
  }

  /** Returns what the mirror printed on stderr. */
  public LineSink err() {
    return err;
  }

  /**
   * Interrupts the mirror, waits for it to return and restores the streams.
   *
   * @return its exit status
   */
  public int stop() throws InterruptedException {
    thread.interrupt();
    thread.join(STOP_WAIT.toMillis());
    synchronized (MainTest.class) {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    assertFalse(thread.isAlive(), "mirror still running " + STOP_WAIT.toSeconds()
        + " s after the interrupt");
    return code;
  }

  /** Stops the mirror if it still runs. */
  @Override
  public void close() {
    if (thread.isAlive()) {
      try {
        stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * What a one-shot command returned and printed.
   *
   * @param code the exit status
   * @param out stdout
   * @param err stderr
   */
  public record Result(int code, String out, String err) {
  }

  /**
   * Runs a one-shot command such as {@code status --control PATH} with its output captured.
   *
   * @param args the command line
   * @return the exit status and output
   */
  public static Result run(String... args) {
    synchronized (MainTest.class) {
      PrintStream before = System.out;
      PrintStream beforeErr = System.err;
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      ByteArrayOutputStream e = new ByteArrayOutputStream();
      try {
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int c = Main.run(args);
        return new Result(c, o.toString(StandardCharsets.UTF_8),
            MainTest.withoutAgentLines(e.toString(StandardCharsets.UTF_8)));
      } finally {
        System.setOut(before);
        System.setErr(beforeErr);
      }
    }
  }

  /**
   * Parses a {@code status} answer (without its {@code ok} line): zone name to key to value.
   *
   * @param text the lines
   * @return the zones in answer order
   */
  public static Map<String, Map<String, String>> statusBlocks(String text) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    Map<String, String> cur = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("zone: ")) {
        cur = new LinkedHashMap<>();
        out.put(line.substring("zone: ".length()), cur);
      } else if (cur != null && line.startsWith("  ")) {
        int colon = line.indexOf(": ");
        cur.put(line.substring(2, colon), line.substring(colon + 2));
      }
    }
    return out;
  }
}
