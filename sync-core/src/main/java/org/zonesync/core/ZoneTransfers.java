// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static java.util.Objects.requireNonNull;

import java.time.InstantSource;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferKind;
import org.zonesync.api.TransferReport;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.xfr.AxfrClient;
import org.zonesync.core.internal.xfr.IxfrClient;
import org.zonesync.core.internal.xfr.IxfrStream;

/**
 * One-shot zone transfers, for programs that mirror a zone without keeping a replica. Each call
 * validates the whole stream (RFC 5936, TSIG) and returns a complete snapshot or throws; it
 * never returns part of a zone.
 *
 * <p>Thread-safe: calls are independent.
 *
 * @since 0.1
 */
public final class ZoneTransfers {

  private static final Logger LOG = Loggers.XFER_IN;

  /**
   * A transferred zone and the transfer's figures.
   *
   * @param snapshot the new zone version
   * @param stats the figures
   */
  public record Result(ZoneSnapshot snapshot, TransferReport stats) {
    /** Validates the fields. */
    public Result {
      requireNonNull(snapshot, "snapshot");
      requireNonNull(stats, "stats");
    }
  }

  private ZoneTransfers() {
  }

  /**
   * Transfers a whole zone by AXFR with the system clocks.
   *
   * @param zone the zone apex
   * @param primary where from, with the TSIG key if signed
   * @param limits the bounds
   * @param progress receives running totals
   * @return the zone and figures
   * @throws TransferException on any failure, typed by cause
   */
  public static Result axfr(Name zone, Primary primary, TransferLimits limits,
      TransferProgress progress) throws TransferException {
    return axfr(zone, primary, limits, progress, InstantSource.system());
  }

  /**
   * Transfers a whole zone by AXFR.
   *
   * @param zone the zone apex
   * @param primary where from, with the TSIG key if signed
   * @param limits the bounds
   * @param progress receives running totals
   * @param clock the wall clock for TSIG
   * @return the zone and figures
   * @throws TransferException on any failure, typed by cause
   */
  public static Result axfr(Name zone, Primary primary, TransferLimits limits,
      TransferProgress progress, InstantSource clock) throws TransferException {
    return axfr(new AxfrClient(zone, primary, limits, clock, System::nanoTime), zone, primary,
        progress, null).result();
  }

  /**
   * Runs an IXFR and logs it like an AXFR. Every failure means "use AXFR instead".
   */
  static IxfrClient.Result ixfr(IxfrClient client, Name zone, Primary primary)
      throws TransferException {
    String key = primary.key().map(k -> ", key " + k.name()).orElse("");
    String remote = Primary.format(primary.address());
    LOG.debug("zone {}: IXFR, incoming, remote {}{}, started", zone, remote, key);
    IxfrClient.Result r;
    try {
      r = client.run(AxfrClient.Progress.NONE);
    } catch (TransferException e) {
      LOG.warn("zone {}: IXFR, incoming, remote {}{}, failed, {}; falling back to AXFR", zone,
          remote, key, e.reason());
      throw e;
    }
    String what;
    if (r.outcome() instanceof IxfrStream.Result.Incremental i) {
      int n = i.deltas().size();
      what = n + (n == 1 ? " delta" : " deltas") + ", serial " + i.deltas().get(0).from()
          + " -> " + i.zone().serial();
    } else if (r.outcome() instanceof IxfrStream.Result.Full f) {
      what = "AXFR-style answer, serial " + f.zone().serial();
    } else {
      what = "up to date";
    }
    LOG.info(String.format(Locale.ROOT,
        "zone %s: IXFR, incoming, remote %s%s, finished, %.2f s, %d messages, %d records,"
            + " %d bytes, %s",
        zone, remote, key, r.duration().toNanos() / 1e9, r.messages(), r.records(), r.bytes(),
        what));
    return r;
  }

  /** An AXFR's result and the EDNS EXPIRE its first message carried (RFC 7314). */
  record Fetched(Result result, java.util.Optional<java.time.Duration> expire) {
  }

  /** Runs an AXFR and logs it; {@code from} is the serial held before, for the log line. */
  static Fetched axfr(AxfrClient client, Name zone, Primary primary, TransferProgress progress,
      @Nullable SerialNumber from) throws TransferException {
    String key = primary.key().map(k -> ", key " + k.name()).orElse("");
    String remote = Primary.format(primary.address());
    LOG.debug("zone {}: AXFR, incoming, remote {}{}, started", zone, remote, key);
    AxfrClient.Result r;
    try {
      r = client.run(progress::update);
    } catch (TransferException e) {
      LOG.warn("zone {}: AXFR, incoming, remote {}{}, failed, {}", zone, remote, key,
          e.reason());
      throw e;
    }
    TransferReport stats = new TransferReport(zone, primary.address(), TransferKind.AXFR,
        r.zone().serial(), r.messages(), r.records(), r.bytes(), r.duration());
    LOG.atInfo().addKeyValue("zone", zone).addKeyValue("remote", remote)
        .addKeyValue("records", r.records()).addKeyValue("bytes", r.bytes())
        .addKeyValue("serial", stats.serial())
        .log(String.format(Locale.ROOT,
            "zone %s: AXFR, incoming, remote %s%s, finished, %.2f s, %d messages, %d records,"
                + " %d bytes, serial %s%s",
            zone, remote, key, r.duration().toNanos() / 1e9, r.messages(),
            r.records(), r.bytes(), from == null ? "" : from + " -> ", stats.serial()));
    return new Fetched(new Result(r.zone(), stats), r.expire());
  }
}
