// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * The primary answered with an error rcode (REFUSED, NOTAUTH, NOTIMP, SERVFAIL, FORMERR...).
 * REFUSED and NOTAUTH usually mean configuration (ACL, key, zone not on the primary): check it
 * before retrying. SERVFAIL is retryable: the primary may not have the zone loaded yet.
 *
 * @since 0.1
 */
public final class TransferRefusedException extends TransferException {
  private static final long serialVersionUID = 1L;

  private final int rcode;

  /**
   * Creates the exception.
   *
   * @param rcode the DNS rcode the primary sent
   * @param zone the zone, or null
   * @param remote the peer, or null
   */
  public TransferRefusedException(int rcode, @Nullable Name zone,
      @Nullable InetSocketAddress remote) {
    super("primary answered " + Rcode.string(rcode), zone, remote, null);
    this.rcode = rcode;
  }

  /** Returns the rcode, see {@link Rcode}. */
  public int rcode() {
    return rcode;
  }

  @Override
  public boolean isRetryable() {
    return rcode == Rcode.SERVFAIL;
  }

  @Override
  public String reason() {
    return Rcode.string(rcode);
  }
}
