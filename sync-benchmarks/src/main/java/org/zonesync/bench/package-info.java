// SPDX-License-Identifier: Apache-2.0
/**
 * JMH benchmarks of zonesync's hot paths, each beside its dnsjava baseline as a {@code @Param};
 * {@link org.zonesync.bench.AbstractBenchmark} holds the shared fork, warm-up and measurement
 * defaults. Run them from the shaded jar: {@code java -jar
 * sync-benchmarks/target/benchmarks.jar AxfrInBenchmark -p records=1000000}.
 */
@NullMarked
package org.zonesync.bench;

import org.jspecify.annotations.NullMarked;
