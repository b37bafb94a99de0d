// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.io.IOException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;
import org.zonesync.api.TsigKey;
import org.zonesync.core.internal.wire.MessageReader;
import org.zonesync.core.internal.wire.MessageWriter;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.ZoneCursor;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigStreamSigner;

/**
 * Encodes a snapshot as an AXFR response in the "many-answers" format (RFC 5936 section 2.2):
 * as many records per message as fit in {@code maxMessageSize}, names compressed, the question
 * in the first message only, every message TSIG-signed when a signer is given.
 *
 * <p>Not thread-safe; one instance per outgoing stream.
 */
public final class AxfrWriter {

  /** Receives each finished message. */
  @FunctionalInterface
  public interface Sink {
    /**
     * Takes one message; the bytes are valid only during the call.
     *
     * @param buf the buffer
     * @param len the message length from index 0
     * @throws IOException if it cannot be sent
     */
    void message(byte[] buf, int len) throws IOException;
  }

  /** Flags of every answer message: QR and AA set, opcode QUERY, rcode NOERROR. */
  private static final int ANSWER_FLAGS = 0x8400;

  private final int maxMessageSize;
  private final @Nullable TsigStreamSigner signer;
  private final MessageWriter writer;
  private final int limit;
  private long messages;
  private long records;
  private long bytes;

  /**
   * Creates a writer.
   *
   * @param maxMessageSize the largest message, 512 to 65535, TSIG included
   * @param signer signs each message, or null for unsigned answers
   * @param key the signer's key (to reserve room for the TSIG record), or null
   */
  public AxfrWriter(int maxMessageSize, @Nullable TsigStreamSigner signer, @Nullable TsigKey key) {
    if (maxMessageSize < 512 || maxMessageSize > 65535) {
      throw new IllegalArgumentException("message size must be 512..65535: " + maxMessageSize);
    }
    if ((signer == null) != (key == null)) {
      throw new IllegalArgumentException("signer and key go together");
    }
    this.maxMessageSize = maxMessageSize;
    this.signer = signer;
    int reserve = key == null ? 0 : Tsig.maxRecordLength(key);
    this.limit = maxMessageSize - reserve;
    this.writer = new MessageWriter(maxMessageSize);
  }

  /**
   * Writes the whole transfer: opening SOA, every other record, closing SOA.
   *
   * @param zone the snapshot; it cannot change underneath, so the stream is consistent
   * @param id the query ID to echo
   * @param qname the query name as received (case kept), uncompressed wire form
   * @param sink where messages go
   * @throws IOException if the sink fails
   */
  public void write(CompactZone zone, int id, byte[] qname, Sink sink) throws IOException {
    ZoneCursor c = zone.cursor();
    if (!c.next() || c.type() != Type.SOA) {
      throw new IllegalStateException("zone " + zone.origin() + " does not start with its SOA");
    }
    byte[] soaOwner = Arrays.copyOfRange(c.ownerArray(), c.ownerOffset(),
        c.ownerOffset() + c.ownerLength());
    byte[] soaRdata = Arrays.copyOfRange(c.rdataArray(), c.rdataOffset(),
        c.rdataOffset() + c.rdataLength());
    long soaTtl = c.ttl();
    int soaClass = c.dclass();
    writer.start(id, ANSWER_FLAGS, limit);
    writer.question(qname, 0, qname.length, Type.AXFR, DClass.IN);
    add(id, soaOwner, 0, soaOwner.length, Type.SOA, soaClass, soaTtl, soaRdata, 0,
        soaRdata.length, sink);
    while (c.next()) {
      add(id, c.ownerArray(), c.ownerOffset(), c.ownerLength(), c.type(), c.dclass(), c.ttl(),
          c.rdataArray(), c.rdataOffset(), c.rdataLength(), sink);
    }
    add(id, soaOwner, 0, soaOwner.length, Type.SOA, soaClass, soaTtl, soaRdata, 0,
        soaRdata.length, sink);
    flush(sink);
  }

  private void add(int id, byte[] owner, int ownerOff, int ownerLen, int type, int dclass,
      long ttl, byte[] rdata, int rdOff, int rdLen, Sink sink) throws IOException {
    if (writer.record(MessageReader.SECTION_ANSWER, owner, ownerOff, ownerLen, type, dclass, ttl,
        rdata, rdOff, rdLen)) {
      records++;
      return;
    }
    if (writer.recordCount() == 0) {
      throw new IOException("record of " + (ownerLen + rdLen + 10)
          + " bytes does not fit in a message of " + maxMessageSize + " bytes");
    }
    flush(sink);
    writer.start(id, ANSWER_FLAGS, limit);
    if (!writer.record(MessageReader.SECTION_ANSWER, owner, ownerOff, ownerLen, type, dclass,
        ttl, rdata, rdOff, rdLen)) {
      throw new IOException("record of " + (ownerLen + rdLen + 10)
          + " bytes does not fit in a message of " + maxMessageSize + " bytes");
    }
    records++;
  }

  private void flush(Sink sink) throws IOException {
    int len = writer.finish();
    byte[] buf = writer.buffer();
    if (signer != null) {
      len = signer.sign(buf, 0, len);
    }
    messages++;
    bytes += len + 2L;
    sink.message(buf, len);
  }

  /** Returns the messages written. */
  public long messages() {
    return messages;
  }

  /** Returns the records written, both SOAs included. */
  public long records() {
    return records;
  }

  /** Returns the bytes written, with two length octets per message. */
  public long bytes() {
    return bytes;
  }
}
