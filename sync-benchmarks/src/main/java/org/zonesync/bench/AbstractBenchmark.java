// SPDX-License-Identifier: Apache-2.0
package org.zonesync.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Shared JMH defaults of every zonesync benchmark: one fork, 2 warm-up and 3 measured iterations,
 * average time per operation in milliseconds. A subclass (or the command line: {@code -f},
 * {@code -wi}, {@code -i}, {@code -tu}) may override any of them.
 *
 * <p>The fork gets a 6 GiB heap so that a 1,000,000-record zone fits twice over (the recorded
 * input and the zone being built, for dnsjava's object-per-record baseline too) without the
 * collector dominating the measurement. The machine these run on has 2 cores shared with other
 * work: keep runs short, one fork, and compare impls within one run.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx6g"})
@Warmup(iterations = 2, time = 5, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 10, timeUnit = TimeUnit.SECONDS)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public abstract class AbstractBenchmark {

  /** For subclasses. */
  protected AbstractBenchmark() {
  }
}
