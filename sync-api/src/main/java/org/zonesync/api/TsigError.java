// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

/**
 * Why a TSIG check failed (RFC 8945 section 5.2 and 5.3). Open-ended: later versions may add
 * constants.
 *
 * @since 0.1
 */
public enum TsigError {
  /** The MAC did not verify (TSIG error 16). */
  BADSIG(16),
  /** The key name or algorithm is not known (TSIG error 17). */
  BADKEY(17),
  /** Time signed is outside now +/- fudge (TSIG error 18). */
  BADTIME(18),
  /** The MAC was truncated below what policy allows (TSIG error 22). */
  BADTRUNC(22),
  /** A message that had to be signed carried no TSIG record (RFC 8945 section 5.3.1). */
  UNSIGNED(-1),
  /** The TSIG record itself is malformed or misplaced (answered with FORMERR). */
  FORMERR(1);

  private final int code;

  TsigError(int code) {
    this.code = code;
  }

  /** Returns the TSIG error or rcode value, or -1 when the condition has no wire code. */
  public int code() {
    return code;
  }
}
