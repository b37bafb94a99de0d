// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * The connection to the primary could not be made, or broke (reset, EOF) during the transfer.
 * Retryable.
 *
 * @since 0.1
 */
public final class TransferConnectionException extends TransferException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened, e.g. "connection closed after 3 messages"
   * @param zone the zone, or null
   * @param remote the peer, or null
   * @param cause the I/O failure, or null
   */
  public TransferConnectionException(String message, @Nullable Name zone,
      @Nullable InetSocketAddress remote, @Nullable IOException cause) {
    super(message, zone, remote, cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }

  @Override
  public String reason() {
    return "connection: " + getMessage();
  }
}
