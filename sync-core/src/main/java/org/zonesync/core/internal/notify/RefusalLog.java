// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notify;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Rate-limits the log lines about refused and dropped requests (NOTIFY, TESTPLAN D11; transfer
 * requests): at most one line
 * per source per second, and at most {@link #GLOBAL_PER_SECOND} lines per second in all, so a
 * flood from spoofed addresses cannot flood the log either. Suppressed lines are counted; the next
 * line logged for a source says how many of its lines were suppressed. Thread-safe.
 */
public final class RefusalLog {
  /** Sources remembered; the least recently seen is forgotten first. */
  static final int MAX_SOURCES = 1024;
  /** Lines logged per second over all sources. */
  static final int GLOBAL_PER_SECOND = 20;
  private static final long WINDOW_MILLIS = 1000;

  private final InstantSource clock;
  private final Consumer<String> sink;
  /** Per source: {start of its window in ms, lines suppressed since its last logged line}. */
  private final Map<Object, long[]> windows = new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Object, long[]> eldest) {
      return size() > MAX_SOURCES;
    }
  };
  private long globalWindow = Long.MIN_VALUE;
  private int globalCount;
  private long suppressed;

  /**
   * Creates the limiter.
   *
   * @param clock the clock of the one-second windows
   * @param sink where the lines go, e.g. a logger's {@code info}
   */
  public RefusalLog(InstantSource clock, Consumer<String> sink) {
    this.clock = clock;
    this.sink = sink;
  }

  /**
   * Logs a line about {@code source} unless it is over its rate; the text is built only if the
   * line is logged.
   */
  public void log(Object source, Supplier<String> line) {
    String text;
    synchronized (this) {
      long now = clock.millis();
      long[] w = windows.get(source);
      if (w != null && now >= w[0] && now - w[0] < WINDOW_MILLIS) {
        w[1]++;
        suppressed++;
        return;
      }
      long second = Math.floorDiv(now, WINDOW_MILLIS);
      if (second != globalWindow) {
        globalWindow = second;
        globalCount = 0;
      }
      if (globalCount >= GLOBAL_PER_SECOND) {
        if (w != null) {
          w[1]++;
        }
        suppressed++;
        return;
      }
      globalCount++;
      long before = w == null ? 0 : w[1];
      windows.put(source, new long[] {now, 0});
      text = before == 0 ? line.get() : line.get() + " (" + before + " similar suppressed)";
    }
    sink.accept(text);
  }

  /** Returns how many lines were suppressed so far. */
  synchronized long suppressed() {
    return suppressed;
  }
}
