// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

/**
 * Receives running totals while a transfer is in progress, after every message. Called on the
 * transfer's thread: must be fast and must not throw.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface TransferProgress {

  /** Ignores every update. */
  TransferProgress NONE = (messages, records, bytes) -> { };

  /**
   * Reports the totals so far.
   *
   * @param messages messages read
   * @param records records read
   * @param bytes bytes read, length prefixes included
   */
  void update(long messages, long records, long bytes);
}
