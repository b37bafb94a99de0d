// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

/**
 * A zone serial number with the sequence-space arithmetic of RFC 1982.
 *
 * <p>Serials are 32-bit unsigned values compared on a circle: {@code s1} is newer than {@code s2}
 * when it lies less than 2<sup>31</sup> ahead of it. The comparison is not a total order (RFC 1982
 * section 3.2), so this type is deliberately not {@link Comparable}. When two serials are exactly
 * 2<sup>31</sup> apart the comparison is undefined: there is no compareTo;
 * {@link #relationTo} answers {@link Relation#UNDEFINED}, and {@link #isNewerThan} and
 * {@link #isOlderThan} both answer {@code false} ("not newer", the DESIGN invariant).
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param value the serial, 0 to 2<sup>32</sup>-1
 * @since 0.1
 */
public record SerialNumber(long value) {

  /** The largest serial value, 2<sup>32</sup>-1. */
  public static final long MAX_VALUE = 0xFFFF_FFFFL;

  private static final long HALF = 0x8000_0000L;

  /** How one serial relates to another under RFC 1982. */
  public enum Relation {
    /** Both serials are the same value. */
    EQUAL,
    /** This serial is newer (greater in RFC 1982 terms). */
    NEWER,
    /** This serial is older (less in RFC 1982 terms). */
    OLDER,
    /** The serials are exactly 2^31 apart; RFC 1982 leaves the comparison undefined. */
    UNDEFINED
  }

  /**
   * Checks the range.
   *
   * @throws IllegalArgumentException if {@code value} is outside 0..2^32-1
   */
  public SerialNumber {
    if (value < 0 || value > MAX_VALUE) {
      throw new IllegalArgumentException("serial out of range 0.." + MAX_VALUE + ": " + value);
    }
  }

  /**
   * Returns the serial with the given value.
   *
   * @param value 0 to 2^32-1
   * @return the serial
   * @throws IllegalArgumentException if out of range
   */
  public static SerialNumber of(long value) {
    return new SerialNumber(value);
  }

  /**
   * Returns the serial whose unsigned 32-bit value is {@code bits}, as read from the wire.
   *
   * @param bits the raw 32 bits
   * @return the serial
   */
  public static SerialNumber fromBits(int bits) {
    return new SerialNumber(bits & MAX_VALUE);
  }

  /**
   * Compares this serial with another, RFC 1982 section 3.2.
   *
   * @param other the serial to compare with
   * @return how this serial relates to {@code other}
   */
  public Relation relationTo(SerialNumber other) {
    long diff = (value - other.value) & MAX_VALUE;
    if (diff == 0) {
      return Relation.EQUAL;
    }
    if (diff == HALF) {
      return Relation.UNDEFINED;
    }
    return diff < HALF ? Relation.NEWER : Relation.OLDER;
  }

  /**
   * Tells whether this serial is newer than {@code other}; {@code false} when undefined.
   *
   * @param other the serial to compare with
   * @return true only if RFC 1982 defines this serial as greater
   */
  public boolean isNewerThan(SerialNumber other) {
    return relationTo(other) == Relation.NEWER;
  }

  /**
   * Tells whether this serial is older than {@code other}; {@code false} when undefined.
   *
   * @param other the serial to compare with
   * @return true only if RFC 1982 defines this serial as less
   */
  public boolean isOlderThan(SerialNumber other) {
    return relationTo(other) == Relation.OLDER;
  }

  /**
   * Adds {@code n} (0 to 2^31-1) as RFC 1982 section 3.1 defines serial addition.
   *
   * @param n how much to add
   * @return the new serial
   * @throws IllegalArgumentException if {@code n} is outside 0..2^31-1
   */
  public SerialNumber plus(long n) {
    if (n < 0 || n > HALF - 1) {
      throw new IllegalArgumentException("serial increment out of range 0.." + (HALF - 1) + ": " + n);
    }
    return new SerialNumber((value + n) & MAX_VALUE);
  }

  /** Returns the value as a decimal string, as it appears in an SOA record. */
  @Override
  public String toString() {
    return Long.toString(value);
  }
}
