// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

/**
 * A long-running command ({@code mirror}, {@code serve}) that runs until it is closed: by
 * SIGTERM or SIGINT (a shutdown hook) or by interrupting the thread that runs it (how an
 * embedding caller stops it).
 */
interface Daemon extends AutoCloseable {

  /**
   * Waits until {@link #close()} has finished.
   *
   * @throws InterruptedException if interrupted first
   */
  void awaitClosed() throws InterruptedException;

  /** Stops everything; later calls return at once. */
  @Override
  void close();

  /**
   * Runs a started daemon until it is closed, closing it on SIGTERM or SIGINT or when the
   * calling thread is interrupted (the interrupt flag is then set again).
   *
   * @param d the daemon
   * @return the exit status, 0
   */
  static int runUntilClosed(Daemon d) {
    Thread hook = new Thread(d::close, "zonesync-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean interrupted = false;
    try {
      d.awaitClosed();
    } catch (InterruptedException e) {
      interrupted = true; // an embedding caller's way to stop: close with the flag clear
    } finally {
      d.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook has run or is running
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return 0;
  }
}
