// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notify;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * What {@link NotifyHandler#handle} decided about one message.
 *
 * @param reason why, for counters
 * @param response the answer to send back on the same transport, or empty to send nothing; the
 *     array belongs to the caller
 * @param accepted present exactly when {@code reason} is {@link Reason#ACCEPTED}
 * @param zone the zone the NOTIFY was for, lower-cased, when it is one held here (accepted, or
 *     refused by its ACL or TSIG); empty when the message got no further than that
 */
public record Outcome(Reason reason, Optional<byte[]> response, Optional<Accepted> accepted,
    Optional<Name> zone) {
  /**
   * Checks that {@code accepted} agrees with {@code reason}.
   *
   * @param reason the reason
   * @param response the answer
   * @param accepted the accepted NOTIFY
   * @param zone the held zone
   * @throws IllegalArgumentException if {@code accepted} is present for a refusal or missing for
   *     {@link Reason#ACCEPTED}
   */
  public Outcome {
    requireNonNull(reason, "reason");
    requireNonNull(response, "response");
    requireNonNull(accepted, "accepted");
    requireNonNull(zone, "zone");
    if (accepted.isPresent() != (reason == Reason.ACCEPTED)) {
      throw new IllegalArgumentException("reason " + reason + " with accepted " + accepted);
    }
  }

  /**
   * Why a message was accepted, answered with an error, or dropped. Open-ended: later versions
   * may add constants.
   */
  public enum Reason {
    /** A valid NOTIFY from a primary address or with a verified TSIG; answered NOERROR. */
    ACCEPTED,
    /** The QR bit was set: a response is never answered (RFC 9619 spirit); dropped. */
    DROPPED_RESPONSE,
    /** Another opcode (a query, an UPDATE): not ours; dropped. */
    NOT_NOTIFY,
    /** Shorter than a header, impossible section counts, or an unparsable question; dropped. */
    MALFORMED,
    /** QDCOUNT not 1, a malformed record after the question (short SOA rdata), a malformed TSIG
     * record; answered FORMERR. */
    FORMERR,
    /** QTYPE not SOA; answered NOTIMP (BIND {@code dns_zone_notifyreceive}). */
    NOT_SOA,
    /** QCLASS not IN: ANY and NONE answered FORMERR, other classes REFUSED. */
    BAD_CLASS,
    /** Not a zone we are secondary for; answered NOTAUTH. */
    UNKNOWN_ZONE,
    /** The TSIG did not verify (BADKEY, BADSIG, BADTIME, BADTRUNC); answered NOTAUTH with the
     * TSIG error, or FORMERR for a malformed TSIG RDATA. */
    BAD_TSIG,
    /** Unsigned and not from a primary address; answered REFUSED (RFC 1996 section 3.10). */
    NOT_A_PRIMARY,
    /** A bug or a failing policy: an unexpected exception was caught; dropped and logged. */
    INTERNAL_ERROR;

    /**
     * Returns whether the message was dropped (no answer) for this reason.
     *
     * @return true for the reasons that never produce an answer
     */
    public boolean dropped() {
      return this == DROPPED_RESPONSE || this == NOT_NOTIFY || this == MALFORMED
          || this == INTERNAL_ERROR;
    }
  }
}
