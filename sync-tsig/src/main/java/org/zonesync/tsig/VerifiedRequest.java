// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.zonesync.api.TsigKey;

/**
 * A request whose TSIG verified: the key it was signed with and its MAC, which the response must
 * cover (RFC 8945 section 4.3.1). Pass both to a {@link TsigStreamSigner}. The compact
 * constructor copies the MAC; the accessor returns the record's own array.
 *
 * @param key the key from the keyring that verified the request
 * @param mac the MAC exactly as the request carried it (possibly truncated)
 * @since 0.1
 */
public record VerifiedRequest(TsigKey key, byte[] mac) {
  /**
   * Copies the MAC.
   *
   * @param key the key
   * @param mac the request MAC
   */
  public VerifiedRequest {
    requireNonNull(key, "key");
    mac = mac.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerifiedRequest v && key.equals(v.key) && Arrays.equals(mac, v.mac);
  }

  @Override
  public int hashCode() {
    return key.hashCode() * 31 + Arrays.hashCode(mac);
  }

  @Override
  public String toString() {
    return "VerifiedRequest[" + key + ", MAC " + mac.length + " bytes]";
  }
}
