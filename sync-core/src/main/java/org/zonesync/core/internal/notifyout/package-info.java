// SPDX-License-Identifier: Apache-2.0
/**
 * NOTIFY out, the primary's side of RFC 1996: {@link
 * org.zonesync.core.internal.notifyout.NotifySender} sends a NOTIFY for a zone to one secondary
 * over UDP, TSIG-signed when it has a key, retransmits with a doubling timeout as BIND does, and
 * completes with the round-trip time once the matching answer arrives; {@code NotifyMessage}
 * encodes the NOTIFY and judges the answers to it. {@link
 * org.zonesync.core.internal.notifyout.NotifyOut} tells a zone's {@code also-notify} targets
 * about each new version, one coalesced NOTIFY in flight per target, with counters.
 *
 * <p>Deviations from BIND: NOTIFY goes over UDP only, with no TCP attempt after the UDP
 * retransmissions; a NOTIFY whose SOA would push it past 512 bytes is sent without the SOA, which
 * RFC 1996 section 3.7 makes optional.
 */
@NullMarked
package org.zonesync.core.internal.notifyout;

import org.jspecify.annotations.NullMarked;
