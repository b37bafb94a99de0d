// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * The records given to a {@link CompactZoneBuilder} do not form a loadable zone, or a {@link
 * WireDelta} does not apply to a {@link CompactZone}.
 *
 * <p>A transfer that ends in this exception must not be applied: the caller keeps serving the
 * previous zone and reports the transfer as malformed (DESIGN invariant "applied completely or
 * not at all"). {@link #reason()} says which rule was broken, so that the caller can choose the
 * response code (for example NOTZONETOP for {@link Reason#SOA_NOT_AT_APEX}).
 */
public final class ZoneContentException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Which rule the records broke. Open-ended: more reasons may be added. */
  public enum Reason {
    /** There is no SOA record. */
    NO_SOA,
    /** There is more than one distinct SOA record. */
    MULTIPLE_SOA,
    /** An SOA record is not at the zone apex. */
    SOA_NOT_AT_APEX,
    /** A record is neither at nor below the apex. */
    OUT_OF_ZONE,
    /** A record's class differs from the zone class, or the zone class is not a data class. */
    WRONG_CLASS,
    /** A record has a meta type or query type (RFC 6895 section 3.1), such as OPT or TYPE128. */
    META_TYPE,
    /** An RRset has more records than allowed. */
    RRSET_TOO_LARGE,
    /** A name has more distinct types than allowed. */
    TOO_MANY_TYPES,
    /** A record's rdata does not parse for its type. */
    MALFORMED_RDATA,
    /**
     * A delta does not start at the zone's version: its from-SOA serial or rdata differs from the
     * zone's SOA (RFC 1995 section 4).
     */
    OUT_OF_SYNC,
    /** A delta's to-serial is not newer than its from-serial (RFC 1982). */
    SERIAL_NOT_NEWER,
    /** A delta is not exact: it deletes a record the zone lacks or adds one it has. */
    NOT_EXACT
  }

  private final Reason reason;
  private final Name zone;

  /**
   * Creates the exception.
   *
   * @param reason which rule was broken
   * @param zone the zone apex
   * @param message a lower-case fact with the numbers and the owner name
   */
  public ZoneContentException(Reason reason, Name zone, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  /**
   * Returns which rule was broken.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }

  /**
   * Returns the apex of the zone being built or updated.
   *
   * @return the zone
   */
  public Name zone() {
    return zone;
  }
}
