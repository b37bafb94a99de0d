// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.ZoneDelta;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;
import org.zonesync.core.internal.zone.ZoneCursor;

/**
 * How to answer one IXFR request (RFC 1995): the decision only, no I/O. {@link #decide} picks
 * one of three answers, in the order BIND's {@code ns_xfr_start} (lib/ns/xfrout.c) does:
 *
 * <ol>
 *   <li>{@link UpToDate}, our SOA alone, when the client's serial is equal to or newer than ours
 *       (RFC 1995 section 2), or when the request came over UDP: BIND answers every UDP IXFR with
 *       the single SOA, which the client reads as "up to date" or "use TCP" (the "does not fit"
 *       case of RFC 1995 section 2). "Newer" is BIND's {@code DNS_SERIAL_GE}: a client exactly
 *       2<sup>31</sup> away (undefined in RFC 1982) is <em>not</em> up to date and goes on to the
 *       journal, as in BIND.
 *   <li>{@link Full}, an AXFR-style answer (RFC 1995 section 4), when the journal does not have
 *       the client's serial, when the deltas given do not chain from it to ours (never send a
 *       broken chain), or when the IXFR would be larger than {@code max-ixfr-ratio} of the zone.
 *   <li>{@link Incremental} otherwise.
 * </ol>
 *
 * <p>The size check follows BIND, which compares bytes, not records: the journal's size of the
 * transactions (each record, the two SOAs of every delta included, counted as owner + 10 +
 * rdata octets, uncompressed) against the zone's size, and falls back when {@code (100 *
 * ixfrBytes) / zoneBytes > percent} in integer arithmetic. The zone's size here is the same
 * per-record measure over every record, the SOA once: the uncompressed size of the AXFR's
 * records. (BIND's database estimate counts the owner and type once per RRset, so it is a
 * little smaller; the difference matters only at the boundary.) The zone is walked only as far
 * as needed to see that the IXFR fits, so a small delta to a large zone costs little.
 */
public sealed interface IxfrOutPlan {

