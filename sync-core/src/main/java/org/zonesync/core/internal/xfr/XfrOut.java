// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TsigKey;
import org.zonesync.core.internal.Loggers;
import org.zonesync.core.internal.serve.OutQuota;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.WireDelta;
import org.zonesync.tsig.TsigKeyring;
import org.zonesync.tsig.TsigStreamSigner;

/**
 * Serves zones onward, as BIND's {@code xfrout}: takes one request (bytes, source, transport),
 * checks it with {@link QueryResponder} (syntax, TSIG, zone, state, ACL; none of which takes a
 * quota slot), then takes a transfers-out slot from {@link OutQuota} and streams the answer to a
 * {@link AxfrWriter.Sink}:
 *
 * <ul>
 *   <li>AXFR (RFC 5936): the version current when the request arrived, to the end, whatever is
 *       published meanwhile; many answers per message up to the message size (BIND's {@code
 *       transfer-message-size}), or one per message with {@code oneAnswer};
 *   <li>IXFR (RFC 1995): what {@link IxfrOutPlan} decides from the zone's journal: the single
 *       current SOA when the client is current, the deltas when they chain from its serial to
 *       ours and are not larger than {@code max-ixfr-ratio} of the zone, else the AXFR-style
 *       answer (section 4);
 *   <li>every message TSIG-signed with the request's key when the request was signed.
 * </ul>
 *
 * <p>Limits: at most the quota's transfers at once, in total and per client (a request over it is
 * answered SERVFAIL, as BIND answers when {@code transfers-out} is reached); a whole-transfer
 * deadline, checked before each message (the transfer is abandoned and the caller closes the
 * connection). A write that blocks is the caller's to time out (the built-in listener closes a
 * connection whose write has not progressed within its write timeout). Thread-safe.
 */
public final class XfrOut {

  private static final Logger LOG = Loggers.XFER_OUT;

  /**
   * The request's fate.
   */
  public enum Result {
    /** Nothing was written (a response, a runt). */
    DROPPED,
    /** One answer was written: an SOA answer, an error, a refusal. */
    ANSWERED,
    /** A transfer was streamed to the end. */
    TRANSFERRED
  }

  /**
   * Limits of outgoing transfers.
   *
   * @param messageSize the largest message, TSIG included, 512..65535
   * @param oneAnswer one record per message (BIND's {@code transfer-format one-answer})
   * @param deadline the longest a transfer may take (BIND's {@code max-transfer-time-out})
   */
  public record Limits(int messageSize, boolean oneAnswer, Duration deadline) {
    /**
     * The defaults: 16384-byte messages, so that every name can be compressed against any name
     * before it (a compression pointer reaches offsets below 16384, RFC 1035 section 4.1.4; NSD
     * and Knot use about the same size; BIND's {@code transfer-message-size} is 20480 bytes
     * before compression), and BIND's 120-minute {@code max-transfer-time-out}.
     */
    public static final Limits DEFAULT = new Limits(16384, false, Duration.ofMinutes(120));

