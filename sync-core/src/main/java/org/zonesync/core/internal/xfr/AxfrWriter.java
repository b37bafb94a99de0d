// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.io.IOException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Type;
import org.zonesync.api.TsigKey;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.ZoneCursor;
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

  private final AnswerPacker packer;

  /**
   * Creates a writer.
   *
   * @param maxMessageSize the largest message, 512 to 65535, TSIG included
   * @param signer signs each message, or null for unsigned answers
   * @param key the signer's key (to reserve room for the TSIG record), or null
   * @throws IllegalArgumentException if the size is out of range, or only one of signer and key
   *     is given
   */
  public AxfrWriter(int maxMessageSize, @Nullable TsigStreamSigner signer, @Nullable TsigKey key) {
    this.packer = new AnswerPacker(maxMessageSize, signer, key);
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
    write(zone, id, qname, Type.AXFR, sink);
  }

  /**
   * Writes the whole transfer with another question type: an IXFR request answered AXFR-style
   * (RFC 1995 section 4) echoes its IXFR question.
   *
   * @param zone the snapshot; it cannot change underneath, so the stream is consistent
   * @param id the query ID to echo
   * @param qname the query name as received (case kept), uncompressed wire form
   * @param qtype the query type to echo, AXFR or IXFR
   * @param sink where messages go
   * @throws IOException if the sink fails
   */
  public void write(CompactZone zone, int id, byte[] qname, int qtype, Sink sink)
      throws IOException {
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
    packer.begin(id, qname, qtype);
    packer.add(soaOwner, 0, soaOwner.length, Type.SOA, soaClass, soaTtl, soaRdata, 0,
        soaRdata.length, sink);
    while (c.next()) {
      packer.add(c.ownerArray(), c.ownerOffset(), c.ownerLength(), c.type(), c.dclass(), c.ttl(),
          c.rdataArray(), c.rdataOffset(), c.rdataLength(), sink);
    }
    packer.add(soaOwner, 0, soaOwner.length, Type.SOA, soaClass, soaTtl, soaRdata, 0,
        soaRdata.length, sink);
    packer.end(sink);
  }

  /**
   * Answers a request that had an OPT record with one in the first message (RFC 6891 section
   * 7), carrying these options; call before writing.
   *
   * @param options the OPT RDATA, e.g. the EDNS EXPIRE option (RFC 7314 section 2); may be empty
   */
  public void edns(byte[] options) {
    packer.edns(options);
  }

  /** Sends one record per message (BIND's {@code transfer-format one-answer}). */
  public void oneAnswer() {
    packer.oneAnswer();
  }

  /** Returns the messages written. */
  public long messages() {
    return packer.messages();
  }

  /** Returns the records written, both SOAs included. */
  public long records() {
    return packer.records();
  }

  /** Returns the bytes written, with two length octets per message. */
  public long bytes() {
    return packer.bytes();
  }
}
