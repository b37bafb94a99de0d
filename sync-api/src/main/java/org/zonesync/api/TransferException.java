// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * A zone transfer failed. The previous version of the zone (if any) keeps serving and nothing
 * was stored. {@link #isRetryable()} tells whether trying again later (after the SOA retry
 * interval) may succeed without anyone changing configuration.
 *
 * @since 0.1
 */
public abstract class TransferException extends ZoneSyncException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, with the numbers
   * @param zone the zone, or null when unknown
   * @param remote the peer, or null when unknown
   * @param cause the underlying failure, or null
   */
  protected TransferException(String message, @Nullable Name zone,
      @Nullable InetSocketAddress remote, @Nullable Throwable cause) {
    super(message, zone, remote, cause);
  }

  /** Returns true if the same transfer may succeed when retried later. */
  public abstract boolean isRetryable();

  /**
   * Returns one line naming the reason, as the CLI prints it, e.g. {@code REFUSED},
   * {@code TSIG BADSIG}, {@code malformed: ...}, {@code idle timeout after 30 s}.
   */
  public abstract String reason();
}
