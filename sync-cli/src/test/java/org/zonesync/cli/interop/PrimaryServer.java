// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.xbill.DNS.Name;

/**
 * A real primary name server run as a child process ({@link NamedProcess}, {@link
 * KnotProcess}) that serves zones from master files the test edits, and journals the
 * differences between successive files so that it can answer IXFR.
 */
interface PrimaryServer extends AutoCloseable {

  /** Returns the program's name, for messages ("named", "knotd"). */
  String program();

  /** Returns the loopback address and port the server listens on (TCP and UDP). */
  InetSocketAddress address();

  /** Returns the port the server listens on. */
  default int port() {
    return address().getPort();
  }

  /**
   * Makes the server load the zone's edited master file, and waits until it serves
   * {@code serial}: the server journals the difference, which it then serves by IXFR.
   *
   * @throws org.opentest4j.AssertionFailedError with the server's log if it does not
   */
  void reload(Name zone, long serial) throws IOException, InterruptedException;

  /**
   * Stops the server, deletes every zone's journal, runs {@code whileStopped} and starts the
   * server again on the same port and directory, waiting until it answers for every zone: the
   * zones are then served from their master files alone, with no history for IXFR.
   *
   * @throws org.opentest4j.AssertionFailedError with the server's log if it does not come up
   */
  void restartWithoutJournals(WhileStopped whileStopped) throws IOException, InterruptedException;

  /** Returns what the server has logged so far (since its last start). */
  String log();

  /** Stops the server and deletes its directory. */
  @Override
  void close() throws IOException;

  /** Work done while the server is stopped, e.g. editing a master file. */
  @FunctionalInterface
  interface WhileStopped {
    /** Does the work. */
    void run() throws IOException;
  }
}
