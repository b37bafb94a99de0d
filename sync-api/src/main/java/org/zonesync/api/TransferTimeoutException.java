// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * A transfer ran past one of its time limits. Retryable.
 *
 * @since 0.1
 */
public final class TransferTimeoutException extends TransferException {
  private static final long serialVersionUID = 1L;

  /** Which limit passed. */
  public enum Kind {
    /** The TCP connection was not established in time. */
    CONNECT,
    /** No bytes arrived for the idle limit. */
    IDLE,
    /** The whole transfer took longer than its deadline. */
    TRANSFER
  }

  private final Kind kind;
  private final Duration limit;

  /**
   * Creates the exception.
   *
   * @param kind which limit
   * @param limit its value
   * @param zone the zone, or null
   * @param remote the peer, or null
   */
  public TransferTimeoutException(Kind kind, Duration limit, @Nullable Name zone,
      @Nullable InetSocketAddress remote) {
    super(kind.name().toLowerCase(java.util.Locale.ROOT) + " timeout after "
        + seconds(limit), zone, remote, null);
    this.kind = requireNonNull(kind, "kind");
    this.limit = requireNonNull(limit, "limit");
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(java.util.Locale.ROOT, "%.3f s", ms / 1000.0);
  }

  /** Returns which limit passed. */
  public Kind kind() {
    return kind;
  }

  /** Returns the limit that passed. */
  public Duration limit() {
    return limit;
  }

  @Override
  public boolean isRetryable() {
    return true;
  }

  @Override
  public String reason() {
    return getMessage();
  }
}
