// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.zonesync.api.TsigKey;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.wire.MessageReader;
import org.zonesync.core.internal.wire.MessageWriter;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigStreamSigner;

/**
 * Packs answer records into as few messages as fit in {@code maxMessageSize} ("many-answers",
 * RFC 5936 section 2.2; a record too big for that goes alone in a message of up to 65535
 * bytes), names compressed, the question in the first message only, each message
 * TSIG-signed when a signer is given. Shared by {@link AxfrWriter} and {@link IxfrWriter}.
 *
 * <p>Not thread-safe; one instance per outgoing stream.
 */
final class AnswerPacker {

  /** Flags of every answer message: QR and AA set, opcode QUERY, rcode NOERROR. */
  private static final int ANSWER_FLAGS = 0x8400;
  /** The EDNS UDP payload size an OPT offers, as {@code QueryResponder}'s. */
  static final int PAYLOAD = 1232;
  /** An OPT record without options: root owner, type, class, TTL, RDLENGTH. */
  private static final int OPT_FIXED = 11;
  private static final byte[] ROOT = {0};

  private final int maxMessageSize;
  private final @Nullable TsigStreamSigner signer;
  private final MessageWriter writer;
  private final int limit;
  /** The largest any message may be, TSIG aside: what a record too big for limit gets. */
  private final int ceiling;
  private int id;
  private byte @Nullable [] opt;
  private boolean oneAnswer;
  private long messages;
  private long records;
  private long bytes;

  /**
   * Creates a packer.
   *
   * @param maxMessageSize the largest message, 512 to 65535, TSIG included
   * @param signer signs each message, or null for unsigned answers
   * @param key the signer's key (to reserve room for the TSIG record), or null
   * @throws IllegalArgumentException if the size is out of range, or only one of signer and key
   *     is given
   */
  AnswerPacker(int maxMessageSize, @Nullable TsigStreamSigner signer, @Nullable TsigKey key) {
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
    this.ceiling = 65535 - reserve;
    // room for a record larger than the message size, which then goes alone in a larger message
    this.writer = new MessageWriter(65535);
  }

  /**
   * Puts an OPT record (RFC 6891 section 6.1.2: payload {@value #PAYLOAD}, version 0) with these
   * options in the additional section of the first message, as the answer to a request that had
   * one; call before {@link #begin}.
   *
   * @param options the OPT RDATA: EDNS options, each code, length and value; may be empty
   */
  void edns(byte[] options) {
    this.opt = options.clone();
  }

  /**
   * Sends one record per message (BIND's {@code transfer-format one-answer}, for old secondaries
   * that cannot take several); call before {@link #begin}.
   */
  void oneAnswer() {
    this.oneAnswer = true;
  }

  /**
   * Starts the first message with the question.
   *
   * @param id the query ID to echo
   * @param qname the query name as received, uncompressed wire form
   * @param qtype the query type to echo (AXFR or IXFR)
   */
  void begin(int id, byte[] qname, int qtype) {
    this.id = id;
    byte[] o = opt;
    writer.start(id, ANSWER_FLAGS, o == null ? limit : limit - OPT_FIXED - o.length);
    writer.question(qname, 0, qname.length, qtype, DClass.IN);
  }

  /**
   * Adds one answer record, sending the current message first if the record does not fit.
   *
   * @throws IOException if the sink fails, or the record does not fit even an empty message
   */
  void add(byte[] owner, int ownerOff, int ownerLen, int type, int dclass, long ttl,
      byte[] rdata, int rdOff, int rdLen, AxfrWriter.Sink sink) throws IOException {
    if (oneAnswer && writer.recordCount() > 0) {
      flush(sink);
      writer.start(id, ANSWER_FLAGS, limit);
    }
    if (writer.record(MessageReader.SECTION_ANSWER, owner, ownerOff, ownerLen, type, dclass, ttl,
        rdata, rdOff, rdLen)) {
      records++;
      return;
    }
    if (writer.recordCount() > 0) {
      flush(sink);
      writer.start(id, ANSWER_FLAGS, limit);
      if (writer.record(MessageReader.SECTION_ANSWER, owner, ownerOff, ownerLen, type, dclass,
          ttl, rdata, rdOff, rdLen)) {
        records++;
        return;
      }
    }
    // too big for the message size even alone: it goes alone in a message as large as DNS
    // allows (BIND: transfer-message-size is a soft limit), never into a loop
    byte[] o = opt;
    writer.raiseLimit(ceiling - (messages == 0 && o != null ? OPT_FIXED + o.length : 0));
    if (!writer.record(MessageReader.SECTION_ANSWER, owner, ownerOff, ownerLen, type, dclass,
        ttl, rdata, rdOff, rdLen)) {
      throw tooLarge(ownerLen, rdLen);
    }
    records++;
    flush(sink);
    writer.start(id, ANSWER_FLAGS, limit);
  }

  private IOException tooLarge(int ownerLen, int rdLen) {
    return new IOException("record of " + (ownerLen + rdLen + 10)
        + " bytes does not fit in a message of 65535 bytes");
  }

  /**
   * Sends the last message.
   *
   * @param sink where it goes
   * @throws IOException if the sink fails
   */
  void end(AxfrWriter.Sink sink) throws IOException {
    if (writer.recordCount() > 0 || messages == 0) {
      flush(sink);
    }
  }

  private void flush(AxfrWriter.Sink sink) throws IOException {
    byte[] o = opt;
    if (messages == 0 && o != null) {
      writer.raiseLimit(limit); // the room reserved in begin()
      if (!writer.record(MessageReader.SECTION_ADDITIONAL, ROOT, 0, 1, Type.OPT, PAYLOAD, 0, o,
          0, o.length)) {
        throw new IllegalStateException("no room for the reserved OPT record");
      }
    }
    int len = writer.finish();
    byte[] buf = writer.buffer();
    if (signer != null) {
      len = signer.sign(buf, 0, len);
    }
    messages++;
    bytes += len + 2L;
    sink.message(buf, len);
  }

  long messages() {
    return messages;
  }

  long records() {
    return records;
  }

  long bytes() {
    return bytes;
  }
}
