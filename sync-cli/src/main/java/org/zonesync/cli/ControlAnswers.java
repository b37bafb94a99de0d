// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.zonesync.cli.ConfigException.quote;

import java.time.InstantSource;
import java.util.Optional;
import java.util.TreeMap;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.zonesync.api.ZoneReplica;
import org.zonesync.core.PrimaryZone;
import org.zonesync.core.ZoneServing;
import org.zonesync.core.ZoneSync;

/**
 * The answers of the control socket ({@link ControlServer}), one per request line: {@code
 * status [ZONE]} with the {@link StatusText} of replicas and the {@link ServingText} of what is
 * served onward, {@code refresh ZONE}, {@code retransfer ZONE}. Thread-safe.
 */
final class ControlAnswers {

  private final ZoneSync sync;
  private final InstantSource clock;
  private final ServingText.Served served;

  ControlAnswers(ZoneSync sync, InstantSource clock, ServingText.Served served) {
    this.sync = sync;
    this.clock = clock;
    this.served = served;
  }

  /**
   * Answers one request line.
   *
   * @param request the line, without its line break
   * @return the answer: {@code ok} or {@code error: ...}, then lines, each ending in a line break
   */
  String answer(String request) {
    String[] w = request.trim().isEmpty() ? new String[0] : request.trim().split(" +");
    if (w.length == 0) {
      return "error: empty request; expected status [ZONE], refresh ZONE or retransfer ZONE\n";
    }
    switch (w[0]) {
      case "status":
        if (w.length > 2) {
          return "error: status takes at most one zone\n";
        }
        return w.length == 1 ? statusAll() : status(w[1]);
      case "refresh":
      case "retransfer":
        if (w.length != 2) {
          return "error: " + w[0] + " takes one zone\n";
        }
        Optional<ZoneReplica> r = zone(w[1]);
        if (r.isEmpty()) {
          return primary(w[1]).isPresent() ? "error: zone " + quote(w[1]) + " is a primary"
              + " zone served from its file; send SIGHUP to reload it\n" : unknown(w[1]);
        }
        if (w[0].equals("refresh")) {
          r.get().refresh();
        } else {
          r.get().retransfer();
        }
        return "ok\n" + w[0] + " of zone " + r.get().zone() + " queued\n";
      default:
        return "error: unknown command " + quote(w[0])
            + "; expected status [ZONE], refresh ZONE or retransfer ZONE\n";
    }
  }

  private String status(String zone) {
    Optional<ZoneReplica> r = zone(zone);
    if (r.isPresent()) {
      return "ok\n" + replica(r.get()) + (served.any() ? ServingText.totals(sync.servingStats())
          : "");
    }
    Optional<PrimaryZone> p = primary(zone);
    return p.map(z -> "ok\n" + ServingText.primary(z, servingOf(z.zone()))
        + ServingText.totals(sync.servingStats())).orElseGet(() -> unknown(zone));
  }

  private String replica(ZoneReplica r) {
    ZoneServing s = served.serving().get(r.zone());
    return StatusText.of(r.status(), clock.instant()) + (s == null ? "" : ServingText.line(s));
  }

  private ZoneServing servingOf(Name zone) {
    return served.serving().getOrDefault(zone, ZoneServing.none());
  }

  private Optional<ZoneReplica> zone(String text) {
    try {
      return sync.replica(Name.fromString(text, Name.root));
    } catch (TextParseException e) {
      return Optional.empty();
    }
  }

  private Optional<PrimaryZone> primary(String text) {
    try {
      return sync.primary(Name.fromString(text, Name.root));
    } catch (TextParseException e) {
      return Optional.empty();
    }
  }

  private static String unknown(String text) {
    return "error: zone " + quote(text) + " is not configured\n";
  }

  private String statusAll() {
    TreeMap<Name, Object> all = new TreeMap<>();
    for (ZoneReplica r : sync.replicas()) {
      all.put(r.zone(), r);
    }
    for (PrimaryZone p : served.primaries()) {
      all.put(p.zone(), p);
    }
    StringBuilder b = new StringBuilder("ok\n");
    int i = 0;
    for (Object z : all.values()) {
      String text = z instanceof ZoneReplica r ? replica(r)
          : ServingText.primary((PrimaryZone) z, servingOf(((PrimaryZone) z).zone()));
      if (b.length() + text.length() > ControlServer.MAX_ANSWER - 400) {
        b.append("truncated: ").append(all.size() - i).append(" of ").append(all.size())
            .append(" zones not shown (answer limit ").append(ControlServer.MAX_ANSWER)
            .append(" bytes); ask for one with status ZONE\n");
        break;
      }
      b.append(text);
      i++;
    }
    if (served.any()) {
      b.append(ServingText.totals(sync.servingStats()));
    }
    return b.toString();
  }
}
