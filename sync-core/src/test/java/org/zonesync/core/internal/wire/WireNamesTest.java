// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/** Differential checks of {@link WireNames} against dnsjava's {@link Name}. */
final class WireNamesTest {

  /** Names that share suffixes and differ in case, plus random ones. */
  private static List<Name> names(Random r) throws Exception {
    List<Name> names = new ArrayList<>();
    for (String s : new String[] {".", "com.", "COM.", "example.com.", "Example.COM.", "a.example.com.",
        "z.example.com.", "*.example.com.", "\\001.example.com.", "yljkjljk.a.example.com.",
        "Z.a.example.com.", "zABC.a.EXAMPLE.com.", "\\200.z.example.com.", "example.org.", "ex.com.",
        "examplf.com.", "exampl.com.", "\\[.com.", "_.com.", "a.b.c.d.e.f.g."}) {
      names.add(Name.fromString(s));
    }
    for (int i = 0; i < 300; i++) {
      names.add(WireTestSupport.randomName(r));
    }
    return names;
  }

  @Test
  void compareCanonical_ordersLikeDnsjava() throws Exception {
    List<Name> names = names(new Random(12));
    for (Name a : names) {
      byte[] wa = a.toWire();
      for (Name b : names) {
        byte[] wb = b.toWire();
        // Offsets inside larger arrays must not matter.
        byte[] pb = new byte[wb.length + 2];
        System.arraycopy(wb, 0, pb, 2, wb.length);
        int ours = WireNames.compareCanonical(wa, 0, wa.length, pb, 2, wb.length);
        assertEquals(Integer.signum(a.compareTo(b)), Integer.signum(ours), a + " vs " + b);
      }
    }
  }

  @Test
  void compareCanonical_isCaseInsensitive_andShorterFirst() throws Exception {
    byte[] upper = Name.fromString("WWW.Example.COM.").toWire();
    byte[] lower = Name.fromString("www.example.com.").toWire();
    byte[] parent = Name.fromString("example.com.").toWire();
    assertEquals(0, WireNames.compareCanonical(upper, 0, upper.length, lower, 0, lower.length));
    assertTrue(WireNames.compareCanonical(parent, 0, parent.length, lower, 0, lower.length) < 0);
    assertTrue(WireNames.compareCanonical(lower, 0, lower.length, parent, 0, parent.length) > 0);
  }

  @Test
  void equalsAndSubdomainAndLabels_matchDnsjava() throws Exception {
    List<Name> names = names(new Random(13));
    for (Name a : names) {
      byte[] wa = a.toWire();
      assertEquals(a.labels() - 1, WireNames.labelCount(wa, 0, wa.length), a.toString());
      for (Name b : names) {
        byte[] wb = b.toWire();
        assertEquals(a.equals(b), WireNames.equalsIgnoreCase(wa, 0, wa.length, wb, 0, wb.length), a + " = " + b);
        assertEquals(a.subdomain(b), WireNames.isSubdomain(wa, 0, wa.length, wb, 0, wb.length), a + " under " + b);
      }
    }
  }

  @Test
  void isSubdomain_respectsLabelBoundaries() throws Exception {
    byte[] name = Name.fromString("notexample.com.").toWire();
    byte[] apex = Name.fromString("example.com.").toWire();
    byte[] child = Name.fromString("www.EXAMPLE.com.").toWire();
    assertFalse(WireNames.isSubdomain(name, 0, name.length, apex, 0, apex.length));
    assertTrue(WireNames.isSubdomain(child, 0, child.length, apex, 0, apex.length));
    assertTrue(WireNames.isSubdomain(apex, 0, apex.length, apex, 0, apex.length));
  }
}
