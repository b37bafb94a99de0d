// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.zonesync.api.Primary;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TransferKind;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.TransferReport;

/** The event lines of a running mirror: which events print, and what each line says. */
final class EventPrinterTest {

  static final Name ZONE = Name.fromConstantString("example.com.");
  static final Instant AT = Instant.parse("2024-06-01T10:00:00.123Z");

  static InetSocketAddress address(String ip, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  @Test
  void line_forEachEventAnOperatorActsOn_andNoneForTheOthers() throws Exception {
    Primary p = Primary.of(address("192.0.2.1", 53));
    TransferReport report = new TransferReport(ZONE, p.address(), TransferKind.IXFR,
        SerialNumber.of(78), 3, 12, 900, Duration.ofMillis(250));
    assertEquals(Optional.of("2024-06-01T10:00:00Z " + MirrorCommand.summary(report)),
        EventPrinter.line(new ReplicaEvent.TransferFinished(ZONE, AT, report)));
    assertEquals(Optional.of("2024-06-01T10:00:00Z zone example.com.: IXFR from 192.0.2.1:53"
        + " failed: REFUSED; trying AXFR next"), EventPrinter.line(
            new ReplicaEvent.TransferFailed(ZONE, AT, p, TransferKind.IXFR,
                new TransferRefusedException(Rcode.REFUSED, ZONE, p.address()),
                Optional.of(TransferKind.AXFR))));
    assertEquals(Optional.of("2024-06-01T10:00:00Z zone example.com.: AXFR from 192.0.2.1:53"
        + " failed: NOTAUTH"), EventPrinter.line(new ReplicaEvent.TransferFailed(ZONE, AT, p,
            TransferKind.AXFR, new TransferRefusedException(Rcode.NOTAUTH, ZONE, p.address()),
            Optional.empty())));
    assertEquals(Optional.of("2024-06-01T10:00:00Z zone example.com.: expired at serial 77;"
        + " no longer served"), EventPrinter.line(new ReplicaEvent.Expired(ZONE, AT,
            SerialNumber.of(77))));
    assertEquals(Optional.of("2024-06-01T10:00:00Z zone example.com.: recovered; serving"
        + " serial 79"), EventPrinter.line(new ReplicaEvent.Recovered(ZONE, AT,
            SerialNumber.of(79))));
    assertEquals(Optional.of("2024-06-01T10:00:00Z zone example.com.: refresh failed (3 in a"
        + " row): timeout; next attempt at 2024-06-01T10:30:00Z"), EventPrinter.line(
            new ReplicaEvent.RefreshFailed(ZONE, AT, "timeout", 3, AT.plusSeconds(1800))));
    InetSocketAddress v6 = address("2001:db8::9", 4053);
    assertEquals(Optional.of("2024-06-01T10:00:00Z zone example.com.: notify from "
        + Primary.format(v6) + " refused: not_a_primary"), EventPrinter.line(
            new ReplicaEvent.NotifyRefused(ZONE, AT, v6, "not_a_primary")));
    for (ReplicaEvent quiet : List.of(
        new ReplicaEvent.TransferStarted(ZONE, AT, p, TransferKind.AXFR),
        new ReplicaEvent.NotifyReceived(ZONE, AT, p.address(), Optional.empty(),
            Optional.empty()))) {
      assertEquals(Optional.empty(), EventPrinter.line(quiet), quiet.toString());
    }
  }

  @Test
  void close_writesEveryQueuedLine_inOrder() {
    LineSink sink = new LineSink();
    try (EventPrinter printer = new EventPrinter(sink.stream())) {
      for (int i = 0; i < 500; i++) {
        printer.onEvent(new ReplicaEvent.Recovered(ZONE, AT, SerialNumber.of(i)));
      }
    }
    List<String> lines = sink.lines();
    assertEquals(500, lines.size());
    for (int i = 0; i < 500; i++) {
      assertEquals(EventPrinter.line(new ReplicaEvent.Recovered(ZONE, AT, SerialNumber.of(i)))
          .orElseThrow(), lines.get(i));
    }
  }
}
