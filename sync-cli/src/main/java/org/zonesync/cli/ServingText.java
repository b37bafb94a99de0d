// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.PrimaryZone;
import org.zonesync.core.ServingStats;
import org.zonesync.core.ZoneServing;

/**
 * What the control socket's {@code status} shows about serving onward, beside {@link
 * StatusText}: a {@code serving:} line in each served zone's block, a block for each zone
 * zonesync is the primary of, and two unindented lines with the totals of {@link ServingStats}
 * after the zones:
 *
 * <pre>
 * zone: example.com.
 *   role: primary
 *   state: serving
 *   serial: 2024060101
 *   records: 1203
 *   serving: allow-transfer key:xfr. 192.0.2.0/24; also-notify 192.0.2.53:53; max-ixfr-ratio 100%
 * transfers-out: axfr 3, ixfr 12, refused 1, quota-full 0, unavailable 0, failed 0
 * notifies-out: sent 13, acknowledged 13, failed 0
 * </pre>
 *
 * Stateless.
 */
final class ServingText {

  private ServingText() {
  }

  /**
   * The zones served onward: the serving configuration of each (secondaries and primaries) and
   * the zones zonesync is the primary of. Immutable.
   *
   * @param serving each served zone's configuration
   * @param primaries the primary zones
   */
  record Served(Map<Name, ZoneServing> serving, List<PrimaryZone> primaries) {
    /** Nothing served. */
    static final Served NONE = new Served(Map.of(), List.of());

    Served {
      serving = Map.copyOf(requireNonNull(serving, "serving"));
      primaries = List.copyOf(requireNonNull(primaries, "primaries"));
    }

    /** Returns whether any zone is served onward. */
    boolean any() {
      return !serving.isEmpty() || !primaries.isEmpty();
    }
  }

  /**
   * The {@code serving:} line of a zone's block.
   *
   * @param s the zone's serving configuration
   * @return the line, indented, ending with a line break
   */
  static String line(ZoneServing s) {
    String allow = s.allowTransfer().isEmpty() ? "none (nobody may transfer)"
        : String.join(" ", s.allowTransfer());
    String notify = s.alsoNotify().isEmpty() ? "none" : s.alsoNotify().stream()
        .map(Primary::format).collect(Collectors.joining(" "));
    String ratio = s.maxIxfrRatio() == 0 ? "unlimited" : s.maxIxfrRatio() + "%";
    return "  serving: allow-transfer " + allow + "; also-notify " + notify
        + "; max-ixfr-ratio " + ratio + "\n";
  }

  /**
   * The block of a zone zonesync is the primary of.
   *
   * @param p the zone
   * @param s its serving configuration
   * @return the lines, each ending with a line break
   */
  static String primary(PrimaryZone p, ZoneServing s) {
    ZoneSnapshot z = p.current();
    return "zone: " + p.zone() + "\n  role: primary\n  state: serving\n  serial: " + z.serial()
        + "\n  records: " + z.recordCount() + "\n" + line(s);
  }

  /**
   * The totals, after the zones.
   *
   * @param t the counters
   * @return two lines, each ending with a line break
   */
  static String totals(ServingStats t) {
    return "transfers-out: axfr " + t.axfrOut() + ", ixfr " + t.ixfrOut() + ", refused "
        + t.refused() + ", quota-full " + t.quotaFull() + ", unavailable " + t.unavailable()
        + ", failed " + t.failed() + "\n"
        + "notifies-out: sent " + t.notifySent() + ", acknowledged " + t.notifyAcknowledged()
        + ", failed " + t.notifyFailed() + "\n";
  }
}
