// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.zonesync.api.SerialNumber;
import org.zonesync.core.internal.serve.TransferAcl;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;

/**
 * A zone this process serves onward: what {@link XfrOut} and {@link QueryResponder} need to know
 * to answer an SOA, AXFR or IXFR request for it. Implementations are thread-safe; any number of
 * outgoing transfers call them at once.
 */
public interface ServedZone {

  /**
   * Returns the version to serve now. A transfer takes it once and streams that version to the
   * end, whatever is published meanwhile (TESTPLAN F9).
   *
   * @return the version, or empty while the zone is not loaded or has expired (SERVFAIL)
   */
  Optional<CompactZone> current();

  /**
   * Returns the EDNS EXPIRE value to answer with (RFC 7314): for a secondary, the seconds left
   * until its copy expires (section 4); empty for a primary, which gives its SOA EXPIRE field
   * (section 3).
   *
   * @return the seconds, or empty to use the SOA's EXPIRE
   */
  default OptionalLong expireSeconds() {
    return OptionalLong.empty();
  }

  /** Returns who may transfer the zone and query its SOA; deny by default. */
  TransferAcl acl();

  /** Returns BIND's {@code max-ixfr-ratio} for this zone. */
  IxfrOutPlan.Ratio maxIxfrRatio();

  /**
   * Returns the journal's deltas from a serial onward, oldest first. They may lead past the
   * version {@link #current()} returned (a version published in between); {@link XfrOut} cuts
   * them there.
   *
   * @param from the requester's serial
   * @return the deltas, or empty when {@code from} is not in the journal
   * @throws IOException if the journal cannot be read (the answer is then AXFR-style)
   */
  Optional<List<WireDelta>> deltasSince(SerialNumber from) throws IOException;
}
