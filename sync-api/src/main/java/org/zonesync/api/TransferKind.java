// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

/**
 * The kind of a zone transfer.
 *
 * @since 0.1
 */
public enum TransferKind {
  /** Full zone transfer, RFC 5936. */
  AXFR,
  /** Incremental zone transfer, RFC 1995. */
  IXFR
}
