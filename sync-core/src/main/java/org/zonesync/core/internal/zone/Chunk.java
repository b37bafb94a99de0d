// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

/**
 * An immutable run of consecutive records of a zone, in canonical order: {@link #MAX_RECORDS} as
 * the builder lays them out, between {@link #MIN_KEPT} and {@link #MAX_GROWN} after deltas.
 *
 * <p>Layout, chosen so that a zone of a million records holds a few thousand objects: one arena
 * {@link #data} and two offset arrays. For record {@code i}:
 *
 * <pre>
 *   data[owner[i]]          owner length L (1 octet, at most 255)
 *   data[owner[i]+1 ..+L]   owner, uncompressed wire form, case as received
 *   data[rec[i]    ..+2]    TYPE
 *   data[rec[i]+2  ..+4]    TTL
 *   data[rec[i]+6  ..+2]    RDLENGTH
 *   data[rec[i]+8  ..]      RDATA, uncompressed wire form
 * </pre>
 *
 * <p>Consecutive records with the same owner octets share one owner copy. The class is not
 * stored: every record of a zone has the zone's class. A chunk is self-contained (its first
 * record always has its own owner copy), so a copy-on-write delta replaces only the chunks it
 * touches (see {@link DeltaApplier}); the root array of chunks is searched with each chunk's first record as its
 * key.
 */
final class Chunk {

  /**
   * Records per chunk as the builder lays them out, and the size a delta splits an overgrown run
   * into: small enough that replacing one chunk is cheap.
   */
  static final int MAX_RECORDS = 256;

  /**
   * Most records a delta lets a chunk grow to before splitting it. Twice the laid-out size, so
   * that a chunk that gained one record is not split at once and split halves have room to grow.
   */
  static final int MAX_GROWN = 2 * MAX_RECORDS;

  /**
   * A chunk that a delta leaves with fewer records than this is merged with the next one, so that
   * deletions cannot leave a root array of near-empty chunks. Only the last chunk may be smaller.
   */
  static final int MIN_KEPT = MAX_RECORDS / 4;

  /** The arena. Never modified after construction. */
  final byte[] data;

  /** Offset of each record's TYPE octets. Never modified after construction. */
  final int[] rec;

  /** Offset of each record's owner-length octet. Never modified after construction. */
  final int[] owner;

  Chunk(byte[] data, int[] rec, int[] owner) {
    this.data = data;
    this.rec = rec;
    this.owner = owner;
  }

  int size() {
    return rec.length;
  }

  int ownerOffset(int i) {
    return owner[i] + 1;
  }

  int ownerLength(int i) {
    return data[owner[i]] & 0xFF;
  }

  int type(int i) {
    int p = rec[i];
    return ((data[p] & 0xFF) << 8) | (data[p + 1] & 0xFF);
  }

  long ttl(int i) {
    int p = rec[i] + 2;
    return ((long) (data[p] & 0xFF) << 24)
        | ((data[p + 1] & 0xFF) << 16)
        | ((data[p + 2] & 0xFF) << 8)
        | (data[p + 3] & 0xFF);
  }

  int rdataOffset(int i) {
    return rec[i] + 8;
  }

  int rdataLength(int i) {
    int p = rec[i] + 6;
    return ((data[p] & 0xFF) << 8) | (data[p + 1] & 0xFF);
  }

  /** Offset just past record {@code i}'s rdata. */
  int recordEnd(int i) {
    return rdataOffset(i) + rdataLength(i);
  }

  /** Approximate heap held by this chunk (64-bit JVM, compressed references). */
  long retainedBytes() {
    return 24 + arrayBytes(data.length) + 2 * arrayBytes(4L * rec.length);
  }

  private static long arrayBytes(long payload) {
    return (16 + payload + 7) & ~7L;
  }
}
