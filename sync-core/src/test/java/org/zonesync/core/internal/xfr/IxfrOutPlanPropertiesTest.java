// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.SerialNumber;
import org.zonesync.core.internal.xfr.IxfrOutPlan.Full;
import org.zonesync.core.internal.xfr.IxfrOutPlan.Incremental;
import org.zonesync.core.internal.xfr.IxfrOutPlan.Ratio;
import org.zonesync.core.internal.xfr.IxfrOutPlan.UpToDate;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;

/**
 * Random version chains: the plan is incremental exactly when the deltas given chain from the
 * client's serial to ours and fit the ratio (sizes computed here from the record lists, not
 * from the deltas), and the planned deltas applied to the client's version give ours.
 */
final class IxfrOutPlanPropertiesTest {

  /** What is done to the true delta list before it is handed to the plan. */
  enum Fault {
    NONE, MISSING, DROP_FIRST, DROP_LAST, DROP_MIDDLE, REVERSE, EXTRA_AFTER, EMPTY
  }

  @Provide
  Arbitrary<Long> serials() {
    return Arbitraries.oneOf(Arbitraries.longs().between(0, 0xFFFF_FFFFL),
        Arbitraries.longs().between(0xFFFF_FFF0L, 0xFFFF_FFFFL),
        Arbitraries.longs().between(0x7FFF_FFF0L, 0x8000_0010L));
  }

  @Provide
  Arbitrary<Ratio> ratios() {
    return Arbitraries.of(Ratio.UNLIMITED, new Ratio(1), new Ratio(10), new Ratio(50),
        Ratio.DEFAULT, new Ratio(150), new Ratio(400));
  }

