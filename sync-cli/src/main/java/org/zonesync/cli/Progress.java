// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.zonesync.core.TransferProgress;

/**
 * Shows records, bytes and rate on one terminal line for transfers that take longer than about
 * a second; silent when stderr is not a terminal or when asked to be quiet.
 */
final class Progress implements TransferProgress {

  private static final long FIRST_NANOS = 1_000_000_000L;
  private static final long EVERY_NANOS = 250_000_000L;

  private final PrintStream err;
  private final boolean enabled;
  private final LongSupplier nanoTime;
  private final long start;
  private long lastShown;
  private boolean shown;

  Progress(PrintStream err, boolean enabled, LongSupplier nanoTime) {
    this.err = err;
    this.enabled = enabled;
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
  }

  static Progress forTerminal(boolean quiet) {
    return new Progress(System.err, !quiet && System.console() != null, System::nanoTime);
  }

  @Override
  public void update(long messages, long records, long bytes) {
    if (!enabled) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (now - start < FIRST_NANOS || now - lastShown < EVERY_NANOS) {
      return;
    }
    lastShown = now;
    shown = true;
    double secs = (now - start) / 1e9;
    err.printf(Locale.ROOT, "\r%,d records, %,.1f MiB, %,.0f records/s   ", records,
        bytes / 1048576.0, records / secs);
    err.flush();
  }

  void done() {
    if (shown) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
