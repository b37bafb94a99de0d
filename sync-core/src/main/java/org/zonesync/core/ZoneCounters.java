// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.zonesync.api.TransferKind;
import org.zonesync.api.TransferReport;
import org.zonesync.api.TransferStats;

/** The counters of one zone; lock-free, read as a {@link TransferStats} snapshot. */
final class ZoneCounters {

  private final LongAdder axfrOk = new LongAdder();
  private final LongAdder axfrFailed = new LongAdder();
  private final LongAdder ixfrOk = new LongAdder();
  private final LongAdder ixfrFailed = new LongAdder();
  private final LongAdder upToDate = new LongAdder();
  private final LongAdder messages = new LongAdder();
  private final LongAdder records = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder transferNanos = new LongAdder();
  private final LongAccumulator longestNanos = new LongAccumulator(Math::max, 0);
  private final LongAdder soaQueries = new LongAdder();
  private final LongAdder soaFailures = new LongAdder();
  private final LongAdder notifiesAccepted = new LongAdder();
  private final LongAdder notifiesRefused = new LongAdder();

  void transferred(TransferReport r) {
    (r.kind() == TransferKind.IXFR ? ixfrOk : axfrOk).increment();
    messages.add(r.messages());
    records.add(r.records());
    bytes.add(r.bytes());
    long n = r.duration().toNanos();
    transferNanos.add(n);
    longestNanos.accumulate(n);
  }

  void ixfrUpToDate() {
    ixfrOk.increment();
  }

  void transferFailed(TransferKind kind) {
    (kind == TransferKind.IXFR ? ixfrFailed : axfrFailed).increment();
  }

  void upToDate() {
    upToDate.increment();
  }

  void soaQuery(boolean ok) {
    soaQueries.increment();
    if (!ok) {
      soaFailures.increment();
    }
  }

  void notify(boolean accepted) {
    (accepted ? notifiesAccepted : notifiesRefused).increment();
  }

  TransferStats snapshot(Instant now, Optional<Instant> lastSuccess,
      Optional<Instant> expiresAt) {
    return new TransferStats(axfrOk.sum(), axfrFailed.sum(), ixfrOk.sum(), ixfrFailed.sum(),
        upToDate.sum(), messages.sum(), records.sum(), bytes.sum(),
        Duration.ofNanos(transferNanos.sum()), Duration.ofNanos(longestNanos.get()),
        soaQueries.sum(), soaFailures.sum(), notifiesAccepted.sum(), notifiesRefused.sum(),
        lastSuccess.map(t -> nonNegative(Duration.between(t, now))),
        expiresAt.map(t -> nonNegative(Duration.between(now, t))));
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
