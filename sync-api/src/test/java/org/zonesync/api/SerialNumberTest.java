// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Serial;
import org.zonesync.api.SerialNumber.Relation;

/** RFC 1982 serial arithmetic, checked against the RFC's definition and dnsjava's Serial. */
final class SerialNumberTest {

  @Provide
  Arbitrary<Long> serials() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, SerialNumber.MAX_VALUE),
        Arbitraries.of(0L, 1L, 0x7FFF_FFFFL, 0x8000_0000L, 0x8000_0001L, 0xFFFF_FFFEL,
            0xFFFF_FFFFL));
  }

  @Property
  void relation_isAntisymmetric(@ForAll("serials") long a, @ForAll("serials") long b) {
    Relation ab = SerialNumber.of(a).relationTo(SerialNumber.of(b));
    Relation ba = SerialNumber.of(b).relationTo(SerialNumber.of(a));
    switch (ab) {
      case EQUAL -> assertEquals(Relation.EQUAL, ba);
      case NEWER -> assertEquals(Relation.OLDER, ba);
      case OLDER -> assertEquals(Relation.NEWER, ba);
      case UNDEFINED -> assertEquals(Relation.UNDEFINED, ba);
      default -> throw new AssertionError(ab);
    }
  }

  /** RFC 1982 section 3.2, written out literally. */
  @Property
  void relation_followsTheRfcDefinition(@ForAll("serials") long i1, @ForAll("serials") long i2) {
    long half = 1L << 31;
    boolean greater = (i1 < i2 && i2 - i1 > half) || (i1 > i2 && i1 - i2 < half);
    boolean less = (i1 < i2 && i2 - i1 < half) || (i1 > i2 && i1 - i2 > half);
    SerialNumber s1 = SerialNumber.of(i1);
    SerialNumber s2 = SerialNumber.of(i2);
    assertEquals(greater, s1.isNewerThan(s2));
    assertEquals(less, s1.isOlderThan(s2));
    assertEquals(Math.abs(i1 - i2) == half, s1.relationTo(s2) == Relation.UNDEFINED);
  }

  @Property
  void relation_agreesWithDnsjava_whereDefined(@ForAll("serials") long a,
      @ForAll("serials") long b) {
    Relation r = SerialNumber.of(a).relationTo(SerialNumber.of(b));
    if (r == Relation.UNDEFINED) {
      return; // dnsjava answers something here; RFC 1982 does not
    }
    int d = Serial.compare(a, b);
    assertEquals(r, d == 0 ? Relation.EQUAL : d > 0 ? Relation.NEWER : Relation.OLDER);
  }

  @Property
  void plus_isNewer_forEveryIncrementUpTo2pow31minus1(@ForAll("serials") long s,
      @ForAll @LongRange(min = 1, max = 0x7FFF_FFFFL) long n) {
    SerialNumber a = SerialNumber.of(s);
    assertTrue(a.plus(n).isNewerThan(a));
    assertEquals((s + n) % (1L << 32), a.plus(n).value());
  }

  @Test
  void exactly2pow31Apart_isUndefined_andNeitherNewerNorOlder() {
    SerialNumber a = SerialNumber.of(5);
    SerialNumber b = SerialNumber.of(5 + 0x8000_0000L);
    assertEquals(Relation.UNDEFINED, a.relationTo(b));
    assertFalse(a.isNewerThan(b));
    assertFalse(b.isNewerThan(a));
    assertFalse(a.isOlderThan(b));
  }

  @ParameterizedTest
  @CsvSource({"0,4294967295,NEWER", "4294967295,0,OLDER", "1,1,EQUAL", "100,99,NEWER",
      "0,2147483648,UNDEFINED", "2147483647,0,NEWER", "2147483649,0,OLDER"})
  void relation_examples(long a, long b, Relation expected) {
    assertEquals(expected, SerialNumber.of(a).relationTo(SerialNumber.of(b)));
  }

  @Test
  void range_isChecked() {
    assertThrows(IllegalArgumentException.class, () -> SerialNumber.of(-1));
    assertThrows(IllegalArgumentException.class, () -> SerialNumber.of(1L << 32));
    assertThrows(IllegalArgumentException.class, () -> SerialNumber.of(1).plus(1L << 31));
    assertThrows(IllegalArgumentException.class, () -> SerialNumber.of(1).plus(-1));
    assertEquals(0xFFFF_FFFFL, SerialNumber.fromBits(-1).value());
    assertEquals("4294967295", SerialNumber.fromBits(-1).toString());
  }
}
