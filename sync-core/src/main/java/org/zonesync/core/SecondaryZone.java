// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.zonesync.api.Primary;
import org.zonesync.api.TsigKey;
import org.zonesync.core.internal.refresh.SoaTimers;

/**
 * The configuration of one secondary zone: its name, its primaries in the order they are tried,
 * and its transfer limits. Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class SecondaryZone {

  private final Name zone;
  private final List<Primary> primaries;
  private final TransferLimits limits;
  private final boolean requestIxfr;
  private final int ixfrMaxDeltas;
  private final boolean ixfrLenient;
  private final boolean ixfrFromDifferences;
  private final SoaTimers.Bounds timerBounds;
  private final ZoneServing serving;

  private SecondaryZone(Builder b) {
    this.zone = b.zone;
    this.primaries = List.copyOf(b.primaries);
    this.limits = b.limits;
    this.requestIxfr = b.requestIxfr;
    this.ixfrMaxDeltas = b.ixfrMaxDeltas;
    this.ixfrLenient = b.ixfrLenient;
    this.ixfrFromDifferences = b.ixfrFromDifferences;
    this.serving = b.serving;
    this.timerBounds = new SoaTimers.Bounds(b.minRefresh, b.maxRefresh, b.minRetry, b.maxRetry,
        b.maxExpire);
  }

  /**
   * Starts a configuration.
   *
   * @param zone the zone apex, e.g. {@code example.com.} (a missing final dot is added)
   * @return the builder
   * @throws IllegalArgumentException if the name is invalid
   */
  public static Builder builder(String zone) {
    requireNonNull(zone, "zone");
    try {
      return new Builder(Name.fromString(zone, Name.root));
    } catch (TextParseException e) {
      throw new IllegalArgumentException("invalid zone name: " + zone, e);
    }
  }

  /**
   * Starts a configuration.
   *
   * @param zone the zone apex, absolute
   * @return the builder
   * @throws IllegalArgumentException if the name is relative
   */
  public static Builder builder(Name zone) {
    requireNonNull(zone, "zone");
    if (!zone.isAbsolute()) {
      throw new IllegalArgumentException("zone name must be absolute: " + zone);
    }
    return new Builder(zone);
  }

  /** Returns the zone apex. */
  public Name zone() {
    return zone;
  }

  /** Returns the primaries in the order they are tried. */
  public List<Primary> primaries() {
    return primaries;
  }

  /** Returns the transfer limits. */
  public TransferLimits limits() {
    return limits;
  }

  /** Returns whether a replica holding a version asks for IXFR first (default true). */
  public boolean requestIxfr() {
    return requestIxfr;
  }

  /** Returns the most deltas one IXFR may carry before AXFR is used instead (default 1000). */
  public int ixfrMaxDeltas() {
    return ixfrMaxDeltas;
  }

  /** Returns whether inexact deltas are applied anyway (default false, as BIND and Knot). */
  public boolean ixfrLenient() {
    return ixfrLenient;
  }

  /**
   * Returns whether, after an AXFR, the difference from the previous version is journaled as
   * a delta (BIND's {@code ixfr-from-differences}) instead of resetting the journal.
   */
  public boolean ixfrFromDifferences() {
    return ixfrFromDifferences;
  }

  /** Returns how the zone is served onward; default {@link ZoneServing#none()}. */
  public ZoneServing serving() {
    return serving;
  }

  /** The clamps applied to the SOA's refresh, retry and expire. */
  SoaTimers.Bounds timerBounds() {
    return timerBounds;
  }

  /**
   * The timers used while no version is held: retry after one minute, doubling up to six hours
   * (BIND's defaults for a zone that never loaded).
   */
  SoaTimers loadingTimers() {
    Duration retry = Duration.ofMinutes(1);
    Duration refresh = Duration.ofHours(6);
    return new SoaTimers(refresh, retry, refresh.plus(retry), Duration.ZERO);
  }

  @Override
  public String toString() {
    return "SecondaryZone[" + zone + ", primaries " + primaries + "]";
  }

  /** Builds a {@link SecondaryZone}. Not thread-safe. */
  public static final class Builder {
    private final Name zone;
    private final List<Primary> primaries = new ArrayList<>();
    private TransferLimits limits = TransferLimits.DEFAULTS;
    private boolean requestIxfr = true;
    private int ixfrMaxDeltas = 1000;
    private boolean ixfrLenient;
    private boolean ixfrFromDifferences;
    private ZoneServing serving = ZoneServing.none();
    private Duration minRefresh = SoaTimers.Bounds.BIND.minRefresh();
    private Duration maxRefresh = SoaTimers.Bounds.BIND.maxRefresh();
    private Duration minRetry = SoaTimers.Bounds.BIND.minRetry();
    private Duration maxRetry = SoaTimers.Bounds.BIND.maxRetry();
    private Duration maxExpire = SoaTimers.Bounds.BIND.maxExpire();

    private Builder(Name zone) {
      this.zone = zone;
    }

    /**
     * Adds a primary.
     *
     * @param primary the primary
     * @return this
     */
    public Builder primary(Primary primary) {
      primaries.add(requireNonNull(primary, "primary"));
      return this;
    }

    /**
     * Adds an unsigned primary by IP address literal.
     *
     * @param address an IPv4 or IPv6 literal
     * @param port the TCP port
     * @return this
     * @throws IllegalArgumentException if the address is not a literal or the port is invalid
     */
    public Builder primary(String address, int port) {
      return primary(Primary.of(socketAddress(address, port)));
    }

    /**
     * Adds a primary whose transfers are signed with {@code key}.
     *
     * @param address an IPv4 or IPv6 literal
     * @param port the TCP port
     * @param key the TSIG key
     * @return this
     * @throws IllegalArgumentException if the address is not a literal or the port is invalid
     */
    public Builder primary(String address, int port, TsigKey key) {
      return primary(Primary.of(socketAddress(address, port), key));
    }

    /**
     * Sets the transfer limits; default {@link TransferLimits#DEFAULTS}.
     *
     * @param limits the limits
     * @return this
     */
    public Builder limits(TransferLimits limits) {
      this.limits = requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Sets whether to ask for IXFR when a version is held; default true.
     *
     * @param on false to always transfer the whole zone
     * @return this
     */
    public Builder requestIxfr(boolean on) {
      this.requestIxfr = on;
      return this;
    }

    /**
     * Sets the most deltas one IXFR may carry before AXFR is used instead (BIND's
     * {@code request-ixfr-max-diffs}); default 1000.
     *
     * @param n at least 1
     * @return this
     * @throws IllegalArgumentException if below 1
     */
    public Builder ixfrMaxDeltas(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("ixfrMaxDeltas must be at least 1: " + n);
      }
      this.ixfrMaxDeltas = n;
      return this;
    }

    /**
     * Applies deltas that delete missing records or add present ones (Knot's
     * {@code ixfr-benevolent}); default false: such a delta makes the replica use AXFR.
     *
     * @param on true to be lenient
     * @return this
     */
    public Builder ixfrLenient(boolean on) {
      this.ixfrLenient = on;
      return this;
    }

    /**
     * Journals the exact difference after every AXFR (BIND's {@code ixfr-from-differences}),
     * so the zone can be served by IXFR even when its primary only speaks AXFR; default false.
     *
     * @param on true to compute and journal differences
     * @return this
     */
    public Builder ixfrFromDifferences(boolean on) {
      this.ixfrFromDifferences = on;
      return this;
    }

    /**
     * Serves the zone onward (a stealth secondary): who may transfer it, whom to NOTIFY after
     * each new version; default {@link ZoneServing#none()}, which serves nobody.
     *
     * @param serving the serving configuration
     * @return this
     */
    public Builder serving(ZoneServing serving) {
      this.serving = java.util.Objects.requireNonNull(serving, "serving");
      return this;
    }

    /**
     * Sets the range the SOA's refresh is clamped to (BIND's {@code min-refresh-time} and
     * {@code max-refresh-time}); default 300 s to 4 weeks.
     *
     * @param min the shortest, positive
     * @param max the longest
     * @return this
     */
    public Builder refreshRange(Duration min, Duration max) {
      this.minRefresh = requireNonNull(min, "min");
      this.maxRefresh = requireNonNull(max, "max");
      return this;
    }

    /**
     * Sets the range the SOA's retry is clamped to (BIND's {@code min-retry-time} and
     * {@code max-retry-time}); default 500 s to 2 weeks.
     *
     * @param min the shortest, positive
     * @param max the longest
     * @return this
     */
    public Builder retryRange(Duration min, Duration max) {
      this.minRetry = requireNonNull(min, "min");
      this.maxRetry = requireNonNull(max, "max");
      return this;
    }

    /**
     * Sets the longest expire; the shortest is always refresh + retry. Default 24 weeks.
     *
     * @param max the longest
     * @return this
     */
    public Builder maxExpire(Duration max) {
      this.maxExpire = requireNonNull(max, "max");
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     * @throws IllegalStateException if no primary was added
     * @throws IllegalArgumentException if a timer range is empty or not positive
     */
    public SecondaryZone build() {
      if (primaries.isEmpty()) {
        throw new IllegalStateException("zone " + zone + " has no primary");
      }
      return new SecondaryZone(this);
    }

    private static InetSocketAddress socketAddress(String address, int port) {
      requireNonNull(address, "address");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535: " + port);
      }
      if (!address.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
        throw new IllegalArgumentException("primary must be an IP address literal: " + address);
      }
      try {
        return new InetSocketAddress(InetAddress.getByName(address), port);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("invalid IP address: " + address, e);
      }
    }
  }
}
