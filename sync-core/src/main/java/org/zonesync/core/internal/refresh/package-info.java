// SPDX-License-Identifier: Apache-2.0
/**
 * The refresh side of a secondary zone (RFC 1034 section 4.3.5, RFC 1996, RFC 7314).
 * {@link org.zonesync.core.internal.refresh.SoaQuery} asks a primary for the zone's SOA as BIND's
 * refresh does (UDP with EDNS0, TSIG when keyed, spoofed or malformed UDP answers ignored until
 * the timeout, TCP on truncation or silence) and returns the serial, the SOA and the EDNS
 * EXPIRE value; {@link org.zonesync.core.internal.refresh.SoaTimers} turns the SOA's timers into
 * clamped durations and offers the jitter and backoff that the refresh engine schedules with;
 * {@link org.zonesync.core.internal.refresh.RefreshSchedule} is the per-zone timer state machine
 * (refresh, retry with back-off, expiry, NOTIFY coalescing, persisted timers), driven by
 * instants the engine passes in, so it is tested in simulated time.
 */
@NullMarked
package org.zonesync.core.internal.refresh;

import org.jspecify.annotations.NullMarked;
