// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.time.Duration;
import java.time.InstantSource;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferException;
import org.zonesync.core.internal.refresh.SoaQuery;

/**
 * Asks a primary for a zone's SOA: the network by default, a script in simulated-time tests.
 */
@FunctionalInterface
interface SoaProbe {

  /**
   * Queries {@code primary}.
   *
   * @param zone the zone
   * @param primary the primary, with its key
   * @param timeout per transport
   * @param onCancel receives the action that cancels the running query
   * @return the answer
   * @throws TransferException when no usable answer came
   */
  SoaQuery.Result query(Name zone, Primary primary, Duration timeout, Consumer<Runnable> onCancel)
      throws TransferException;

  /** The real query over UDP, then TCP, with EDNS EXPIRE (RFC 7314). */
  static SoaProbe network(InstantSource clock, LongSupplier nanoTime) {
    return (zone, primary, timeout, onCancel) -> {
      SoaQuery q = new SoaQuery(zone, primary, timeout, clock, nanoTime, true);
      onCancel.accept(q::cancel);
      return q.run();
    };
  }
}
