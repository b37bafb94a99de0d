// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A stream that keeps each printed line, so that a test waits for a line (bounded, on the
 * sink's monitor) instead of sleeping. Thread-safe.
 */
public final class LineSink extends OutputStream {

  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final List<String> all = new ArrayList<>();
  private final Set<Integer> taken = new HashSet<>();

  /** Returns a print stream writing here. */
  public PrintStream stream() {
    return new PrintStream(this, true, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      all.add(partial.toString(StandardCharsets.UTF_8));
      partial.reset();
      notifyAll();
    } else {
      partial.write(b);
    }
  }

  /**
   * Returns the first line that matches and was not returned before, in the order printed,
   * waiting at most {@code timeout} for one.
   *
   * @throws org.opentest4j.AssertionFailedError with every line seen, if none comes in time
   */
  public synchronized String await(Predicate<String> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int scanned = 0;
    while (true) {
      for (; scanned < all.size(); scanned++) {
        if (!taken.contains(scanned) && match.test(all.get(scanned))) {
          taken.add(scanned);
          return all.get(scanned);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return fail("no matching line within " + timeout.toSeconds() + " s; lines:\n"
            + String.join("\n", all));
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Returns every line printed so far. */
  public synchronized List<String> lines() {
    return List.copyOf(all);
  }
}
