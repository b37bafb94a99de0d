// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferStats;
import org.zonesync.api.ZoneStatus;

/**
 * A zone's status as the control socket answers it, in the spirit of {@code knotc zone-status}
 * and {@code rndc zonestatus}: a {@code zone: NAME} line, then one indented {@code key: value}
 * line per fact. Times are UTC to the second, with the distance from now; {@code -} stands for
 * "none". Stateless.
 *
 * <pre>
 * zone: example.com.
 *   state: serving
 *   serial: 2024060101
 *   primary: 192.0.2.1:53
 *   last-success: 2024-06-01T10:00:00Z (12 s ago)
 *   last-failure: 2024-06-01T09:00:00Z (3612 s ago): connection refused
 *   next-refresh: 2024-06-01T11:00:00Z (in 3588 s)
 *   expires-at: 2024-06-15T10:00:00Z (in 1209588 s)
 *   refreshing: no
 *   failures: 0
 *   axfr: 1 succeeded, 0 failed
 *   ixfr: 2 succeeded, 1 failed
 *   up-to-date: 5
 *   transferred: 14 messages, 1203 records, 40218 bytes, 0.81 s, longest 0.52 s
 *   soa-queries: 9 sent, 1 failed
 *   notifies: 3 accepted, 0 refused
 *   since-last-success: 12 s
 *   until-expiry: 1209588 s
 * </pre>
 */
final class StatusText {

  private StatusText() {
  }

  /**
   * Formats one zone.
   *
   * @param s the status
   * @param now the time the distances are measured from
   * @return the lines, each ending with a line break
   */
  static String of(ZoneStatus s, Instant now) {
    TransferStats t = s.stats();
    StringBuilder b = new StringBuilder(640);
    b.append("zone: ").append(s.zone()).append('\n');
    field(b, "state", s.state().name().toLowerCase(Locale.ROOT));
    field(b, "serial", s.serial().map(Object::toString).orElse("-"));
    field(b, "primary", s.primary().map(Primary::format).orElse("-"));
    field(b, "last-success", time(s.lastSuccess(), now));
    field(b, "last-failure", time(s.lastFailure(), now)
        + s.lastFailureReason().map(r -> ": " + oneLine(r)).orElse(""));
    field(b, "next-refresh", s.refreshing() ? "running" : time(s.nextRefresh(), now));
    field(b, "expires-at", time(s.expiresAt(), now));
    field(b, "refreshing", s.refreshing() ? "yes" : "no");
    field(b, "failures", Integer.toString(s.consecutiveFailures()));
    field(b, "axfr", t.axfrSucceeded() + " succeeded, " + t.axfrFailed() + " failed");
    field(b, "ixfr", t.ixfrSucceeded() + " succeeded, " + t.ixfrFailed() + " failed");
    field(b, "up-to-date", Long.toString(t.upToDate()));
    field(b, "transferred", String.format(Locale.ROOT,
        "%d messages, %d records, %d bytes, %.2f s, longest %.2f s", t.messages(), t.records(),
        t.bytes(), seconds(t.transferTime()), seconds(t.longestTransfer())));
    field(b, "soa-queries", t.soaQueries() + " sent, " + t.soaQueryFailures() + " failed");
    field(b, "notifies", t.notifiesAccepted() + " accepted, " + t.notifiesRefused()
        + " refused");
    field(b, "since-last-success", t.sinceLastSuccess().map(d -> d.toSeconds() + " s")
        .orElse("-"));
    field(b, "until-expiry", t.untilExpiry().map(d -> d.toSeconds() + " s").orElse("-"));
    return b.toString();
  }

  private static void field(StringBuilder b, String key, String value) {
    b.append("  ").append(key).append(": ").append(value).append('\n');
  }

  private static String time(Optional<Instant> t, Instant now) {
    if (t.isEmpty()) {
      return "-";
    }
    Instant at = t.get().truncatedTo(ChronoUnit.SECONDS);
    long s = Duration.between(now, t.get()).toSeconds();
    return at + (s >= 0 ? " (in " + s + " s)" : " (" + -s + " s ago)");
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  /** A reason on one line: a line break would end the answer's field early. */
  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }
}