  @Provide
  Arbitrary<Fault> faults() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(Fault.NONE)),
        Tuple.of(4, Arbitraries.of(Fault.class)));
  }

  @Property(tries = 150)
  void decide_incrementalExactlyWhenChainedAndWithinRatio(@ForAll long seed,
      @ForAll("serials") long firstSerial, @ForAll @IntRange(min = 1, max = 6) int steps,
      @ForAll @IntRange(min = 2, max = 40) int hosts, @ForAll("ratios") Ratio ratio,
      @ForAll("faults") Fault fault, @ForAll boolean udpSometimes) throws Exception {
    Random rnd = new Random(seed);
    List<List<Record>> lists = new ArrayList<>();
    List<Record> v = new ArrayList<>(XfrFixtures.zone(firstSerial, hosts));
    lists.add(List.copyOf(v));
    long serial = firstSerial;
    for (int i = 0; i < steps; i++) {
      serial = (serial + 1 + rnd.nextInt(1 << 28)) & 0xFFFF_FFFFL;
      mutate(v, rnd, serial, i);
      lists.add(List.copyOf(v));
    }
    List<CompactZone> zones = lists.stream().map(IxfrFixtures::compact).toList();
    List<WireDelta> diffs = new ArrayList<>();
    for (int i = 1; i <= steps; i++) {
      diffs.add(CompactZone.diff(zones.get(i - 1), zones.get(i)));
    }
    CompactZone ours = zones.get(steps);
    int k = rnd.nextInt(steps + 1); // the client's version; k == steps: current
    boolean udp = udpSometimes && rnd.nextInt(4) == 0;
    List<WireDelta> truth = diffs.subList(k, steps);
    Optional<List<WireDelta>> given = corrupt(truth, fault, ours, lists.get(steps), serial);
    SOARecord clientSoa = (SOARecord) lists.get(k).get(0);
    SerialNumber client = SerialNumber.of(clientSoa.getSerial());

    IxfrOutPlan plan = IxfrOutPlan.decide(ours, client, udp, given, ratio);

    if (k == steps || udp) {
      assertInstanceOf(UpToDate.class, plan);
      return;
    }
    boolean chained = given.isPresent() && given.get().equals(truth);
    boolean fits = ratio.isUnlimited() || withinRatio(lists, k, ratio.percent());
    Statistics.collect(!chained ? "broken or missing" : fits ? "incremental" : "over ratio");
    if (chained && fits) {
      List<WireDelta> planned = ((Incremental) plan).deltas();
      assertEquals(truth, planned);
      CompactZone z = zones.get(k);
      for (WireDelta d : planned) {
        z = z.apply(d, false, 0, 0);
      }
      assertTrue(z.contentEquals(ours), "applying the plan from version " + k + " of " + steps);
    } else {
      assertInstanceOf(Full.class, plan, "chained " + chained + ", fits " + fits);
    }
  }

  /** BIND's test, on sizes computed from the record lists: (100 * ixfr) / zone <= percent. */
  private static boolean withinRatio(List<List<Record>> lists, int k, long percent) {
    long ixfr = 0;
    for (int i = k + 1; i < lists.size(); i++) {
      List<Record> before = lists.get(i - 1);
      List<Record> after = lists.get(i);
      ixfr += bytes(List.of(before.get(0), after.get(0)));
      ixfr += bytes(minus(before, after)) + bytes(minus(after, before));
    }
    long zone = bytes(lists.get(lists.size() - 1));
    return (100 * ixfr) / zone <= percent;
  }

  /** The non-SOA records of {@code a} not in {@code b} (dnsjava equality: TTL ignored). */
  private static List<Record> minus(List<Record> a, List<Record> b) {
    List<Record> out = new ArrayList<>();
    for (Record r : a) {
      if (r.getType() != Type.SOA && !b.contains(r)) {
        out.add(r);
      }
    }
    return out;
  }

  private static long bytes(List<Record> records) {
    long n = 0;
    for (Record r : records) {
      n += r.toWire(Section.ANSWER).length;
    }
    return n;
  }

  /**
   * One version step: the new SOA, some records deleted (never the apex NS set) and some added;
   * now and then most of the zone replaced, so that the ratio is exceeded.
   */
  private static void mutate(List<Record> v, Random rnd, long serial, int step) {
    v.set(0, XfrFixtures.soa(serial));
    boolean big = rnd.nextInt(4) == 0;
    int deletions = big ? v.size() : rnd.nextInt(4);
    for (int i = 0; i < deletions && v.size() > 4; i++) {
      int at = 3 + rnd.nextInt(v.size() - 3); // the SOA and the apex NS set stay
      if (big || rnd.nextBoolean()) {
        v.remove(at);
      }
    }
    int additions = big ? 10 + rnd.nextInt(30) : rnd.nextInt(4);
    for (int i = 0; i < additions; i++) {
      Record r = rnd.nextBoolean()
          ? IxfrFixtures.a("s" + step + "n" + i, rnd.nextInt(256))
          : IxfrFixtures.txt("s" + step + "t" + i, Long.toHexString(rnd.nextLong()));
      if (!v.contains(r)) {
        v.add(r);
      }
    }
  }

  private static Optional<List<WireDelta>> corrupt(List<WireDelta> truth, Fault fault,
      CompactZone ours, List<Record> ourRecords, long ourSerial) {
    List<WireDelta> d = new ArrayList<>(truth);
    switch (fault) {
      case MISSING:
        return Optional.empty();
      case EMPTY:
        return Optional.of(List.of());
      case DROP_FIRST:
        if (!d.isEmpty()) {
          d.remove(0);
        }
        break;
      case DROP_LAST:
        if (!d.isEmpty()) {
          d.remove(d.size() - 1);
        }
        break;
      case DROP_MIDDLE:
        if (d.size() > 2) {
          d.remove(d.size() / 2);
        }
        break;
      case REVERSE:
        Collections.reverse(d);
        break;
      case EXTRA_AFTER: {
        // a delta past our version: the chain then ends at a serial that is not ours
        List<Record> next = new ArrayList<>(ourRecords);
        next.set(0, XfrFixtures.soa((ourSerial + 1) & 0xFFFF_FFFFL));
        d.add(CompactZone.diff(ours, IxfrFixtures.compact(next)));
        break;
      }
      default:
        break;
    }
    return Optional.of(d);
  }
}
