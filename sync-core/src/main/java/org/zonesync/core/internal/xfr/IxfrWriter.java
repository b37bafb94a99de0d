// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneDelta;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;
import org.zonesync.core.internal.zone.ZoneCursor;
import org.zonesync.tsig.TsigStreamSigner;

/**
 * Encodes an IXFR response (RFC 1995 section 4) in the "many-answers" format: as many records
 * per message as fit, names compressed, the question (type IXFR) in the first message only,
 * every message TSIG-signed when a signer is given.
 *
 * <pre>
 *   newest SOA
 *   per delta: old SOA, deleted records, new SOA, added records
 *   newest SOA
 * </pre>
 *
 * <p>Deltas come as {@link ZoneDelta}s, as the journal stores them, or as {@link WireDelta}s
 * (converted record by record). {@link #writeUpToDate} writes the single-SOA answer for a
 * client that is current. An AXFR-style answer to an IXFR request is {@link
 * AxfrWriter#write(CompactZone, int, byte[], int, AxfrWriter.Sink)} with {@code Type.IXFR}.
 *
 * <p>Not thread-safe; one instance per outgoing stream.
 */
public final class IxfrWriter {

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
  public IxfrWriter(int maxMessageSize, @Nullable TsigStreamSigner signer, @Nullable TsigKey key) {
    this.packer = new AnswerPacker(maxMessageSize, signer, key);
  }

  /**
   * Writes the deltas as one IXFR answer.
   *
   * @param deltas at least one, in order, each starting at the serial the previous one ends at;
   *     the SOAs' owner, class and TTL are written as they are
   * @param id the query ID to echo
   * @param qname the query name as received (case kept), uncompressed wire form
   * @param sink where messages go
   * @throws IOException if the sink fails or a record does not fit a message
   * @throws IllegalArgumentException if {@code deltas} is empty or not a chain
   */
  public void write(List<ZoneDelta> deltas, int id, byte[] qname, AxfrWriter.Sink sink)
      throws IOException {
    if (deltas.isEmpty()) {
      throw new IllegalArgumentException("no deltas: answer with writeUpToDate");
    }
    for (int i = 1; i < deltas.size(); i++) {
      if (!deltas.get(i).from().equals(deltas.get(i - 1).to())) {
        throw new IllegalArgumentException("delta " + (i + 1) + " starts at serial "
            + deltas.get(i).from() + ", delta " + i + " ends at " + deltas.get(i - 1).to());
      }
    }
    SOARecord newest = deltas.get(deltas.size() - 1).toSoa();
    packer.begin(id, qname, Type.IXFR);
    add(newest, sink);
    for (ZoneDelta d : deltas) {
      add(d.fromSoa(), sink);
      for (Record r : d.deleted()) {
        add(r, sink);
      }
      add(d.toSoa(), sink);
      for (Record r : d.added()) {
        add(r, sink);
      }
    }
    add(newest, sink);
    packer.end(sink);
  }

  /**
   * Writes wire deltas as one IXFR answer, as {@link #write(List, int, byte[], AxfrWriter.Sink)}.
   *
   * @param deltas at least one, in order, chained
   * @param id the query ID to echo
   * @param qname the query name as received (case kept), uncompressed wire form
   * @param sink where messages go
   * @throws IOException if the sink fails or a record does not fit a message
   * @throws IllegalArgumentException if {@code deltas} is empty or not a chain
   */
  public void writeWire(List<WireDelta> deltas, int id, byte[] qname, AxfrWriter.Sink sink)
      throws IOException {
    List<ZoneDelta> z = new ArrayList<>(deltas.size());
    for (WireDelta d : deltas) {
      z.add(d.toZoneDelta());
    }
    write(z, id, qname, sink);
  }

  /**
   * Writes the answer for a client whose serial is not older than ours: our SOA alone (RFC 1995
   * section 4).
   *
   * @param zone our current version
   * @param id the query ID to echo
   * @param qname the query name as received (case kept), uncompressed wire form
   * @param sink where the message goes
   * @throws IOException if the sink fails
   */
  public void writeUpToDate(CompactZone zone, int id, byte[] qname, AxfrWriter.Sink sink)
      throws IOException {
    ZoneCursor c = zone.cursor();
    if (!c.next() || c.type() != Type.SOA) {
      throw new IllegalStateException("zone " + zone.origin() + " does not start with its SOA");
    }
    packer.begin(id, qname, Type.IXFR);
    packer.add(c.ownerArray(), c.ownerOffset(), c.ownerLength(), Type.SOA, c.dclass(), c.ttl(),
        c.rdataArray(), c.rdataOffset(), c.rdataLength(), sink);
    packer.end(sink);
  }

  private void add(Record r, AxfrWriter.Sink sink) throws IOException {
    byte[] w = r.toWire(Section.ANSWER); // uncompressed, case kept
    int ownerLen = r.getName().length();
    packer.add(w, 0, ownerLen, r.getType(), r.getDClass(), r.getTTL(), w, ownerLen + 10,
        w.length - ownerLen - 10, sink);
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

  /** Returns the records written, every SOA included. */
  public long records() {
    return packer.records();
  }

  /** Returns the bytes written, with two length octets per message. */
  public long bytes() {
    return packer.bytes();
  }
}
