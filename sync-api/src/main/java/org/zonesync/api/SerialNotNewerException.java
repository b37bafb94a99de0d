// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import org.xbill.DNS.Name;

/**
 * A refresh found only primaries whose serial is lower than ours, or at the undefined distance
 * of 2^31 (RFC 1982 section 3.2): their zone is ignored until ours expires or an operator asks for
 * a retransfer, and the refresh counts as failed so that the expire timer keeps running.
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
        + theirs + ", " + (theirs.relationTo(ours) == SerialNumber.Relation.UNDEFINED
            ? "at the undefined distance from" : "lower than") + " ours " + ours, zone, remote,
        null);
    this.ours = ours;
    this.theirs = theirs;
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