  /**
   * Answer with our current SOA alone (RFC 1995 sections 2 and 4).
   *
   * @param reason why, for the log line ("client serial 9 is not older than ours 7", "IXFR over
   *     UDP")
   */
  record UpToDate(String reason) implements IxfrOutPlan {
    /**
     * Checks the argument.
     *
     * @throws NullPointerException if {@code reason} is null
     */
    public UpToDate {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Answer with these deltas, which chain from the client's serial to ours (RFC 1995 section 4).
   *
   * @param deltas at least one, oldest first, each starting at the serial the previous one ends
   */
  record Incremental(List<WireDelta> deltas) implements IxfrOutPlan {
    /**
     * Copies the list.
     *
     * @throws IllegalArgumentException if {@code deltas} is empty
     */
    public Incremental {
      deltas = List.copyOf(deltas);
      if (deltas.isEmpty()) {
        throw new IllegalArgumentException("an incremental answer needs at least one delta");
      }
    }
  }

  /**
   * Answer AXFR-style: the whole zone between two SOAs, the IXFR question echoed (RFC 1995
   * section 4).
   *
   * @param reason why, for the log line ("serial 5 not in the journal", "IXFR of 900 bytes
   *     exceeds 100% of the zone's 800 bytes")
   */
  record Full(String reason) implements IxfrOutPlan {
    /**
     * Checks the argument.
     *
     * @throws NullPointerException if {@code reason} is null
     */
    public Full {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * BIND's {@code max-ixfr-ratio}: the largest IXFR, as a percentage of the zone's size, sent
   * before falling back to AXFR-style; or unlimited.
   *
   * @param percent 1 to 2<sup>32</sup>-1, or 0 for unlimited
   */
  public record Ratio(long percent) {

    /** No limit: any IXFR the journal has is sent. */
    public static final Ratio UNLIMITED = new Ratio(0);

    /** BIND's default since 9.16.12, {@code 100%} (bin/named/config.c). */
    public static final Ratio DEFAULT = new Ratio(100);

    /**
     * Checks the range.
     *
     * @throws IllegalArgumentException if {@code percent} is outside 0..2^32-1
     */
    public Ratio {
      if (percent < 0 || percent > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("max-ixfr-ratio out of range 1%.." + 0xFFFF_FFFFL
            + "%: " + percent + "%");
      }
    }

    /**
     * Parses the named.conf form: {@code unlimited} or a percentage such as {@code 100%}, from
     * 1% (BIND's minimum) to 4294967295%.
     *
     * @param text the value, surrounding blanks and letter case ignored
     * @return the ratio
     * @throws IllegalArgumentException if the text is neither form, or the percentage is 0 or
     *     too large
     */
    public static Ratio parse(String text) {
      String t = text.strip().toLowerCase(Locale.ROOT);
      if (t.equals("unlimited")) {
        return UNLIMITED;
      }
      int end = t.length() - 1;
      if (end < 1 || t.charAt(end) != '%' || end > 10) {
        throw new IllegalArgumentException("max-ixfr-ratio is not unlimited or a percentage: "
            + text);
      }
      long v = 0;
      for (int i = 0; i < end; i++) {
        char c = t.charAt(i);
        if (c < '0' || c > '9') {
          throw new IllegalArgumentException("max-ixfr-ratio is not unlimited or a percentage: "
              + text);
        }
        v = v * 10 + (c - '0');
      }
      if (v == 0) {
        throw new IllegalArgumentException("max-ixfr-ratio below the minimum of 1%: " + text);
      }
      return new Ratio(v);
    }

    /**
     * Tells whether there is no limit.
     *
     * @return true for {@code unlimited}
     */
    public boolean isUnlimited() {
      return percent == 0;
    }

    /** Returns the named.conf form: {@code unlimited} or {@code N%}. */
    @Override
    public String toString() {
      return isUnlimited() ? "unlimited" : percent + "%";
    }
  }

  /**
   * Decides how to answer an IXFR request.
   *
   * @param current our current version
   * @param clientSerial the serial of the SOA in the request's authority section
   * @param overUdp whether the request came in a datagram
   * @param deltas the journal's deltas from {@code clientSerial} to ours, oldest first; empty
   *     when the journal does not have that serial
   * @param maxIxfrRatio the size limit
   * @return the answer to send
   */
  static IxfrOutPlan decide(CompactZone current, SerialNumber clientSerial, boolean overUdp,
      Optional<List<WireDelta>> deltas, Ratio maxIxfrRatio) {
    Objects.requireNonNull(deltas, "deltas");
    Objects.requireNonNull(maxIxfrRatio, "maxIxfrRatio");
    SerialNumber ours = current.serial();
    SerialNumber.Relation rel = clientSerial.relationTo(ours);
    // BIND: DNS_SERIAL_GE(begin_serial, current_serial) || !TCP. GE is false at exactly 2^31.
    if (rel == SerialNumber.Relation.EQUAL || rel == SerialNumber.Relation.NEWER) {
      return new UpToDate("client serial " + clientSerial + " is not older than ours " + ours);
    }
    if (overUdp) {
      return new UpToDate("IXFR over UDP");
    }
    if (deltas.isEmpty()) {
      return new Full("serial " + clientSerial + " not in the journal");
    }
    List<WireDelta> d = List.copyOf(deltas.get());
    String broken = chainFault(d, clientSerial, ours);
    if (broken != null) {
      return new Full(broken);
    }
    if (!maxIxfrRatio.isUnlimited()) {
      long ixfr = 0;
      for (WireDelta w : d) {
        ixfr = sat(ixfr + deltaBytes(w));
      }
      long zone = zoneBytesUpTo(current, ixfr, maxIxfrRatio.percent());
      if (exceeds(ixfr, zone, maxIxfrRatio.percent())) {
        return new Full("IXFR of " + ixfr + " bytes exceeds " + maxIxfrRatio + " of the zone's "
            + zone + " bytes");
      }
    }
    return new Incremental(d);
  }

  /** Why the deltas do not lead from {@code from} to {@code to}, or null when they do. */
  private static @Nullable String chainFault(List<WireDelta> d, SerialNumber from,
      SerialNumber to) {
    if (d.isEmpty()) {
      return "journal has no deltas from serial " + from + " to " + to;
    }
    SerialNumber at = from;
    for (int i = 0; i < d.size(); i++) {
      WireDelta w = d.get(i);
      if (!w.from().equals(at)) {
        return "delta " + (i + 1) + " of " + d.size() + " starts at serial " + w.from()
            + ", expected " + at;
      }
      if (!w.to().isNewerThan(w.from())) {
        return "delta " + (i + 1) + " of " + d.size() + " goes from serial " + w.from()
            + " to " + w.to() + ", not newer";
      }
      at = w.to();
    }
    if (!at.equals(to)) {
      return "deltas end at serial " + at + ", ours is " + to;
    }
    return null;
  }

  /**
   * BIND's test {@code (100 * jsize) / dbsize > ratio}: with integer division that is
   * {@code 100 * ixfr >= (percent + 1) * zone}.
   */
  private static boolean exceeds(long ixfr, long zone, long percent) {
    return mulSat(ixfr, 100) >= mulSat(percent + 1, zone);
  }

  /**
   * The zone's size, stopping early once it is large enough for the IXFR to pass: the exact size
   * whenever the IXFR exceeds the ratio.
   */
  private static long zoneBytesUpTo(CompactZone zone, long ixfr, long percent) {
    ZoneCursor c = zone.cursor();
    long n = 0;
    while (c.next()) {
      n = sat(n + c.ownerLength() + 10 + c.rdataLength());
      if (!exceeds(ixfr, n, percent)) {
        return n;
      }
    }
    return n;
  }

  /** The journal's size of one delta: both SOAs and every record, uncompressed. */
  private static long deltaBytes(WireDelta w) {
    ZoneDelta z = w.toZoneDelta();
    long n = wireLength(z.fromSoa()) + wireLength(z.toSoa());
    for (Record r : z.deleted()) {
      n += wireLength(r);
    }
    for (Record r : z.added()) {
      n += wireLength(r);
    }
    return n;
  }

  private static long wireLength(Record r) {
    return r.toWire(Section.ANSWER).length;
  }

  private static long mulSat(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
  }

  private static long sat(long v) {
    return v < 0 ? Long.MAX_VALUE : v;
  }
}
