// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.cli.InProcessMirror;
import org.zonesync.tsig.TsigKeyFiles;

/**
 * {@code zonesync mirror --config FILE} as an operator runs it, against a real BIND 9 {@code
 * named} that is primary for two zones and a real Knot DNS {@code knotd} primary for a third,
 * both notifying zonesync's listener ({@code also-notify}, resp. {@code notify:}). The
 * configuration file is generated (a key file in BIND syntax, two remotes, three zones,
 * storage, listener, control socket) and the tool runs in-process through {@code Main}. Each
 * zone is changed on its primary (a new master file with a higher serial, then a reload):
 * zonesync must serve the new serial within 5 s of the change, and {@code zonesync status}
 * through the control socket must show it. Then the mirror is restarted on the same storage:
 * every zone serves at once, and its persisted timers hold (no refresh, no transfer at start).
 */
@Tag("interop")
final class MirrorInteropTest {

  private static final List<Name> ZONES = List.of(Name.fromConstantString("one.mirror.test."),
      Name.fromConstantString("two.mirror.test."));
  private static final Name KNOT_ZONE = Name.fromConstantString("three.mirror.test.");
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** The target: the new serial is served this soon after the change on the primary. */
  private static final Duration TARGET = Duration.ofSeconds(5);

  @Test
  void mirrorConfig_followsNotifyFromBindAndKnot_showsStatus_andKeepsTimersAcrossARestart(
      @TempDir Path work) throws Exception {
    TsigKey key = TsigKeyFiles.generate(Name.fromConstantString("mirror-interop."),
        TsigAlgorithm.HMAC_SHA256, new SecureRandom());
    int listen = NamedProcess.freePort();
    NamedProcess.Config named = new NamedProcess.Config().key(key);
    for (Name zone : ZONES) {
      IxfrZone.write(zone, 0, file(work, zone));
      // notify-delay 0: by default named holds back a NOTIFY sent within 5 s of the last one
      named.primaryZone(zone, file(work, zone), "key \"" + key.name().toString(true) + "\";",
          true, "notify explicit;\n  notify-delay 0;\n  also-notify { 127.0.0.1 port " + listen
              + "; };");
    }
    Path keyFile = Files.writeString(work.resolve("transfer.key"),
        TsigKeyFiles.toBindStatement(key));
    Path socket = work.resolve("ctl.sock");
    IxfrZone.write(KNOT_ZONE, 0, file(work, KNOT_ZONE));
    PrintStream console = System.out; // the mirror's output replaces System.out while it runs
    try (NamedProcess primary = NamedProcess.start(named);
        KnotProcess knot = KnotProcess.start(new KnotProcess.Config()
            .primaryZone(KNOT_ZONE, file(work, KNOT_ZONE), key)
            .notify(KNOT_ZONE, new InetSocketAddress("127.0.0.1", listen)))) {
      Path config = Files.writeString(work.resolve("mirror.yaml"), String.format(Locale.ROOT,
          "storage: store\nlisten: 127.0.0.1@%d\ncontrol: ctl.sock\n"
              + "keys: [ { file: %s } ]\n"
              + "remotes:\n  - { id: named, address: 127.0.0.1@%d, key: %s }\n"
              + "  - { id: knot, address: 127.0.0.1@%d, key: %s }\n"
              + "zones:\n  - { domain: %s, primaries: named }\n  - { domain: %s, primaries:"
              + " [named], ixfr-from-differences: true }\n  - { domain: %s, primaries: [knot] }\n",
          listen, keyFile.getFileName(), primary.port(), key.name(), knot.port(), key.name(),
          ZONES.get(0), ZONES.get(1), KNOT_ZONE));
      List<Name> all = List.of(ZONES.get(0), ZONES.get(1), KNOT_ZONE);
      try (InProcessMirror mirror = new InProcessMirror("mirror", "--config",
          config.toString())) {
        for (Name zone : all) {
          mirror.out().await(l -> l.contains(" zone " + zone + ": AXFR from ")
              && l.contains("serial " + IxfrZone.serial(0) + ","), WAIT);
        }
        for (Name zone : all) {
          PrimaryServer server = zone.equals(KNOT_ZONE) ? knot : primary;
          long start = System.nanoTime();
          IxfrZone.write(zone, 1, file(work, zone));
          server.reload(zone, IxfrZone.serial(1));
          String line = mirror.out().await(l -> l.contains(" zone " + zone + ": ")
              && l.contains("serial " + IxfrZone.serial(1) + ","), WAIT);
          long millis = (System.nanoTime() - start) / 1_000_000;
          console.printf(Locale.ROOT, "%s: serial %d served %d ms after the change%n", zone,
              IxfrZone.serial(1), millis);
          assertTrue(line.contains(": IXFR from "), line);
          assertTrue(millis <= TARGET.toMillis(), zone + ": new serial served after " + millis
              + " ms, more than " + TARGET.toMillis() + " ms\n" + String.join("\n",
                  mirror.out().lines()) + "\n--- primary log\n" + server.log());
        }
        InProcessMirror.Result status = InProcessMirror.run("status", "--control",
            socket.toString());
        assertEquals(0, status.code(), status.err());
        Map<String, Map<String, String>> blocks = InProcessMirror.statusBlocks(status.out());
        for (Name zone : all) {
          Map<String, String> f = blocks.get(zone.toString());
          assertEquals(Long.toString(IxfrZone.serial(1)), f.get("serial"), status.out());
          assertEquals("serving", f.get("state"));
          assertEquals("1 succeeded, 0 failed", f.get("ixfr"), status.out());
          assertTrue(f.get("notifies").matches("[1-9][0-9]* accepted, 0 refused"),
              status.out());
        }
        assertEquals(0, mirror.stop());
        // nothing but the lines of Jazzer's agent, once a fuzz test of this JVM installed it
        assertEquals(List.of(), mirror.err().lines().stream()
            .filter(l -> !l.startsWith("INFO: Instrumented ")).toList());
      }
      // restart on the same storage: served at once, timers kept, nothing asked at start
      try (InProcessMirror again = new InProcessMirror("mirror", "--config",
          config.toString())) {
        again.out().await(l -> l.startsWith("zonesync mirror: 3 zones"), WAIT);
        InProcessMirror.Result status = InProcessMirror.run("status", "--control",
            socket.toString());
        assertEquals(0, status.code(), status.err());
        Map<String, Map<String, String>> blocks = InProcessMirror.statusBlocks(status.out());
        for (Name zone : all) {
          Map<String, String> f = blocks.get(zone.toString());
          assertEquals("serving", f.get("state"), status.out());
          assertEquals(Long.toString(IxfrZone.serial(1)), f.get("serial"), status.out());
          assertTrue(f.get("next-refresh").matches(".*\\(in [1-9][0-9]* s\\)"),
              "the persisted refresh, not now: " + status.out());
          assertEquals("0 sent, 0 failed", f.get("soa-queries"), status.out());
          assertEquals("0 succeeded, 0 failed", f.get("axfr"), status.out());
          assertTrue(f.get("primary").endsWith(":" + (zone.equals(KNOT_ZONE) ? knot.port()
              : primary.port())), "the source primary is kept: " + status.out());
        }
        assertEquals(0, again.stop());
      }
    }
  }

  private static Path file(Path work, Name zone) {
    return work.resolve(zone.toString(true) + ".zone");
  }
}
