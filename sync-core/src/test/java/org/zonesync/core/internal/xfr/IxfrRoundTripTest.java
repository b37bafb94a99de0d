// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.xfr.XfrFixtures.CLOCK;
import static org.zonesync.core.internal.xfr.XfrFixtures.ID;
import static org.zonesync.core.internal.xfr.XfrFixtures.KEY;
import static org.zonesync.core.internal.xfr.XfrFixtures.ZONE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;
import org.zonesync.api.ZoneDelta;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.tsig.SignedMessage;
import org.zonesync.tsig.TsigStreamSigner;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * TESTPLAN harness 6: random version chains v0..vn (random deletions, additions, TTL and case
 * changes; serials that wrap around 2^32), served as IXFR from a random v_i by our writer at a
 * random message size, TSIG-signed every 1, 2, 99 or 100 messages, read by {@link IxfrStream}:
 * the result equals a direct AXFR of v_n, byte for byte.
 */
final class IxfrRoundTripTest {

  /** A random history: the record lists of each version and the deltas between them. */
  record History(List<List<Record>> versions, List<ZoneDelta> deltas) {
  }

  static History history(long seed, long firstSerial, int steps) {
    Random rnd = new Random(seed);
    List<List<Record>> versions = new ArrayList<>();
    List<ZoneDelta> deltas = new ArrayList<>();
    List<Record> zone = new ArrayList<>(XfrFixtures.zone(firstSerial, rnd.nextInt(40)));
    versions.add(zone);
    long serial = firstSerial;
    for (int s = 0; s < steps; s++) {
      // keep v_n newer than v_0: the steps add up to less than 2^31
      long next = (serial + 1 + rnd.nextInt((int) (0x7FFF_FFFFL / (steps + 1)))) & 0xFFFF_FFFFL;
      List<Record> deleted = new ArrayList<>();
      List<Record> added = new ArrayList<>();
      List<Record> after = new ArrayList<>(zone.subList(1, zone.size()));
      List<Record> candidates = new ArrayList<>(zone.subList(4, zone.size())); // keep NS, MX
      for (int i = rnd.nextInt(6); i > 0 && !candidates.isEmpty(); i--) {
        Record r = candidates.remove(rnd.nextInt(candidates.size()));
        after.remove(r);
        deleted.add(r);
        if (rnd.nextInt(4) == 0) { // a TTL change is a delete and an add of the same data
          byte[] w = r.toWire(org.xbill.DNS.Section.ANSWER); // rdata with its case
          int rd = r.getName().length() + 10;
          Record again = Record.newRecord(r.getName(), r.getType(), r.getDClass(),
              r.getTTL() + 1 + rnd.nextInt(100), Arrays.copyOfRange(w, rd, w.length));
          after.add(again);
          added.add(again);
        }
      }
      for (int i = rnd.nextInt(8); i > 0; i--) {
        Record r = randomRecord(rnd);
        if (!after.contains(r)) {
          after.add(r);
          added.add(r);
        }
      }
      SOARecord from = (SOARecord) zone.get(0);
      SOARecord to = XfrFixtures.soa(next);
      deltas.add(new ZoneDelta(from, to, deleted, added));
      zone = new ArrayList<>(after);
      zone.add(0, to);
      versions.add(zone);
      serial = next;
    }
    return new History(versions, deltas);
  }

