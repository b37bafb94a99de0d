// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;

/**
 * A TSIG check failed: a message was unsigned where it had to be signed, or its signature did not
 * verify. Not retryable except for {@link TsigError#BADTIME}, which a clock fix may cure.
 *
 * @since 0.1
 */
public final class TsigVerificationException extends TransferException {
  private static final long serialVersionUID = 1L;

  private final TsigError error;

  /**
   * Creates the exception.
   *
   * @param error the TSIG error
   * @param message the details, e.g. "message 3: MAC does not verify"
   * @param zone the zone, or null
   * @param remote the peer, or null
   */
  public TsigVerificationException(TsigError error, String message, @Nullable Name zone,
      @Nullable InetSocketAddress remote) {
    super(message, zone, remote, null);
    this.error = error;
  }

  /**
   * Creates the exception without zone or remote, as the TSIG layer knows neither.
   *
   * @param error the TSIG error
   * @param message the details
   */
  public TsigVerificationException(TsigError error, String message) {
    this(error, message, null, null);
  }

  /**
   * Returns a copy carrying the zone and remote.
   *
   * @param zone the zone
   * @param remote the peer
   * @return the new exception, with this one as suppressed context
   */
  public TsigVerificationException in(Name zone, InetSocketAddress remote) {
    TsigVerificationException e = new TsigVerificationException(error, getMessage(), zone, remote);
    e.setStackTrace(getStackTrace());
    return e;
  }

  /** Returns the TSIG error. */
  public TsigError tsigError() {
    return error;
  }

  @Override
  public boolean isRetryable() {
    return error == TsigError.BADTIME;
  }

  @Override
  public String reason() {
    return "TSIG " + error.name() + ": " + getMessage();
  }
}
