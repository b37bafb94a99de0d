// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.time.Duration;
import java.time.InstantSource;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.ReplicaListener;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.core.internal.Loggers;

/**
 * What every replica of one {@link ZoneSync} shares: clocks, scheduler, executor, the transfer
 * queue, the SOA-query gate, the unreachable-primary cache, the store and the listener.
 */
record Engine(@Nullable ReplicaStore store, TransferQueue transfers, SoaGate soaGate,
    Scheduler scheduler, InstantSource clock, LongSupplier nanoTime, long seed,
    ReplicaListener listener, SoaProbe probe, Unreachable unreachable, Duration soaTimeout) {

  void emit(ReplicaEvent event) {
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      Loggers.XFER_IN.warn("zone {}: exception thrown by replica listener", event.zone(), e);
    }
  }
}
