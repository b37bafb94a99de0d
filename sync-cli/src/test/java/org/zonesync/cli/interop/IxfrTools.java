// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.TsigKey;

/**
 * What the IXFR tests ask a primary directly, not through zonesync: the SOA serial it serves
 * (a TCP query made with dnsjava) and the IXFR that {@code dig} receives, so that a test can
 * show the primary really holds the deltas (or really lost them) before it blames zonesync.
 */
final class IxfrTools {

  /** How long a primary may take to serve a reloaded zone. */
  private static final long SERIAL_MILLIS = 20_000;
  private static final long POLL_MILLIS = 25;

  private IxfrTools() {
  }

  /**
   * Returns the serial of the SOA that {@code server} answers for {@code zone} over TCP, or
   * empty if it does not answer NOERROR with the SOA (not listening, zone still loading).
   */
  static OptionalLong soaSerial(InetSocketAddress server, Name zone) {
    try (Socket s = new Socket()) {
      s.connect(server, 500);
      s.setSoTimeout(2000);
      byte[] q = Message.newQuery(Record.newRecord(zone, Type.SOA, DClass.IN)).toWire();
      OutputStream out = s.getOutputStream();
      out.write(new byte[] {(byte) (q.length >>> 8), (byte) q.length});
      out.write(q);
      out.flush();
      InputStream in = s.getInputStream();
      byte[] len = in.readNBytes(2);
      if (len.length < 2) {
        return OptionalLong.empty();
      }
      Message m = new Message(in.readNBytes(((len[0] & 0xff) << 8) | (len[1] & 0xff)));
      if (m.getRcode() != Rcode.NOERROR) {
        return OptionalLong.empty();
      }
      for (Record r : m.getSection(Section.ANSWER)) {
        if (r instanceof SOARecord soa) {
          return OptionalLong.of(soa.getSerial());
        }
      }
      return OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Waits (bounded polling: a primary signals a finished reload only by answering) until
   * {@code server} serves {@code zone} with {@code serial}; calls {@code nudge} again every two
   * seconds meanwhile, in case the first reload request was missed.
   *
   * @throws org.opentest4j.AssertionFailedError with {@code log} if it does not happen
   */
  static void awaitSerial(InetSocketAddress server, Name zone, long serial, Nudge nudge,
      Supplier<String> log) throws IOException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + SERIAL_MILLIS * 1_000_000;
    long nextNudge = start + 2_000_000_000L;
    OptionalLong seen = OptionalLong.empty();
    while (System.nanoTime() < deadline) {
      seen = soaSerial(server, zone);
      if (seen.isPresent() && seen.getAsLong() == serial) {
        return;
      }
      if (System.nanoTime() > nextNudge) {
        nudge.run();
        nextNudge = System.nanoTime() + 2_000_000_000L;
      }
      Thread.sleep(POLL_MILLIS);
    }
    fail(server + " still serves " + zone + " with serial "
        + (seen.isPresent() ? Long.toString(seen.getAsLong()) : "none") + " after "
        + SERIAL_MILLIS + " ms, expected " + serial + "\n--- server log\n" + log.get());
  }

  /** Asks a primary to act again; may throw what running a tool throws. */
  @FunctionalInterface
  interface Nudge {
    /** Sends the request. */
    void run() throws IOException, InterruptedException;
  }

  /**
   * Returns the IXFR of {@code zone} from {@code serial} as {@code dig} receives it over TCP
   * from 127.0.0.1:{@code port}, signed with {@code key}: every record in order, the closing SOA
   * included, without dig's TSIG lines.
   */
  static List<Record> digIxfr(int port, TsigKey key, Name zone, long serial) throws Exception {
    BindTools.Exec dig = BindTools.run(List.of(BindTools.require("dig").toString(),
        "@127.0.0.1", "-p", Integer.toString(port), "+tcp", "-y",
        key.algorithm().keyword() + ":" + key.name().toString(true) + ":" + key.secretBase64(),
        zone.toString(), "IXFR=" + serial, "+nocmd", "+nostats", "+nocomments"));
    assertEquals(0, dig.exitCode(), dig::describe);
    assertFalse(dig.stdout().contains("Transfer failed"), dig::describe);
    StringBuilder kept = new StringBuilder();
    for (String line : dig.stdout().split("\n", -1)) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 3 && f[3].equals("TSIG")) {
        continue; // dnsjava has no presentation form for TSIG
      }
      kept.append(line).append('\n');
    }
    List<Record> records = new ArrayList<>();
    try (Master m = new Master(new ByteArrayInputStream(
        kept.toString().getBytes(StandardCharsets.UTF_8)), Name.root)) {
      Record r;
      while ((r = m.nextRecord()) != null) {
        records.add(r);
      }
    }
    if (records.isEmpty() || records.get(0).getType() != Type.SOA) {
      fail("dig's IXFR does not start with a SOA\n" + dig.describe());
    }
    return records;
  }

  /**
   * Returns the serials at which the deltas of an incremental IXFR answer start (RFC 1995
   * section 4: new SOA, then per delta the old SOA, deletions, the new SOA, additions; then the
   * new SOA again), or empty if the answer is AXFR-style or a lone SOA.
   */
  static List<Long> deltaStarts(List<Record> ixfr) {
    List<Long> starts = new ArrayList<>();
    if (ixfr.size() < 2 || ixfr.get(1).getType() != Type.SOA) {
      return starts;
    }
    int soas = 0;
    for (int i = 1; i < ixfr.size() - 1; i++) {
      if (ixfr.get(i) instanceof SOARecord soa) {
        if (soas % 2 == 0) {
          starts.add(soa.getSerial());
        }
        soas++;
      }
    }
    return starts;
  }
}
