// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.util.Arrays;

/**
 * A stable merge sort of {@code int} handles under a comparator over some other storage.
 *
 * <p>Written here rather than sorting boxed values because the zone builder sorts up to millions
 * of record handles per transfer. Stability matters: among records with equal keys the first one
 * added is kept. Input that is already in order (the usual AXFR case) costs one pass of
 * comparisons; nearly ordered input skips most merges.
 */
final class IntSort {

  /** Compares two handles. */
  @FunctionalInterface
  interface IntComparator {
    /** Returns negative, zero or positive as handle a sorts before, with or after b. */
    int compare(int a, int b);
  }

  private static final int INSERTION_THRESHOLD = 32;

  private IntSort() {}

  /**
   * Sorts {@code a[0, n)} stably.
   *
   * @param a the handles
   * @param n how many to sort
   * @param c the order
   */
  static void sort(int[] a, int n, IntComparator c) {
    if (isSorted(a, n, c)) {
      return;
    }
    int[] aux = Arrays.copyOf(a, n);
    mergeSort(aux, a, 0, n, c);
  }

  /**
   * Sorts {@code a[from, to)} stably.
   *
   * @param a the handles
   * @param from first index, inclusive
   * @param to last index, exclusive
   * @param c the order
   */
  static void sort(int[] a, int from, int to, IntComparator c) {
    if (to - from < INSERTION_THRESHOLD) {
      insertionSort(a, from, to, c);
      return;
    }
    int[] range = Arrays.copyOfRange(a, from, to);
    sort(range, range.length, c);
    System.arraycopy(range, 0, a, from, range.length);
  }

  /** Returns whether {@code a[0, n)} is already in non-decreasing order. */
  static boolean isSorted(int[] a, int n, IntComparator c) {
    for (int i = 1; i < n; i++) {
      if (c.compare(a[i - 1], a[i]) > 0) {
        return false;
      }
    }
    return true;
  }

  private static void insertionSort(int[] a, int low, int high, IntComparator c) {
    for (int i = low + 1; i < high; i++) {
      int v = a[i];
      int j = i;
      while (j > low && c.compare(a[j - 1], v) > 0) {
        a[j] = a[j - 1];
        j--;
      }
      a[j] = v;
    }
  }

  /** Sorts src[low, high) into dest[low, high); on entry both ranges hold the same values. */
  private static void mergeSort(int[] src, int[] dest, int low, int high, IntComparator c) {
    int length = high - low;
    if (length < INSERTION_THRESHOLD) {
      insertionSort(dest, low, high, c);
      return;
    }
    int mid = (low + high) >>> 1;
    mergeSort(dest, src, low, mid, c);
    mergeSort(dest, src, mid, high, c);
    if (c.compare(src[mid - 1], src[mid]) <= 0) {
      System.arraycopy(src, low, dest, low, length);
      return;
    }
    for (int i = low, p = low, q = mid; i < high; i++) {
      if (q >= high || (p < mid && c.compare(src[p], src[q]) <= 0)) {
        dest[i] = src[p++];
      } else {
        dest[i] = src[q++];
      }
    }
  }
}
