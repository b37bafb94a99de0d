// SPDX-License-Identifier: Apache-2.0
/**
 * Benchmarks of zone transfers: {@link org.zonesync.bench.xfr.AxfrInBenchmark} decodes a
 * recorded, TSIG-signed AXFR stream (zonesync against dnsjava), built by
 * {@link org.zonesync.bench.xfr.AxfrFixture}, which other benchmarks and
 * {@code org.zonesync.bench.zone.SnapshotFootprint} reuse.
 */
@NullMarked
package org.zonesync.bench.xfr;

import org.jspecify.annotations.NullMarked;
