// SPDX-License-Identifier: Apache-2.0
/**
 * Measurements of the compact zone: {@link org.zonesync.bench.zone.SnapshotFootprint} prints the
 * heap a finished snapshot retains, beside dnsjava's {@code Zone} of the same records.
 */
@NullMarked
package org.zonesync.bench.zone;

import org.jspecify.annotations.NullMarked;
