// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.zonesync.core.internal.xfr.XfrOut;

/**
 * Answers the requests downstream secondaries send a server of zones, for a host DNS server that
 * owns its sockets ({@link ZoneSync#transferResponder()}): SOA queries, AXFR (RFC 5936) and IXFR
 * (RFC 1995) for the zones the {@link ZoneSync} holds and serves onward. The host hands over
 * each request that is not a NOTIFY and writes each answer message to the client: one message on
 * UDP, one or many on TCP, each to be framed with its two-byte length (RFC 1035 section 4.2.2).
 *
 * <p>Checks, before any transfers-out slot is taken: one question, a well-formed IXFR, the TSIG
 * (a request that does not verify gets an unsigned error answer carrying the TSIG error, never a
 * signature over unverified data), a zone held and serving, the zone's {@link ZoneServing} ACL.
 * Then the quota ({@link ZoneSync.Builder#transfersOut}); answers are signed with the request's
 * key, every message. AXFR streams the version current when the request arrived, to the end.
 *
 * <p>Write timeouts belong to the host: a sink whose client stops reading should fail (or the
 * host closes the connection), which ends the transfer and releases its slot. The whole-transfer
 * deadline is checked here, before each message. Thread-safe.
 *
 * @since 0.1
 */
public final class TransferResponder {

  /** How the request arrived. */
  public enum Transport {
    /** A datagram: one answer at most; AXFR is FORMERR, IXFR gets the current SOA. */
    UDP,
    /** A TCP stream (RFC 7766): transfers are streamed. */
    TCP
  }

  /** What became of a request. */
  public enum Result {
    /** No answer: a response, a runt, or a datagram that does not parse. */
    DROPPED,
    /** One message was written: an SOA answer, an error or a refusal. */
    ANSWERED,
    /** A transfer was streamed to the end. */
    TRANSFERRED
  }

  /** Takes the answer messages of one request, in order. */
  @FunctionalInterface
  public interface MessageSink {
    /**
     * Sends one message.
     *
     * @param message the buffer; its bytes are valid only during the call
     * @param length the message length from index 0
     * @throws IOException if it cannot be sent; the transfer ends
     */
    void write(byte[] message, int length) throws IOException;
  }

  private final XfrOut out;

  TransferResponder(XfrOut out) {
    this.out = out;
  }

  /**
   * Answers one request.
   *
   * @param request the buffer holding the request from index 0; not kept
   * @param length its length
   * @param source where it came from
   * @param transport how it came
   * @param sink takes each answer message
   * @return what became of it
   * @throws IOException if the sink failed or the transfer deadline passed; on TCP the host
   *     must close the connection, since the client saw part of a transfer
   */
  public Result respond(byte[] request, int length, InetSocketAddress source,
      Transport transport, MessageSink sink) throws IOException {
    requireNonNull(request, "request");
    requireNonNull(source, "source");
    requireNonNull(sink, "sink");
    if (length < 0 || length > request.length) {
      throw new IllegalArgumentException("length " + length + " outside the buffer of "
          + request.length);
    }
    XfrOut.Result r = out.respond(request, length, source, transport == Transport.TCP,
        sink::write);
    return switch (r) {
      case DROPPED -> Result.DROPPED;
      case ANSWERED -> Result.ANSWERED;
      case TRANSFERRED -> Result.TRANSFERRED;
    };
  }
}
