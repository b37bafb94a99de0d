// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import org.zonesync.api.ZoneSyncException;

/**
 * A TSIG key file or key text could not be parsed. The message names the line and what was
 * wrong, never the secret. The caller should fix the file; retrying does not help.
 *
 * @since 0.1
 */
public final class TsigKeyFormatException extends ZoneSyncException {
  private static final long serialVersionUID = 1L;

  /** The 1-based line, or 0. */
  private final int line;

  /**
   * Creates the exception.
   *
   * @param line the 1-based line of the problem, or 0 if it concerns the whole text
   * @param message the problem, without the line prefix and without any secret
   */
  public TsigKeyFormatException(int line, String message) {
    super(line > 0 ? "line " + line + ": " + message : message, null, null, null);
    this.line = line;
  }

  /** Wraps another with a prefix such as the file name. */
  TsigKeyFormatException(String prefix, TsigKeyFormatException cause) {
    super(prefix + cause.getMessage(), null, null, cause);
    this.line = cause.line;
  }

  /**
   * Returns the line of the problem.
   *
   * @return the 1-based line, or 0 if the problem concerns the whole text
   */
  public int line() {
    return line;
  }
}
