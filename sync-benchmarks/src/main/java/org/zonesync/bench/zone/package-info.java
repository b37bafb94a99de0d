// SPDX-License-Identifier: Apache-2.0
/**
 * Measurements of the compact zone: {@link org.zonesync.bench.zone.IxfrApplyBenchmark} applies a
 * 100-record IXFR delta (copy-on-write, dnsjava in place, full rebuild);
 * {@link org.zonesync.bench.zone.SnapshotFootprint} prints the heap a finished snapshot retains,
 * beside dnsjava's {@code Zone} of the same records; {@link org.zonesync.bench.zone.DeltaFixture}
 * generates the zones and delta chains that the delta benchmarks share.
 */
@NullMarked
package org.zonesync.bench.zone;

import org.jspecify.annotations.NullMarked;