  static Record randomRecord(Random rnd) {
    String label = (rnd.nextBoolean() ? "R" : "r") + rnd.nextInt(30);
    Name owner = Name.fromConstantString(label + (rnd.nextBoolean() ? ".Example.COM."
        : ".example.com."));
    long ttl = 60 + rnd.nextInt(3600);
    return switch (rnd.nextInt(4)) {
      case 0 -> new ARecord(owner, DClass.IN, ttl, XfrFixtures.addr(new byte[] {10, 1,
          (byte) rnd.nextInt(4), (byte) rnd.nextInt(256)}));
      case 1 -> {
        byte[] v6 = new byte[16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[15] = (byte) rnd.nextInt(256);
        yield new AAAARecord(owner, DClass.IN, ttl, XfrFixtures.addr(v6));
      }
      case 2 -> new MXRecord(owner, DClass.IN, ttl, rnd.nextInt(20),
          Name.fromConstantString("Mx" + rnd.nextInt(5) + ".example.com."));
      default -> new TXTRecord(owner, DClass.IN, ttl, "t" + rnd.nextInt(1000));
    };
  }

  /** Signs message 0, every {@code every}-th, and the last (RFC 8945 5.3.1 allows 99 gaps). */
  static boolean[] pattern(int messages, int every) {
    boolean[] sign = new boolean[messages];
    for (int i = 0; i < messages; i++) {
      sign[i] = i == 0 || i % every == 0 || i == messages - 1;
    }
    return sign;
  }

  @Provide
  Arbitrary<Long> serials() {
    return Arbitraries.oneOf(Arbitraries.longs().between(0, 0xFFFF_FFFFL),
        Arbitraries.longs().between(0xFFFF_FFF0L, 0xFFFF_FFFFL),
        Arbitraries.longs().between(0x7FFF_FFF0L, 0x8000_0010L));
  }

  @Provide
  Arbitrary<Integer> signEvery() {
    return Arbitraries.of(1, 2, 99, 100);
  }

  @Property(tries = 40)
  void ixfrFromAnyVersion_equalsAxfrOfTheNewest(@ForAll long seed,
      @ForAll("serials") long firstSerial, @ForAll @IntRange(min = 1, max = 6) int steps,
      @ForAll @IntRange(min = 512, max = 65535) int size, @ForAll("signEvery") int every,
      @ForAll boolean condensed) throws Exception {
    History h = history(seed, firstSerial, steps);
    int from = new Random(seed).nextInt(steps);
    check(h, from, size, every, condensed);
  }

  /** Serials 0xFFFFFFF0 -> ... -> across 0, with steps near 2^30. */
  @Example
  void wrapAroundZero_withLargeSteps() throws Exception {
    History h = history(3, 0xFFFF_FFF0L, 3);
    assertTrue(h.versions().get(0).get(0) instanceof SOARecord);
    long last = ((SOARecord) h.versions().get(3).get(0)).getSerial();
    assertTrue(last < 0xFFFF_FFF0L, "the chain did not wrap: " + last);
    check(h, 0, 512, 1, false);
    check(h, 1, 4096, 2, true);
  }

  private static void check(History h, int from, int size, int every, boolean condensed)
      throws Exception {
    List<List<Record>> v = h.versions();
    CompactZone current = IxfrFixtures.compact(v.get(from));
    CompactZone newest = IxfrFixtures.compact(v.get(v.size() - 1));
    List<ZoneDelta> deltas = h.deltas().subList(from, h.deltas().size());
    if (condensed) {
      deltas = List.of(CompactZone.diff(current, newest).toZoneDelta());
    }
    SignedMessage q = IxfrFixtures.signedQuery((SOARecord) v.get(from).get(0));
    List<byte[]> ms = new ArrayList<>();
    if (every == 1) {
      IxfrWriter w = new IxfrWriter(size, new TsigStreamSigner(KEY, q.mac(), CLOCK), KEY);
      w.write(deltas, ID, ZONE.toWire(), (m, n) -> ms.add(Arrays.copyOf(m, n)));
      for (byte[] m : ms) {
        assertTrue(m.length <= size, "signed message of " + m.length + " > " + size);
      }
    } else {
      List<byte[]> unsigned = new ArrayList<>();
      new IxfrWriter(size, null, null).write(deltas, ID, ZONE.toWire(),
          (m, n) -> unsigned.add(Arrays.copyOf(m, n)));
      ms.addAll(XfrFixtures.sign(unsigned, q.mac(), pattern(unsigned.size(), every)));
    }
    IxfrStream.Result r = IxfrStreamTest.run(current, ms, TransferLimits.DEFAULTS, 100, false,
        new TsigStreamVerifier(KEY, q.mac(), CLOCK));
    IxfrStream.Result.Incremental inc = assertInstanceOf(IxfrStream.Result.Incremental.class, r);
    assertEquals(deltas.size(), inc.deltas().size());
    List<byte[]> axfr = new ArrayList<>();
    new AxfrWriter(size, null, null).write(newest, ID, ZONE.toWire(),
        (m, n) -> axfr.add(Arrays.copyOf(m, n)));
    CompactZone direct = AxfrStreamTest.run(axfr, TransferLimits.DEFAULTS, null);
    assertTrue(direct.contentEquals(inc.zone()), "IXFR result differs from the AXFR of v_n");
    assertTrue(newest.contentEquals(inc.zone()));
  }
}
