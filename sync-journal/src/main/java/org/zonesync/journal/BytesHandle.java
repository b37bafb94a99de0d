// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A read-only {@link StoreFiles.Handle} over bytes already in memory (a journal entry). */
final class BytesHandle implements StoreFiles.Handle {
  private final byte[] b;
  private final int off;
  private final int len;

  BytesHandle(byte[] b, int off, int len) {
    this.b = b;
    this.off = off;
    this.len = len;
  }

  @Override
  public int read(ByteBuffer dst, long position) {
    if (position >= len) {
      return -1;
    }
    int k = (int) Math.min(dst.remaining(), len - position);
    dst.put(b, off + (int) position, k);
    return k;
  }

  @Override
  public void write(ByteBuffer src, long position) throws IOException {
    throw new IOException("read-only");
  }

  @Override
  public void force() throws IOException {
    throw new IOException("read-only");
  }

  @Override
  public void truncate(long size) throws IOException {
    throw new IOException("read-only");
  }

  @Override
  public long size() {
    return len;
  }

  @Override
  public void close() {
  }
}
