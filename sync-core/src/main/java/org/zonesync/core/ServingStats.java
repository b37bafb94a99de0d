// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

/**
 * Counters of serving onward, over every zone ({@link ZoneSync#servingStats()}).
 *
 * @param axfrOut AXFR requests served to the end
 * @param ixfrOut IXFR requests served to the end (incremental, up to date or AXFR-style)
 * @param refused requests answered REFUSED or NOTAUTH (ACL, TSIG, zone not held)
 * @param quotaFull transfer requests turned away because the transfers-out quota was full
 * @param unavailable requests answered SERVFAIL because the zone was loading or expired
 * @param failed transfers abandoned midway (client gone, write timeout, deadline)
 * @param notifySent NOTIFY messages sent to also-notify targets (first transmissions)
 * @param notifyAcknowledged NOTIFYs answered NOERROR
 * @param notifyFailed NOTIFYs given up or answered with an error
 * @since 0.1
 */
public record ServingStats(long axfrOut, long ixfrOut, long refused, long quotaFull,
    long unavailable, long failed, long notifySent, long notifyAcknowledged,
    long notifyFailed) {
}
