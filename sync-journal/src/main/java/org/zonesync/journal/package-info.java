// SPDX-License-Identifier: Apache-2.0
/**
 * Replica stores. Entry point: {@link org.zonesync.journal.MemoryReplicaStore}, which keeps the
 * latest snapshot of each zone in memory (tests, and embedders that re-transfer on start-up).
 * The durable file store with its journal of deltas arrives with IXFR.
 */
@NullMarked
package org.zonesync.journal;

import org.jspecify.annotations.NullMarked;
