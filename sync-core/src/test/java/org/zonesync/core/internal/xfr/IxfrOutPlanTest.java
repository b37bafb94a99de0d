// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.xfr.IxfrFixtures.a;
import static org.zonesync.core.internal.xfr.IxfrFixtures.txt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.SerialNumber;
import org.zonesync.core.internal.xfr.IxfrOutPlan.Full;
import org.zonesync.core.internal.xfr.IxfrOutPlan.Incremental;
import org.zonesync.core.internal.xfr.IxfrOutPlan.Ratio;
import org.zonesync.core.internal.xfr.IxfrOutPlan.UpToDate;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;

/** The decision table of {@link IxfrOutPlan} and the parsing of {@link Ratio}. */
final class IxfrOutPlanTest {

  /** Versions 4, 5, 6, 7 of a 30-host zone; each step changes a few records. */
  private static final long[] SERIALS = {4, 5, 6, 7};
  private static final List<List<Record>> VERSIONS = versions(SERIALS);
  private static final List<CompactZone> ZONES = VERSIONS.stream().map(IxfrFixtures::compact)
      .toList();
  private static final List<WireDelta> DIFFS = diffs(ZONES);
  private static final CompactZone OURS = ZONES.get(3);

  private static List<List<Record>> versions(long[] serials) {
    List<List<Record>> out = new ArrayList<>();
    List<Record> v = new ArrayList<>(IxfrFixtures.base(serials[0]));
    out.add(List.copyOf(v));
    for (int i = 1; i < serials.length; i++) {
      v.set(0, XfrFixtures.soa(serials[i]));
      v.remove(a("host" + i, i));
      v.add(a("new" + i, 100 + i));
      v.add(txt("new" + i, "version " + serials[i]));
      out.add(List.copyOf(v));
    }
    return out;
  }

  private static List<WireDelta> diffs(List<CompactZone> zones) {
    List<WireDelta> d = new ArrayList<>();
    for (int i = 1; i < zones.size(); i++) {
      d.add(CompactZone.diff(zones.get(i - 1), zones.get(i)));
    }
    return List.copyOf(d);
  }

  private static SerialNumber serial(long v) {
    return SerialNumber.of(v);
  }

  private static IxfrOutPlan decide(long client, boolean udp, Optional<List<WireDelta>> deltas) {
    return IxfrOutPlan.decide(OURS, serial(client), udp, deltas, Ratio.UNLIMITED);
  }

  /** Uncompressed size of every record, as dnsjava encodes it. */
  private static long bytes(List<Record> records) {
    long n = 0;
    for (Record r : records) {
      n += r.toWire(Section.ANSWER).length;
    }
    return n;
  }

  @Nested
  final class UpToDateAnswers {

    @ParameterizedTest
    @ValueSource(longs = {7L, 8L, 9L, 1000L, 7L + 0x7FFF_FFFFL})
    void decide_clientNotOlder_isUpToDate(long client) {
      IxfrOutPlan p = decide(client, false, Optional.of(DIFFS));
      assertInstanceOf(UpToDate.class, p);
      assertEquals("client serial " + client + " is not older than ours 7",
          ((UpToDate) p).reason());
    }

    @Test
    void decide_emptyDeltasAndClientCurrent_isUpToDate() {
      assertInstanceOf(UpToDate.class, decide(7, false, Optional.of(List.of())));
      assertInstanceOf(UpToDate.class, decide(7, false, Optional.empty()));
    }

    @Test
    void decide_overUdp_isUpToDateEvenWithDeltas() {
      IxfrOutPlan p = decide(5, true, Optional.of(DIFFS.subList(1, 3)));
      assertEquals(new UpToDate("IXFR over UDP"), p);
      assertEquals(new UpToDate("IXFR over UDP"), decide(5, true, Optional.empty()));
    }

    @Test
    void decide_undefinedDistance_isNotUpToDate_likeBindSerialGe() {
      // 7 + 2^31: RFC 1982 leaves it undefined; BIND's DNS_SERIAL_GE is false there
      IxfrOutPlan p = decide(7L + 0x8000_0000L, false, Optional.empty());
      assertEquals(new Full("serial 2147483655 not in the journal"), p);
    }

    @Test
    void decide_olderByWrap_isNotUpToDate() {
      // 0xFFFFFFFF is 8 behind 7 in sequence space
      IxfrOutPlan p = decide(0xFFFF_FFFFL, false, Optional.empty());
      assertInstanceOf(Full.class, p);
    }
  }

  @Nested
  final class IncrementalAndFull {

