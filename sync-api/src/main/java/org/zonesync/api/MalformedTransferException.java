// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * The transfer stream broke the protocol or a configured limit: wrong ID or question, missing or
 * differing SOA, a record outside the zone, a truncated stream, too many records. Where it
 * happened is given as the 1-based message number and the 0-based record index in the stream
 * (both 0 when unknown). Retryable: the primary may serve a sound stream next time.
 *
 * @since 0.1
 */
public final class MalformedTransferException extends TransferException {
  private static final long serialVersionUID = 1L;

  private final long message;
  private final long record;

  /**
   * Creates the exception.
   *
   * @param detail what was wrong, e.g. "closing SOA differs from opening SOA"
   * @param message the 1-based message number, 0 if unknown
   * @param record the 0-based record index in the stream, 0 if unknown
   * @param zone the zone, or null
   * @param remote the peer, or null
   */
  public MalformedTransferException(String detail, long message, long record,
      @Nullable Name zone, @Nullable InetSocketAddress remote) {
    super(detail + (message > 0 ? " (message " + message + ")" : ""), zone, remote, null);
    this.message = message;
    this.record = record;
  }

  /** Returns the 1-based number of the message where the problem was found, 0 if unknown. */
  public long messageNumber() {
    return message;
  }

  /** Returns the 0-based index in the stream of the record where it was found. */
  public long recordIndex() {
    return record;
  }

  @Override
  public boolean isRetryable() {
    return true;
  }

  @Override
  public String reason() {
    return "malformed: " + getMessage();
  }
}