    /** Checks the ranges. */
    public Limits {
      if (messageSize < 512 || messageSize > 65535) {
        throw new IllegalArgumentException("message size must be 512..65535: " + messageSize);
      }
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("transfer deadline must be positive: " + deadline);
      }
    }
  }

  /** Thrown through a sink when the whole-transfer deadline passes. */
  static final class DeadlineException extends InterruptedIOException {
    private static final long serialVersionUID = 1L;

    DeadlineException(String message) {
      super(message);
    }
  }

  private final QueryResponder queries;
  private final OutQuota quota;
  private final InstantSource clock;
  private final LongSupplier nanoTime;
  private final Limits limits;
  private final LongAdder axfr = new LongAdder();
  private final LongAdder ixfr = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder quotaFull = new LongAdder();
  private final LongAdder unavailable = new LongAdder();
  private final LongAdder failed = new LongAdder();

  /**
   * Creates the responder.
   *
   * @param zones the zone served under an apex name
   * @param keyring keys that may sign requests
   * @param quota the transfers-out slots
   * @param clock wall clock for TSIG
   * @param nanoTime monotonic clock for the deadline, as {@link System#nanoTime()}
   * @param limits message size, format and deadline
   */
  public XfrOut(Function<Name, Optional<ServedZone>> zones, TsigKeyring keyring, OutQuota quota,
      InstantSource clock, LongSupplier nanoTime, Limits limits) {
    this.queries = new QueryResponder(zones, keyring, clock);
    this.quota = quota;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.limits = limits;
  }

  /**
   * Answers one request.
   *
   * @param msg the buffer holding the request from index 0; not kept
   * @param len its length
   * @param client where it came from
   * @param tcp whether it came on a TCP stream (else in a datagram: at most one answer, never a
   *     transfer)
   * @param sink takes each answer message
   * @return what happened
   * @throws IOException if the sink fails or the deadline passes; the transfer is abandoned and
   *     the stream must be closed (its framing is no longer trustworthy for the client)
   */
  public Result respond(byte[] msg, int len, InetSocketAddress client, boolean tcp,
      AxfrWriter.Sink sink) throws IOException {
    QueryResponder.Verdict v = queries.check(msg, len, client, !tcp);
    if (v instanceof QueryResponder.Drop) {
      return Result.DROPPED;
    }
    if (v instanceof QueryResponder.Answer a) {
      count(a.message());
      sink.message(a.message(), a.message().length);
      return Result.ANSWERED;
    }
    QueryResponder.Transfer t = (QueryResponder.Transfer) v;
    Optional<OutQuota.Slot> slot = quota.tryAcquire(client.getAddress());
    if (slot.isEmpty()) {
      quotaFull.increment();
      LOG.info("client {}: zone {} {} refused: {} transfers out running ({} from this client),"
          + " quota {}/{}", Primary.format(client), t.name(), Type.string(t.qtype()),
          quota.inUse(), quota.inUse(client.getAddress()), quota.total(), quota.perClient());
      byte[] answer = queries.refuse(t, Rcode.SERVFAIL);
      sink.message(answer, answer.length);
      return Result.ANSWERED;
    }
    try (OutQuota.Slot held = slot.get()) {
      stream(t, client, sink);
      return Result.TRANSFERRED;
    }
  }

  /**
   * Answers one request that arrived in a datagram: at most one answer, never a transfer.
   *
   * @param msg the buffer holding the datagram from index 0; not kept
   * @param len its length
   * @param client where it came from
   * @return the answer, or empty
   */
  public Optional<byte[]> answerDatagram(byte[] msg, int len, InetSocketAddress client) {
    try {
      byte[] a = queries.answer(msg, len, client, true);
      if (a != null) {
        count(a);
      }
      return Optional.ofNullable(a);
    } catch (RuntimeException e) {
      LOG.warn("client {}: query failed unexpectedly", client, e);
      return Optional.empty();
    }
  }

  /**
   * Counts an answer that refuses (REFUSED, NOTAUTH) or finds the zone unavailable (SERVFAIL:
   * loading or expired; the quota's SERVFAIL is counted apart), on either transport.
   */
  private void count(byte[] answer) {
    int rcode = answer[3] & 0xF;
    if (rcode == Rcode.REFUSED || rcode == Rcode.NOTAUTH) {
      refused.increment();
    } else if (rcode == Rcode.SERVFAIL) {
      unavailable.increment();
    }
  }

  private void stream(QueryResponder.Transfer t, InetSocketAddress client, AxfrWriter.Sink sink)
      throws IOException {
    long start = nanoTime.getAsLong();
    long deadline = start + limits.deadline().toNanos();
    long[] sent = {0};
    AxfrWriter.Sink timed = (m, n) -> {
      if (nanoTime.getAsLong() - deadline > 0) {
        throw new DeadlineException("transfer deadline of " + limits.deadline() + " passed");
      }
      sink.message(m, n);
      sent[0]++;
    };
    CompactZone zone = t.snapshot();
    TsigKey key = t.verified() == null ? null : t.verified().key();
    TsigStreamSigner signer = t.verified() == null ? null
        : new TsigStreamSigner(t.verified().key(), t.verified().mac(), clock);
    IxfrOutPlan plan = t.qtype() == Type.IXFR ? plan(t, zone)
        : new IxfrOutPlan.Full("AXFR");
    long messages;
    long records;
    long bytes;
    String how;
    try {
      if (plan instanceof IxfrOutPlan.Full full) {
        AxfrWriter w = new AxfrWriter(limits.messageSize(), signer, key);
        if (t.ednsOptions() != null) {
          w.edns(t.ednsOptions());
        }
        if (limits.oneAnswer()) {
          w.oneAnswer();
        }
        try {
          w.write(zone, t.id(), t.qname(), t.qtype(), timed);
        } finally {
          messages = w.messages();
          records = w.records();
          bytes = w.bytes();
        }
        how = t.qtype() == Type.IXFR ? ", AXFR-style (" + full.reason() + ")" : "";
      } else {
        IxfrWriter w = new IxfrWriter(limits.messageSize(), signer, key);
        if (t.ednsOptions() != null) {
          w.edns(t.ednsOptions());
        }
        if (limits.oneAnswer()) {
          w.oneAnswer();
        }
        try {
          if (plan instanceof IxfrOutPlan.Incremental inc) {
            w.writeWire(inc.deltas(), t.id(), t.qname(), timed);
          } else {
            w.writeUpToDate(zone, t.id(), t.qname(), timed);
          }
        } finally {
          messages = w.messages();
          records = w.records();
          bytes = w.bytes();
        }
        how = plan instanceof IxfrOutPlan.Incremental inc
            ? ", " + inc.deltas().size() + " deltas from serial " + t.clientSerial()
            : ", up to date";
      }
    } catch (IOException | RuntimeException e) {
      failed.increment();
      LOG.info("client {}: zone {} {} failed after {} messages: {}", Primary.format(client),
          t.name(), Type.string(t.qtype()), sent[0], e.getMessage() == null
              ? e.toString() : e.getMessage());
      throw e;
    }
    (t.qtype() == Type.IXFR ? ixfr : axfr).increment();
    double secs = (nanoTime.getAsLong() - start) / 1e9;
    LOG.atInfo().addKeyValue("zone", t.name()).addKeyValue("remote", client)
        .addKeyValue("records", records)
        .log(String.format(Locale.ROOT,
            "zone %s: %s, outgoing, remote %s%s, finished%s, %.3f s, %d messages, %d records,"
                + " %d bytes, %.0f records/s, serial %d",
            t.name(), Type.string(t.qtype()), Primary.format(client),
            key == null ? "" : ", key " + key.name(), how, secs, messages, records, bytes,
            secs > 0 ? records / secs : 0.0, zone.soa().getSerial()));
  }

  /** Decides an IXFR from the journal, cutting deltas that lead past the version served. */
  private static IxfrOutPlan plan(QueryResponder.Transfer t, CompactZone zone) {
    SerialNumber from = SerialNumber.of(t.clientSerial());
    Optional<List<WireDelta>> deltas = Optional.empty();
    if (zone.serial().isNewerThan(from)) {
      try {
        deltas = t.zone().deltasSince(from).map(d -> upTo(d, zone.serial()));
      } catch (IOException e) {
        LOG.warn("zone {}: cannot read the journal from serial {} ({}); answering AXFR-style",
            t.name(), from, e.getMessage());
      }
    }
    return IxfrOutPlan.decide(zone, from, false, deltas, t.zone().maxIxfrRatio());
  }

  private static List<WireDelta> upTo(List<WireDelta> deltas, SerialNumber last) {
    List<WireDelta> out = new ArrayList<>(deltas.size());
    for (WireDelta d : deltas) {
      out.add(d);
      if (d.to().equals(last)) {
        break;
      }
    }
    return out;
  }

  /**
   * Returns the counters.
   *
   * @return AXFRs and IXFRs served to the end, requests refused (REFUSED, NOTAUTH), requests
   *     turned away by the quota, requests for a zone loading or expired, and transfers that
   *     failed midway
   */
  public Counters counters() {
    return new Counters(axfr.sum(), ixfr.sum(), refused.sum(), quotaFull.sum(),
        unavailable.sum(), failed.sum());
  }

  /**
   * Outgoing-transfer counters.
   *
   * @param axfr AXFRs (and AXFR-style IXFRs answered to AXFR) served
   * @param ixfr IXFR requests served (incremental, up to date or AXFR-style)
   * @param refused requests answered REFUSED or NOTAUTH
   * @param quotaFull requests turned away because the quota was full
   * @param unavailable requests answered SERVFAIL for a zone loading or expired
   * @param failed transfers abandoned midway (client gone, deadline)
   */
  public record Counters(long axfr, long ixfr, long refused, long quotaFull, long unavailable,
      long failed) {
  }

  /** Returns the total served, for tests and the embedded primary. */
  public long transfersServed() {
    return axfr.sum() + ixfr.sum();
  }
}
