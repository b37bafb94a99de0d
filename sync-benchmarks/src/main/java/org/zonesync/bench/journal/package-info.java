// SPDX-License-Identifier: Apache-2.0
/**
 * Benchmarks of replica storage: {@link org.zonesync.bench.journal.JournalAppendBenchmark}
 * commits a chain of IXFR deltas to a {@code FileReplicaStore} (fsync per commit), beside the
 * in-memory store as a baseline.
 */
@NullMarked
package org.zonesync.bench.journal;

import org.jspecify.annotations.NullMarked;
