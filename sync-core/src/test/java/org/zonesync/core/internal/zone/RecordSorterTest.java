// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.zonesync.core.internal.zone.ZoneTestData.RandomZone;
import org.zonesync.core.internal.zone.ZoneTestData.WireRr;

/** Each of the sorter's three paths gives exactly the order of a plain stable merge sort. */
final class RecordSorterTest {

  /** Records staged as the builder stages them: consecutive equal owners share one copy. */
  private static final class Staged {
    final byte[] arena = new byte[1 << 16];
    final int[] recPos;
    final int[] ownerPos;
    final int count;
    final byte[] origin;

    Staged(RandomZone zone, List<WireRr> records) {
      origin = zone.origin().toWire();
      count = records.size();
      recPos = new int[count];
      ownerPos = new int[count];
      int used = 0;
      int last = -1;
      for (int i = 0; i < count; i++) {
        WireRr r = records.get(i);
        byte[] o = r.owner();
        if (last < 0 || !Arrays.equals(arena, last + 1, last + 1 + (arena[last] & 0xFF), o, 0,
            o.length)) {
          last = used;
          arena[used++] = (byte) o.length;
          System.arraycopy(o, 0, arena, used, o.length);
          used += o.length;
        }
        ownerPos[i] = last;
        recPos[i] = used;
        arena[used++] = (byte) (r.type() >>> 8);
        arena[used++] = (byte) r.type();
        arena[used++] = (byte) (r.dclass() >>> 8);
        arena[used++] = (byte) r.dclass();
        used += 4; // TTL is not part of the order
        arena[used++] = (byte) (r.rdata().length >>> 8);
        arena[used++] = (byte) r.rdata().length;
        System.arraycopy(r.rdata(), 0, arena, used, r.rdata().length);
        used += r.rdata().length;
      }
    }

    RecordSorter sorter() {
      return new RecordSorter(arena, recPos, ownerPos, count, 10, origin);
    }

    int[] reference() {
      int[] order = new int[count];
      for (int i = 0; i < count; i++) {
        order[i] = i;
      }
      RecordSorter s = sorter();
      IntSort.sort(order, count, s::compare);
      return order;
    }
  }

  @Provide
  Arbitrary<RandomZone> zones() {
    return ZoneTestData.zones(80);
  }

  /** Random order, with exact copies and case variants: the rank path. */
  @Property(tries = 300)
  void sort_randomInput_matchesMergeSort(@ForAll("zones") RandomZone zone, @ForAll long seed) {
    List<WireRr> input = new ArrayList<>(zone.records());
    Random random = new Random(seed);
    for (int i = 0, n = input.size(); i < n / 4; i++) {
      input.add(input.get(random.nextInt(n)));
    }
    Collections.shuffle(input, random);
    Staged s = new Staged(zone, input);
    assertArrayEquals(s.reference(), s.sorter().sort());
  }

  /** Owners in order, records within each name shuffled: the per-name path. */
  @Property(tries = 300)
  void sort_ownersInOrder_matchesMergeSort(@ForAll("zones") RandomZone zone, @ForAll long seed) {
    Staged first = new Staged(zone, zone.records());
    List<WireRr> sorted = new ArrayList<>();
    for (int i : first.reference()) {
      sorted.add(zone.records().get(i));
    }
    Random random = new Random(seed);
    List<WireRr> input = new ArrayList<>();
    int runStart = 0;
    for (int i = 1; i <= sorted.size(); i++) {
      if (i == sorted.size() || !sorted.get(i).name().equals(sorted.get(i - 1).name())) {
        List<WireRr> run = new ArrayList<>(sorted.subList(runStart, i));
        Collections.shuffle(run, random);
        input.addAll(run);
        runStart = i;
      }
    }
    Staged s = new Staged(zone, input);
    assertArrayEquals(s.reference(), s.sorter().sort());
    // and already in order: the one-pass path
    List<WireRr> inOrder = new ArrayList<>();
    for (int i : s.reference()) {
      inOrder.add(input.get(i));
    }
    Staged t = new Staged(zone, inOrder);
    assertArrayEquals(t.reference(), t.sorter().sort());
  }
}
