// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import java.util.Arrays;

/**
 * A signed message and its MAC, as {@link Tsig#signRequest} returns them. The compact
 * constructor copies both arrays; the accessors return the record's own arrays, so callers must
 * not modify them.
 *
 * @param message the message with the TSIG RR appended
 * @param mac the full-length MAC carried in the TSIG RR (the "request MAC" that the response's
 *     MAC covers, RFC 8945 section 4.3.1)
 * @since 0.1
 */
public record SignedMessage(byte[] message, byte[] mac) {
  /**
   * Copies both arrays.
   *
   * @param message the signed message
   * @param mac the MAC
   */
  public SignedMessage {
    message = message.clone();
    mac = mac.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedMessage s && Arrays.equals(message, s.message)
        && Arrays.equals(mac, s.mac);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(message) * 31 + Arrays.hashCode(mac);
  }

  @Override
  public String toString() {
    return "SignedMessage[" + message.length + " bytes, MAC " + mac.length + " bytes]";
  }
}
