// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.time.Duration;
import java.time.InstantSource;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.core.internal.Loggers;
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

  /**
   * The real query over UDP, then TCP, with EDNS EXPIRE (RFC 7314); asked again without EDNS
   * when the primary answers FORMERR to it (TESTPLAN B7).
   */
  static SoaProbe network(InstantSource clock, LongSupplier nanoTime) {
    return (zone, primary, timeout, onCancel) -> {
      SoaQuery q = new SoaQuery(zone, primary, timeout, clock, nanoTime, true);
      onCancel.accept(q::cancel);
      try {
        return q.run();
      } catch (TransferRefusedException e) {
        if (e.rcode() != Rcode.FORMERR) {
          throw e;
        }
        Loggers.XFER_IN.info("zone {}: primary {} answered FORMERR to an EDNS SOA query;"
            + " asking without EDNS", zone, Primary.format(primary.address()));
        SoaQuery plain = q.withoutEdns();
        onCancel.accept(plain::cancel);
        return plain.run();
      }
    };
  }
}
