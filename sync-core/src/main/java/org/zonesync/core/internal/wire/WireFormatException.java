// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

/**
 * A malformed DNS message: a header, name, record or length that breaks RFC 1035 or a bound this
 * package enforces. Checked, because every caller reads bytes from the network or the disk and
 * must turn a rejection into a typed error (FORMERR, an aborted transfer) rather than a crash.
 */
public final class WireFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int offset;

  /**
   * Creates the exception.
   *
   * @param message a lower-case fact with the numbers, e.g. "name pointer loop at offset 37"
   * @param offset where the problem was found, counted from the first byte of the DNS message
   *     (its header), or 0 when the problem concerns the message as a whole
   */
  public WireFormatException(String message, int offset) {
    super(message);
    this.offset = offset;
  }

  /**
   * Returns where the problem was found.
   *
   * @return the offset from the start of the DNS message (0 for whole-message problems)
   */
  public int offset() {
    return offset;
  }
}
