// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

final class IntSortTest {

  /** Differential against the JDK's stable List.sort; few distinct keys exercise stability. */
  @Property
  void sort_matchesJdkStableSort(
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 7) Integer> keys) {
    int n = keys.size();
    int[] handles = new int[n];
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      handles[i] = i;
      expected.add(i);
    }
    expected.sort(Comparator.comparing(keys::get));
    IntSort.sort(handles, n, (a, b) -> Integer.compare(keys.get(a), keys.get(b)));
    assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), handles);
  }

  @Test
  void sort_handlesSortedReversedAndLongInput() {
    int n = 10_000;
    int[] asc = new int[n];
    int[] desc = new int[n];
    for (int i = 0; i < n; i++) {
      asc[i] = i;
      desc[i] = n - 1 - i;
    }
    IntSort.sort(desc, n, Integer::compare);
    assertArrayEquals(asc, desc);
    assertTrue(IntSort.isSorted(desc, n, Integer::compare));
  }
}
