// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.zonesync.api.SerialNumber;
import org.zonesync.core.internal.serve.TransferAcl;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;

/**
 * A served zone kept in memory: the current version and the differences between the last
 * versions published ({@code ixfr-from-differences}), enough to serve IXFR to secondaries that
 * are a few versions behind. For zones without a journal on disk. Thread-safe: each publication
 * swaps one immutable state, so a reader sees a version and a history that belong together
 * (TESTPLAN G8).
 */
public final class MemoryServedZone implements ServedZone {

  /** How many deltas are kept by default. */
  public static final int DEFAULT_HISTORY = 20;

  private record State(@Nullable CompactZone zone, List<WireDelta> history) {
  }

  private final AtomicReference<State> state = new AtomicReference<>(new State(null, List.of()));
  private final TransferAcl acl;
  private final IxfrOutPlan.Ratio ratio;
  private final int maxHistory;

  /**
   * Creates an empty zone (SERVFAIL until the first {@link #publish}).
   *
   * @param acl who may transfer it
   * @param ratio BIND's max-ixfr-ratio
   * @param maxHistory how many deltas to keep, at least 0
   */
  public MemoryServedZone(TransferAcl acl, IxfrOutPlan.Ratio ratio, int maxHistory) {
    if (maxHistory < 0) {
      throw new IllegalArgumentException("history must not be negative: " + maxHistory);
    }
    this.acl = acl;
    this.ratio = ratio;
    this.maxHistory = maxHistory;
  }

  /**
   * Serves a new version. When its serial is newer than the current one the exact difference is
   * kept for IXFR; otherwise (first version, or a serial that went back) the history restarts.
   *
   * @param fresh the version
   */
  public synchronized void publish(CompactZone fresh) {
    State old = state.get();
    CompactZone prev = old.zone();
    if (prev == null || !fresh.serial().isNewerThan(prev.serial())) {
      state.set(new State(fresh, List.of()));
      return;
    }
    List<WireDelta> h = new ArrayList<>(old.history());
    h.add(CompactZone.diff(prev, fresh));
    while (h.size() > maxHistory) {
      h.remove(0);
    }
    state.set(new State(fresh, List.copyOf(h)));
  }

  @Override
  public Optional<CompactZone> current() {
    return Optional.ofNullable(state.get().zone());
  }

  @Override
  public TransferAcl acl() {
    return acl;
  }

  @Override
  public IxfrOutPlan.Ratio maxIxfrRatio() {
    return ratio;
  }

  @Override
  public Optional<List<WireDelta>> deltasSince(SerialNumber from) {
    State s = state.get();
    List<WireDelta> h = s.history();
    CompactZone z = s.zone();
    if (z != null && z.serial().equals(from)) {
      return Optional.of(List.of());
    }
    for (int i = 0; i < h.size(); i++) {
      if (h.get(i).from().equals(from)) {
        return Optional.of(h.subList(i, h.size()));
      }
    }
    return Optional.empty();
  }
}
