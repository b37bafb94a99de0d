// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.zone.ZoneTestData.name;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

final class CanonicalNamesTest {

  private static int compare(Name a, Name b) {
    byte[] x = a.toWire();
    byte[] y = b.toWire();
    return new CanonicalNames.Order().compare(x, 0, x.length, y, 0, y.length);
  }

  @Property
  void compare_agreesWithDnsjava(@ForAll("names") Name a, @ForAll("names") Name b) {
    assertEquals(Integer.signum(a.compareTo(b)), Integer.signum(compare(a, b)), a + " vs " + b);
  }

  /** Comparing against a fixed key gives what compare gives, and a compare drops the key. */
  @Property
  void compareToKey_agreesWithCompare(@ForAll("names") Name a, @ForAll("names") Name b) {
    byte[] x = a.toWire();
    byte[] y = b.toWire();
    CanonicalNames.Order o = new CanonicalNames.Order();
    o.setKey(y, 0, y.length);
    assertEquals(Integer.signum(a.compareTo(b)), Integer.signum(o.compareToKey(x, 0, x.length)));
    assertEquals(Integer.signum(a.compareTo(a)), Integer.signum(o.compare(x, 0, x.length,
        x, 0, x.length)));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> o.compareToKey(x, 0, x.length));
  }

  @Provide
  Arbitrary<Name> names() {
    return ZoneTestData.nameWire(name("Ex.com.").toWire()).map(w -> {
      try {
        return new Name(w);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Nested
  final class Order {

    /** The example list of RFC 4034 section 6.1, in the order the RFC gives. */
    @Test
    void compare_ordersRfc4034Example_inListedOrder() {
      String[] rfc = {"example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.",
          "zABC.a.EXAMPLE.", "z.example.", "\\001.z.example.", "*.z.example.", "\\200.z.example."};
      List<Name> names = new ArrayList<>();
      for (String s : rfc) {
        names.add(name(s));
      }
      for (int i = 0; i < names.size(); i++) {
        for (int j = 0; j < names.size(); j++) {
          assertEquals(Integer.signum(Integer.compare(i, j)),
              Integer.signum(compare(names.get(i), names.get(j))),
              names.get(i) + " vs " + names.get(j));
        }
      }
    }

    @Test
    void compare_ignoresAsciiCase_only() {
      assertEquals(0, compare(name("WwW.Example.COM."), name("www.example.com.")));
      // 0xC1 is not an upper-case letter: no Latin-1 folding (RFC 4343 section 3).
      assertTrue(compare(name("\\193.com."), name("\\225.com.")) < 0);
    }
  }

  @Nested
  final class Validation {

    @Test
    void nameLength_rejectsPointerLongLabelAndMissingRoot() {
      assertEquals(-1, CanonicalNames.nameLength(new byte[] {(byte) 0xC0, 12}, 0, 2));
      assertEquals(-1, CanonicalNames.nameLength(new byte[] {64}, 0, 1));
      assertEquals(-1, CanonicalNames.nameLength(new byte[] {1, 'a'}, 0, 2));
      assertEquals(3, CanonicalNames.nameLength(new byte[] {1, 'a', 0, 9}, 0, 4));
    }

    @Test
    void nameLength_rejectsNamesOver255Octets() {
      byte[] w = new byte[257];
      for (int i = 0; i < 4; i++) {
        w[i * 64] = 63;
      }
      w[256] = 0; // four 63-octet labels, then the root: 257 octets, too long
      assertEquals(-1, CanonicalNames.nameLength(w, 0, w.length));
      byte[] max = name("a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "."
          + "d".repeat(61) + ".").toWire();
      assertEquals(255, max.length);
      assertEquals(255, CanonicalNames.nameLength(max, 0, max.length));
    }

    @Test
    void isAtOrBelow_needsALabelBoundary() {
      byte[] origin = name("example.com.").toWire();
      byte[] below = name("WWW.Example.Com.").toWire();
      byte[] apex = name("EXAMPLE.com.").toWire();
      byte[] sibling = name("badexample.com.").toWire();
      byte[] tricky = name("x\\007example.com.").toWire();
      assertTrue(CanonicalNames.isAtOrBelow(below, 0, below.length, origin));
      assertTrue(CanonicalNames.isAtOrBelow(apex, 0, apex.length, origin));
      assertFalse(CanonicalNames.isAtOrBelow(sibling, 0, sibling.length, origin));
      assertFalse(CanonicalNames.isAtOrBelow(tricky, 0, tricky.length, origin));
    }
  }
}
