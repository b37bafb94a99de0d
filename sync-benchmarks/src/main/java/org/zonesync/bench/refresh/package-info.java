// SPDX-License-Identifier: Apache-2.0
/**
 * Benchmarks of keeping secondary zones fresh: {@link
 * org.zonesync.bench.refresh.NotifyToServingBenchmark} times a NOTIFY-triggered IXFR refresh
 * end to end over loopback, and {@link org.zonesync.bench.refresh.IdleZonesFootprint} measures
 * the heap and threads of many idle zones held by one {@code ZoneSync}.
 */
@NullMarked
package org.zonesync.bench.refresh;

import org.jspecify.annotations.NullMarked;
