// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

/**
 * Where a secondary zone is in its life (DESIGN.md, "The life of a secondary zone").
 *
 * @since 0.1
 */
public enum ReplicaState {
  /** No version yet: the first transfer has not completed. */
  LOADING,
  /** A version is held and served. */
  SERVING,
  /** The expire timer passed without a successful refresh; data is kept but not served. */
  EXPIRED,
  /** The replica was removed or its {@code ZoneSync} closed. */
  CLOSED
}
