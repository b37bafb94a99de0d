// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

/**
 * A stored file is not what the store wrote: truncated, torn, corrupt, or of a format this
 * build does not read. The store answers it by ignoring or quarantining the damage, never by
 * letting it stop a replica.
 */
final class StoreFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean unsupportedVersion;

  StoreFormatException(String message) {
    this(message, false);
  }

  StoreFormatException(String message, boolean unsupportedVersion) {
    super(message);
    this.unsupportedVersion = unsupportedVersion;
  }

  /** Returns true if the file is intact but of a format version this build does not read. */
  boolean unsupportedVersion() {
    return unsupportedVersion;
  }
}
