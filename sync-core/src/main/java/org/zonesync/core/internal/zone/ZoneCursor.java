// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import org.jspecify.annotations.Nullable;

/**
 * A forward-only walk over the records of a {@link CompactZone} in wire form: the SOA first, then
 * every other record in canonical order, which is the order an AXFR response needs (RFC 5936
 * section 2.2). Nothing is allocated per record; the arrays returned are the zone's own and must
 * not be modified.
 *
 * <p>Accessors describe the record reached by the last {@link #next()} that returned true.
 * A cursor is not thread-safe; the zone it walks is, so any number of cursors may walk one zone.
 */
public final class ZoneCursor {
  private final Chunk[] chunks;
  private final int dclass;
  private final int soaChunk;
  private final int soaIndex;
  private boolean soaDone;
  private int nextChunk;
  private int nextIndex;
  private @Nullable Chunk chunk;
  private int index;

  ZoneCursor(Chunk[] chunks, int dclass, int soaChunk, int soaIndex) {
    this.chunks = chunks;
    this.dclass = dclass;
    this.soaChunk = soaChunk;
    this.soaIndex = soaIndex;
  }

  /**
   * Moves to the next record.
   *
   * @return true if there is one, false at the end
   */
  public boolean next() {
    if (!soaDone) {
      soaDone = true;
      chunk = chunks[soaChunk];
      index = soaIndex;
      return true;
    }
    while (nextChunk < chunks.length) {
      Chunk c = chunks[nextChunk];
      if (nextIndex < c.size()) {
        int i = nextIndex++;
        if (i == soaIndex && nextChunk == soaChunk) {
          continue;
        }
        chunk = c;
        index = i;
        return true;
      }
      nextChunk++;
      nextIndex = 0;
    }
    chunk = null;
    return false;
  }

  /**
   * Returns the array holding the owner name.
   *
   * @return the array; do not modify
   * @throws IllegalStateException if there is no current record
   */
  public byte[] ownerArray() {
    return current().data;
  }

  /**
   * Returns where the owner starts in {@link #ownerArray()}.
   *
   * @return the offset
   * @throws IllegalStateException if there is no current record
   */
  public int ownerOffset() {
    return current().ownerOffset(index);
  }

  /**
   * Returns the length of the uncompressed owner name, case as received.
   *
   * @return the length
   * @throws IllegalStateException if there is no current record
   */
  public int ownerLength() {
    return current().ownerLength(index);
  }

  /**
   * Returns the RR type.
   *
   * @return the type
   * @throws IllegalStateException if there is no current record
   */
  public int type() {
    return current().type(index);
  }

  /**
   * Returns the RR class, which is the zone's class.
   *
   * @return the class
   * @throws IllegalStateException if there is no current record
   */
  public int dclass() {
    current();
    return dclass;
  }

  /**
   * Returns the TTL.
   *
   * @return the TTL, 0 to 2^31-1
   * @throws IllegalStateException if there is no current record
   */
  public long ttl() {
    return current().ttl(index);
  }

  /**
   * Returns the array holding the rdata.
   *
   * @return the array; do not modify
   * @throws IllegalStateException if there is no current record
   */
  public byte[] rdataArray() {
    return current().data;
  }

  /**
   * Returns where the rdata starts in {@link #rdataArray()}.
   *
   * @return the offset
   * @throws IllegalStateException if there is no current record
   */
  public int rdataOffset() {
    return current().rdataOffset(index);
  }

  /**
   * Returns the length of the uncompressed rdata.
   *
   * @return the length
   * @throws IllegalStateException if there is no current record
   */
  public int rdataLength() {
    return current().rdataLength(index);
  }

  private Chunk current() {
    Chunk c = chunk;
    if (c == null) {
      throw new IllegalStateException(soaDone ? "cursor is past the last record"
          : "cursor is before the first record: call next()");
    }
    return c;
  }
}
