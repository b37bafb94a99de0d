// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferKind;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.ZoneReplica;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.TransferServer;
import org.zonesync.core.ZoneSync;
import org.zonesync.journal.MemoryReplicaStore;
import org.zonesync.tsig.TsigKeyFiles;

/**
 * {@code zonesync mirror --serve} (and the {@code serve:} block) as a stealth secondary, in
 * process: a {@link TransferServer} primary, the mirror run through {@link Main}, and a
 * downstream {@link ZoneSync} replica of the mirror: AXFR down the chain, then, after a change
 * and the primary's NOTIFY, IXFR into the mirror and (after the mirror's NOTIFY) IXFR downstream;
 * an unsigned downstream request is refused. And the usage errors of the serving options.
 */
final class MirrorServeTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void mirrorServe_chainsAxfrThenIxfrAfterNotify() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("down.key"),
        TsigKeyFiles.toBindStatement(ServeCommandTest.DOWN));
    runChain(primary -> new String[] {"mirror", "--zone", "example.com", "--primary",
        "127.0.0.1:" + primary.address().getPort(), "--tsig", MirrorCommandTest.TSIG,
        "--serve", "--allow", "key:down.", "--transfer-key", keyFile.toString()});
  }

  @Test
  void configServeBlock_chainsAxfrThenIxfrAfterNotify() throws Exception {
    runChain(primary -> {
      Path config = Files.writeString(dir.resolve("m.yaml"), "keys:\n"
          + "  - { name: cli-key., algorithm: hmac-sha256, secret: "
          + ConfigParserTest.SECRET + " }\n"
          + "  - { name: down., algorithm: hmac-sha256, secret: "
          + java.util.Base64.getEncoder().encodeToString(new byte[32]) + " }\n"
          + "remotes: [ { id: p, address: 127.0.0.1@" + primary.address().getPort()
          + ", key: cli-key. } ]\n"
          + "serve: { allow: [ \"key:down.\" ], max-ixfr-ratio: unlimited }\n"
          + "zones: [ { domain: example.com., primaries: p } ]\n");
      return new String[] {"mirror", "--config", config.toString()};
    });
  }

  /** Makes the mirror's command line once the primary runs. */
  interface Args {
    String[] of(TransferServer primary) throws Exception;
  }

  private void runChain(Args args) throws Exception {
    ZoneSnapshot v1 = ServeCommandTest.version(77, 80);
    ZoneSnapshot v2 = ServeCommandTest.version(78, 85);
    Path socket = dir.resolve("m.sock");
    int port = MirrorCommandTest.freePort();
    DemoTier tier = new DemoTier("downstream");
    try (TransferServer primary = TransferServer.builder().zone(v1).keys(MainTest.KEY)
            .notifyKey(MainTest.KEY).start();
        ZoneSync down = ZoneSync.builder().storage(MemoryReplicaStore.create())
            .listen(ServeCommandTest.ANY).listener(tier).build();
        ZoneSync unsigned = ZoneSync.builder().build()) {
      String downAt = Primary.format(down.notifyAddress().orElseThrow());
      String[] base = args.of(primary);
      String[] full = java.util.stream.Stream.concat(java.util.Arrays.stream(base),
          java.util.stream.Stream.of("--listen", "127.0.0.1:" + port, "--control",
              socket.toString())).toArray(String[]::new);
      if (base[1].equals("--zone")) {
        full = java.util.stream.Stream.concat(java.util.Arrays.stream(full),
            java.util.stream.Stream.of("--notify", downAt, "--notify-key", "down."))
            .toArray(String[]::new);
      } else {
        Path config = Path.of(base[2]);
        Files.writeString(config, Files.readString(config).replace("max-ixfr-ratio: unlimited",
            "max-ixfr-ratio: unlimited, notify: [ \"" + downAt + "\" ], notify-key: down."));
      }
      try (InProcessMirror m = new InProcessMirror(full)) {
        assertTrue(m.out().await(l -> l.startsWith("zonesync mirror: "), WAIT)
            .contains("1 zone (1 served onward)"));
        m.out().await(l -> l.contains(" zone example.com.: AXFR from "), WAIT);
        InetSocketAddress mirrorAt = new InetSocketAddress("127.0.0.1", port);
        ZoneReplica replica = down.addSecondary(SecondaryZone.builder(MainTest.ZONE)
            .primary(Primary.of(mirrorAt, ServeCommandTest.DOWN)).build());
        assertEquals(TransferKind.AXFR, tier.await(WAIT).report().kind());
        assertEquals(v1, replica.snapshot());

        tier.expectNext();
        primary.publish(v2);
        primary.notify(mirrorAt, MainTest.ZONE).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        m.out().await(l -> l.contains(" zone example.com.: IXFR from "), WAIT);
        assertEquals(TransferKind.IXFR, tier.await(WAIT).report().kind());
        assertEquals(v2, replica.snapshot());

        ZoneReplica refused = unsigned.addSecondary(SecondaryZone.builder(MainTest.ZONE)
            .primary(Primary.of(mirrorAt)).build());
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
            () -> refused.retransfer().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof TransferRefusedException, e.toString());

        InProcessMirror.Result s = InProcessMirror.run("status", "--control",
            socket.toString());
        assertEquals(0, s.code(), s.err());
        Map<String, String> f = InProcessMirror.statusBlocks(s.out()).get("example.com.");
        assertEquals("78", f.get("serial"));
        assertTrue(f.get("serving").startsWith("allow-transfer key:down.; also-notify "
            + downAt + "; max-ixfr-ratio "), f.get("serving"));
        assertTrue(s.out().contains("\ntransfers-out: axfr 1, ixfr 1, refused "), s.out());
        assertEquals(0, m.stop());
      }
    }
  }

  @Test
  void servingOptions_usageErrors_exit2() throws Exception {
    Path config = Files.writeString(dir.resolve("ok.yaml"), "remotes: [ { id: p, address:"
        + " 127.0.0.1 } ]\nserve: { allow: [ 127.0.0.1 ] }\nzones: [ { domain: a., primaries:"
        + " p } ]\n");
    String[][] cases = {
        {"mirror", "--zone", "a.", "--primary", "127.0.0.1", "--serve"},
        {"mirror", "--zone", "a.", "--primary", "127.0.0.1", "--allow", "127.0.0.1"},
        {"mirror", "--zone", "a.", "--primary", "127.0.0.1", "--serve", "--listen",
            "127.0.0.1:5300", "--allow", "key:k."},
        {"mirror", "--zone", "a.", "--primary", "127.0.0.1", "--serve", "--once"},
        {"mirror", "--config", config.toString(), "--serve"},
        {"mirror", "--config", config.toString()},
    };
    String[] expected = {
        "zonesync mirror: --serve needs --listen ADDR:PORT to serve on",
        "zonesync mirror: --allow, --notify, --notify-key, --max-ixfr-ratio, --transfers-out and"
            + " --transfer-key need --serve",
        "zonesync mirror: --allow 'key:k.': no transfer key named k. was given",
        "zonesync mirror: --once takes --zone and --primary; --config, --listen, --control and"
            + " --serve are for a running mirror",
        "zonesync mirror: with --config, serve zones onward with a serve: block in the file, not"
            + " --serve, --allow, --notify or --transfer-key",
        "zonesync mirror: zones are served onward (serve:), which needs listen: or --listen"
            + " ADDR:PORT",
    };
    for (int i = 0; i < cases.length; i++) {
      MainTest.Run r = MainTest.run(cases[i]);
      assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err());
      assertEquals(expected[i] + "\n", r.err());
    }
  }
}