    @Test
    void decide_chainFromClient_isIncremental() {
      for (int k = 0; k < 3; k++) {
        List<WireDelta> d = DIFFS.subList(k, 3);
        IxfrOutPlan p = decide(SERIALS[k], false, Optional.of(d));
        assertEquals(d, ((Incremental) p).deltas(), "from serial " + SERIALS[k]);
      }
    }

    @Test
    void decide_notInJournal_isFull() {
      assertEquals(new Full("serial 5 not in the journal"), decide(5, false, Optional.empty()));
    }

    static Stream<Arguments> brokenChains() {
      return Stream.of(
          Arguments.of("empty list", 5L, List.of()),
          Arguments.of("starts after the client", 5L, DIFFS.subList(2, 3)),
          Arguments.of("starts before the client", 5L, DIFFS),
          Arguments.of("gap", 4L, List.of(DIFFS.get(0), DIFFS.get(2))),
          Arguments.of("ends short", 5L, DIFFS.subList(1, 2)),
          Arguments.of("out of order", 5L, List.of(DIFFS.get(2), DIFFS.get(1))),
          Arguments.of("repeated", 6L, List.of(DIFFS.get(2), DIFFS.get(2))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenChains")
    void decide_brokenChain_isFull(String what, long client, List<WireDelta> deltas) {
      IxfrOutPlan p = decide(client, false, Optional.of(deltas));
      assertInstanceOf(Full.class, p, what);
    }

    @Test
    void decide_brokenChain_saysWhere() {
      Full f = (Full) decide(4, false, Optional.of(List.of(DIFFS.get(0), DIFFS.get(2))));
      assertEquals("delta 2 of 2 starts at serial 6, expected 5", f.reason());
      f = (Full) decide(5, false, Optional.of(DIFFS.subList(1, 2)));
      assertEquals("deltas end at serial 6, ours is 7", f.reason());
    }

    @Test
    void decide_chainAcrossSerialWrap_isIncremental() {
      long[] s = {0xFFFF_FFFEL, 1, 3};
      List<CompactZone> z = versions(s).stream().map(IxfrFixtures::compact).toList();
      List<WireDelta> d = diffs(z);
      CompactZone ours = z.get(2);
      assertEquals(d, ((Incremental) IxfrOutPlan.decide(ours, serial(0xFFFF_FFFEL), false,
          Optional.of(d), Ratio.DEFAULT)).deltas());
      assertInstanceOf(Full.class, IxfrOutPlan.decide(ours, serial(2), false, Optional.empty(),
          Ratio.DEFAULT));
      assertInstanceOf(UpToDate.class, IxfrOutPlan.decide(ours, serial(4), false,
          Optional.of(d), Ratio.DEFAULT));
    }
  }

  @Nested
  final class SizeRatio {

    /** Version 4 of a 9-host zone, then 5 with every host moved and its other records gone. */
    private final List<Record> before = IxfrFixtures.base(4).subList(0, 20);
    private final List<Record> after = renumbered(before, 5);
    private final CompactZone from = IxfrFixtures.compact(before);
    private final CompactZone to = IxfrFixtures.compact(after);
    private final List<WireDelta> delta = List.of(CompactZone.diff(from, to));

    private List<Record> renumbered(List<Record> zone, long serial) {
      List<Record> out = new ArrayList<>();
      out.add(XfrFixtures.soa(serial));
      int i = 0;
      for (Record r : zone.subList(1, zone.size())) {
        if (r.getName().equals(XfrFixtures.ZONE)) {
          out.add(r);
        } else if (r.getType() == Type.A) {
          out.add(a("moved" + i, 50 + i++));
        }
      }
      return out;
    }

    /** The IXFR's size computed from the record lists: both SOAs, deletions, additions. */
    private long ixfrBytes() {
      List<Record> deleted = new ArrayList<>(before.subList(1, before.size()));
      deleted.removeAll(after);
      List<Record> added = new ArrayList<>(after.subList(1, after.size()));
      added.removeAll(before);
      return bytes(List.of(before.get(0), after.get(0))) + bytes(deleted) + bytes(added);
    }

    private IxfrOutPlan decide(Ratio r) {
      return IxfrOutPlan.decide(to, serial(4), false, Optional.of(delta), r);
    }

    @Test
    void decide_ixfrLargerThanZone_isFullAtDefault_incrementalWhenUnlimited() {
      long ixfr = ixfrBytes();
      long zone = bytes(after);
      assertTrue(ixfr > zone, ixfr + " vs " + zone);
      assertEquals(new Full("IXFR of " + ixfr + " bytes exceeds 100% of the zone's " + zone
          + " bytes"), decide(Ratio.DEFAULT));
      assertEquals(delta, ((Incremental) decide(Ratio.UNLIMITED)).deltas());
      assertEquals(delta, ((Incremental) decide(Ratio.parse("1000%"))).deltas());
    }

    @Test
    void decide_ratioBoundary_followsBindIntegerDivision() {
      long ixfr = ixfrBytes();
      long zone = bytes(after);
      long pct = 100 * ixfr / zone; // BIND: AXFR-style when (100 * ixfr) / zone > ratio
      assertInstanceOf(Incremental.class, decide(new Ratio(pct)));
      assertInstanceOf(Full.class, decide(new Ratio(pct - 1)));
      assertInstanceOf(Full.class, decide(new Ratio(1)));
    }

    @Test
    void decide_exactPercentage_isOverTheNextLowerRatio() {
      // A zone padded with a TXT record until 100 * ixfr is a multiple of the zone size, so
      // that (100 * ixfr) / zone is exact: BIND's "> ratio" then falls back at ratio q - 1.
      List<Record> head = IxfrFixtures.base(4).subList(0, 3); // SOA and both NS
      Record added = a("new", 1);
      long ixfr = bytes(List.of(XfrFixtures.soa(4), XfrFixtures.soa(5), added));
      for (int len = 0; len < 256; len++) {
        List<Record> v4 = new ArrayList<>(head);
        v4.add(txt("pad", "x".repeat(len)));
        List<Record> v5 = new ArrayList<>(v4);
        v5.set(0, XfrFixtures.soa(5));
        v5.add(added);
        long zone = bytes(v5);
        if ((100 * ixfr) % zone != 0 || 100 * ixfr / zone < 2) {
          continue;
        }
        long q = 100 * ixfr / zone;
        CompactZone z5 = IxfrFixtures.compact(v5);
        List<WireDelta> d = List.of(CompactZone.diff(IxfrFixtures.compact(v4), z5));
        assertEquals(new Full("IXFR of " + ixfr + " bytes exceeds " + (q - 1) + "% of the zone's "
            + zone + " bytes"),
            IxfrOutPlan.decide(z5, serial(4), false, Optional.of(d), new Ratio(q - 1)));
        assertInstanceOf(Incremental.class,
            IxfrOutPlan.decide(z5, serial(4), false, Optional.of(d), new Ratio(q)));
        return;
      }
      throw new AssertionError("no padding makes 100 * " + ixfr + " a multiple of the zone");
    }

    @Test
    void decide_smallDeltaToLargeZone_isIncrementalAtOnePercent() {
      CompactZone big = IxfrFixtures.compact(XfrFixtures.zone(8, 400));
      List<Record> next = new ArrayList<>(XfrFixtures.zone(9, 400));
      next.add(a("extra", 9));
      CompactZone newer = IxfrFixtures.compact(next);
      List<WireDelta> d = List.of(CompactZone.diff(big, newer));
      long ixfr = bytes(List.of(XfrFixtures.soa(8), next.get(0), next.get(next.size() - 1)));
      assertTrue(100 * ixfr / bytes(next) <= 1, ixfr + " vs " + bytes(next));
      assertEquals(d, ((Incremental) IxfrOutPlan.decide(newer, serial(8), false,
          Optional.of(d), new Ratio(1))).deltas());
    }
  }

  @Nested
  final class RatioParsing {

    @Test
    void parse_acceptsPercentagesAndUnlimited() {
      assertEquals(100, Ratio.parse("100%").percent());
      assertEquals(1, Ratio.parse("1%").percent());
      assertEquals(250, Ratio.parse(" 250% ").percent());
      assertEquals(0xFFFF_FFFFL, Ratio.parse("4294967295%").percent());
      assertSame(Ratio.UNLIMITED, Ratio.parse("unlimited"));
      assertSame(Ratio.UNLIMITED, Ratio.parse("UNLIMITED")); // dotless i under tr rules
      assertTrue(Ratio.parse("Unlimited").isUnlimited());
      assertEquals(Ratio.DEFAULT, Ratio.parse("100%"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "%", "0%", "00%", "100", "-1%", "+5%", "1.5%", "10 %", "1e2%",
        "4294967296%", "99999999999%", "unlimitedx", "none", "ünlimited"})
    void parse_rejectsOtherText(String text) {
      assertThrows(IllegalArgumentException.class, () -> Ratio.parse(text));
    }

    @Test
    void toString_isTheConfigForm() {
      assertEquals("100%", Ratio.DEFAULT.toString());
      assertEquals("unlimited", Ratio.UNLIMITED.toString());
      assertEquals(Ratio.parse("37%"), Ratio.parse(Ratio.parse("37%").toString()));
    }

    @Test
    void constructor_rejectsOutOfRange() {
      assertThrows(IllegalArgumentException.class, () -> new Ratio(-1));
      assertThrows(IllegalArgumentException.class, () -> new Ratio(0x1_0000_0000L));
    }
  }
}
