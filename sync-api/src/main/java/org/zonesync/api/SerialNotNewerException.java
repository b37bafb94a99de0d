// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import org.xbill.DNS.Name;

/**
 * A primary's zone is not newer than ours: its SOA serial is lower, or at the undefined distance
 * of 2^31 (RFC 1982 section 3.2), or a transfer announced as newer brought a serial that is not
 * (the primary flapped). Its zone is ignored until ours expires or an operator asks for a
 * retransfer, and the refresh counts as failed so that the expire timer keeps running.
 * Retryable.
 *
 * @since 0.2
 */
public final class SerialNotNewerException extends TransferException {
  private static final long serialVersionUID = 1L;

  private final SerialNumber ours;
  private final SerialNumber theirs;

  /**
   * Creates the exception.
   *
   * @param ours the serial held here
   * @param theirs the serial the primary answered
   * @param zone the zone
   * @param remote the primary
   */
  public SerialNotNewerException(SerialNumber ours, SerialNumber theirs, Name zone,
      InetSocketAddress remote) {
    super("primary " + Primary.format(requireNonNull(remote, "remote")) + " has serial "
        + theirs + ", " + relation(theirs, ours) + " ours " + ours, zone, remote, null);
    this.ours = ours;
    this.theirs = theirs;
  }

  private static String relation(SerialNumber theirs, SerialNumber ours) {
    return switch (theirs.relationTo(ours)) {
      case UNDEFINED -> "at the undefined distance from";
      case OLDER -> "lower than";
      default -> "not newer than";
    };
  }

  /** Returns the serial held here. */
  public SerialNumber ours() {
    return ours;
  }

  /** Returns the serial the primary answered. */
  public SerialNumber theirs() {
    return theirs;
  }

  @Override
  public boolean isRetryable() {
    return true;
  }

  @Override
  public String reason() {
    return "serial: " + getMessage();
  }
}
