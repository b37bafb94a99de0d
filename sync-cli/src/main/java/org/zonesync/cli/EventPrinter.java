// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.ReplicaListener;

/**
 * Prints one line per replica event that an operator acts on: a transfer finished or failed, a
 * zone expired or recovered, a NOTIFY refused. Each line starts with the event's time (UTC,
 * seconds) and {@code zone NAME:}. The listener only formats and queues the line; a daemon thread
 * writes it, so a slow terminal or a full pipe never holds up the engine. When more than
 * {@link #QUEUE} lines wait, new ones are dropped and counted, and the count is printed once the
 * queue drains. Thread-safe.
 */
final class EventPrinter implements ReplicaListener, AutoCloseable {

  /** Lines waiting at most. */
  static final int QUEUE = 10_000;

  private static final String STOP = new String("stop"); // compared by identity

  private final PrintStream out;
  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;

  /**
   * Starts the writer thread.
   *
   * @param out where the lines go
   */
  EventPrinter(PrintStream out) {
    this.out = out;
    this.writer = new Thread(this::write, "zonesync-events");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Returns the line for an event, or empty for the events not printed (transfer started, NOTIFY
   * accepted: the finished or failed transfer that follows says more).
   *
   * @param e the event
   * @return the line, without a line break
   */
  static Optional<String> line(ReplicaEvent e) {
    String text;
    if (e instanceof ReplicaEvent.TransferFinished f) {
      return Optional.of(stamp(e) + MirrorCommand.summary(f.stats()));
    } else if (e instanceof ReplicaEvent.TransferFailed f) {
      text = f.kind() + " from " + f.primary() + " failed: " + f.error().reason()
          + f.fallback().map(k -> "; trying " + k + " next").orElse("");
    } else if (e instanceof ReplicaEvent.RefreshFailed r) {
      text = "refresh failed (" + r.consecutiveFailures() + " in a row): " + r.reason()
          + "; next attempt at " + r.nextAttempt().truncatedTo(ChronoUnit.SECONDS);
    } else if (e instanceof ReplicaEvent.Expired x) {
      text = "expired at serial " + x.serial() + "; no longer served";
    } else if (e instanceof ReplicaEvent.Recovered r) {
      text = "recovered; serving serial " + r.serial();
    } else if (e instanceof ReplicaEvent.NotifyRefused n) {
      text = "notify from " + org.zonesync.api.Primary.format(n.source()) + " refused: "
          + n.reason();
    } else {
      return Optional.empty();
    }
    return Optional.of(stamp(e) + "zone " + e.zone() + ": " + text);
  }

  private static String stamp(ReplicaEvent e) {
    return e.at().truncatedTo(ChronoUnit.SECONDS) + " ";
  }

  @Override
  public void onEvent(ReplicaEvent event) {
    Optional<String> l = line(event);
    if (l.isPresent() && !lines.offer(l.get())) {
      dropped.incrementAndGet();
    }
  }

  private void write() {
    try {
      while (true) {
        String l = lines.take();
        if (l == STOP) {
          return;
        }
        out.println(l);
        long d = lines.isEmpty() ? dropped.getAndSet(0) : 0;
        if (d > 0) {
          out.println("zonesync mirror: " + d + " event lines dropped (more than " + QUEUE
              + " waiting)");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      out.flush();
    }
  }

  /** Writes the lines queued so far (at most 5 s), then stops the writer thread. */
  @Override
  public void close() {
    try {
      if (lines.offer(STOP, 5, TimeUnit.SECONDS)) {
        writer.join(5_000);
      } else {
        writer.interrupt();
      }
    } catch (InterruptedException e) {
      writer.interrupt();
      Thread.currentThread().interrupt();
    }
  }
}
