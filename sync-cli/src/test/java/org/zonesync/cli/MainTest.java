// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.FakePrimary;
import org.zonesync.core.FakePrimary.FaultPolicy;
import org.zonesync.core.TestZones;
import org.zonesync.core.Zones;
import org.zonesync.tsig.TsigKeyFiles;

/** The tool's commands, run in-process: exit codes, output lines, files left behind. */
final class MainTest {

  static final Name ZONE = Name.fromConstantString("example.com.");
  static final TsigKey KEY = TsigKey.parse("hmac-sha256:cli-key:"
      + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");

  record Run(int code, String out, String err) {
  }

  static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8),
          withoutAgentLines(err.toString(StandardCharsets.UTF_8)));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /**
   * Drops the lines Jazzer's agent prints on System.err for each class loaded once a fuzz test
   * of this JVM has installed it ("INFO: Instrumented ..."): they are not the tool's.
   */
  static String withoutAgentLines(String err) {
    StringBuilder b = new StringBuilder();
    err.lines().filter(l -> !l.startsWith("INFO: Instrumented ")).forEach(l -> b.append(l)
        .append('\n'));
    return b.toString();
  }

  static ZoneSnapshot zone() {
    return Zones.of(ZONE, TestZones.records(ZONE, 77, 300));
  }

  static String primary(FakePrimary p) {
    return "127.0.0.1:" + p.address().getPort();
  }

  @Test
  void mirror_once_writesTheZone_andPrintsOneSummaryLine(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("example.com.zone");
    ZoneSnapshot source = zone();
    try (FakePrimary p = FakePrimary.start(source, KEY, FaultPolicy.NONE)) {
      Run r = run("mirror", "--primary", primary(p), "--zone", "example.com",
          "--tsig", "hmac-sha256:cli-key:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
          "--once", "--output", out.toString());
      assertEquals(0, r.code(), r.err());
      assertEquals(1, r.out().lines().count(), r.out());
      assertTrue(r.out().startsWith("zone example.com.: AXFR from "), r.out());
      assertTrue(r.out().contains("serial 77"), r.out());
      assertEquals(source, Zones.readMasterFile(out, ZONE));
      try (var files = Files.list(dir)) {
        assertEquals(List.of(out), files.toList(), "temp files left behind");
      }
    }
  }

  @Test
  void mirror_once_readsTheKeyFromABindKeyFile(@TempDir Path dir) throws Exception {
    Path keyFile = dir.resolve("cli.key");
    Files.writeString(keyFile, TsigKeyFiles.toBindStatement(KEY));
    try (FakePrimary p = FakePrimary.start(zone(), KEY, FaultPolicy.NONE)) {
      Run r = run("mirror", "--primary", primary(p), "--zone", "example.com.",
          "--key", keyFile.toString(), "--once");
      assertEquals(0, r.code(), r.err());
    }
  }

  @Test
  void mirror_failure_namesTheReason_andLeavesTheOutputUntouched(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("zone");
    byte[] before = "old contents\n".getBytes(StandardCharsets.US_ASCII);
    Files.write(out, before);
    String[][] cases = {
        {"REFUSED", "REFUSED"},
        {"BAD_MAC", "TSIG BADSIG"},
        {"MISSING_FINAL_SOA", "before the closing SOA"},
        {"WRONG_ID", "malformed: response ID"},
    };
    for (String[] c : cases) {
      try (FakePrimary p = FakePrimary.start(zone(), KEY, FaultPolicy.valueOf(c[0]))
          .messageSize(1024)) {
        Run r = run("mirror", "--primary", primary(p), "--zone", "example.com", "--tsig",
            "hmac-sha256:cli-key:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "--once",
            "--output", out.toString());
        assertEquals(1, r.code(), c[0]);
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(c[1]), c[0] + ": " + r.err());
        assertArrayEquals(before, Files.readAllBytes(out), c[0]);
      }
    }
  }

  @Test
  void mirror_idleTimeout_isReportedInSeconds() throws Exception {
    try (FakePrimary p = FakePrimary.start(zone(), KEY, FaultPolicy.STALL).messageSize(1024)) {
      Run r = run("mirror", "--primary", primary(p), "--zone", "example.com", "--tsig",
          "hmac-sha256:cli-key:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "--once",
          "--idle-timeout", "1");
      assertEquals(1, r.code());
      assertTrue(r.err().contains("idle timeout after 1 s"), r.err());
    }
  }

  @Test
  void mirror_dir_firstAxfr_thenIxfrFromTheStoredVersion(@TempDir Path dir) throws Exception {
    Path store = dir.resolve("store");
    Path out = dir.resolve("zone.txt");
    ZoneSnapshot v1 = Zones.of(ZONE, TestZones.records(ZONE, 77, 300));
    ZoneSnapshot v2 = Zones.of(ZONE, TestZones.records(ZONE, 78, 310));
    String tsig = "hmac-sha256:cli-key:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    // one primary for both runs: the engine asks for deltas only from the primary (address
    // and port) that the stored version came from
    try (FakePrimary p = FakePrimary.withHistory(List.of(v1), KEY, FaultPolicy.NONE)) {
      Run r = run("mirror", "--primary", primary(p), "--zone", "example.com", "--tsig", tsig,
          "--once", "--dir", store.toString(), "--output", out.toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("AXFR from"), r.out());
      assertEquals(v1, Zones.readMasterFile(out, ZONE));
      int axfrs = p.axfrQueries();

      p.publish(v2);
      r = run("mirror", "--primary", primary(p), "--zone", "example.com", "--tsig", tsig,
          "--once", "--dir", store.toString(), "--output", out.toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().startsWith("zone example.com.: serving serial 77 from "), r.out());
      assertTrue(r.out().contains("zone example.com.: IXFR from "), r.out() + r.err());
      assertTrue(r.out().contains("serial 78"), r.out());
      assertEquals(axfrs, p.axfrQueries());
      assertEquals(v2, Zones.readMasterFile(out, ZONE));

      r = run("mirror", "--primary", primary(p), "--zone", "example.com", "--tsig", tsig,
          "--once", "--dir", store.toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().endsWith("zone example.com.: up to date at serial 78\n"), r.out());
    }
  }

  @Test
  void mirror_badArguments_exitWith2() {
    assertEquals(2, run("mirror", "--primary", "127.0.0.1:99999", "--zone", "example.com",
        "--once").code());
    assertEquals(2, run("mirror", "--primary", "127.0.0.1", "--zone", "example.com",
        "--tsig", "hmac-nope:k:AAAA", "--once").code());
    assertEquals(2, run("mirror", "--zone", "example.com", "--once").code());
    assertEquals(2, run("mirror", "--primary", "127.0.0.1", "--zone", "a.", "--zone", "b.",
        "--once").code(), "--once takes one zone");
  }

  @Test
  void keygen_printsAKeyThatParsesBack_forEveryAlgorithm() throws Exception {
    for (TsigAlgorithm alg : TsigAlgorithm.values()) {
      Run r = run("keygen", "--algorithm", alg.keyword(), "transfer-key");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().startsWith("key \"transfer-key\" {"), r.out());
      List<TsigKey> keys = TsigKeyFiles.parse(r.out());
      assertEquals(1, keys.size());
      assertEquals(alg, keys.get(0).algorithm());
      assertEquals(alg.macLength(), keys.get(0).secret().length);
    }
    assertEquals(2, run("keygen", "--algorithm", "rot13", "k").code());
  }

  @Test
  void demo_threeTiers_printsEachHop_andVerifiesEveryTier() {
    Run r = run("demo", "--records", "5000");
    assertEquals(0, r.code(), r.out() + r.err());
    List<String> lines = r.out().lines().toList();
    String z = "demo.zonesync.test.";
    String[] prefixes = {
        "primary: generated " + z + " with 5000 records, serial 2026112401",
        "primary: serving AXFR on 127.0.0.1:",
        "middle: zonesync stealth secondary on 127.0.0.1:",
        "middle: AXFR of " + z + " from primary: 5001 records, ",
        "downstream: AXFR of " + z + " from middle: 5001 records, ",
        "all tiers: serial 2026112401, 5000 records: primary, middle and downstream identical",
        "primary: changed 100 records, serial 2026112401 -> 2026112402, NOTIFY sent",
        "middle: IXFR of " + z + " from primary: 204 records, ",
        "downstream: IXFR of " + z + " from middle: 204 records, ",
        "primary -> middle: NOTIFY -> serial 2026112402 served in ",
        "middle -> downstream: NOTIFY -> serial 2026112402 served in ",
        "end to end: primary NOTIFY -> downstream serial 2026112402 served in ",
        "all tiers: serial 2026112402, 5000 records: primary, middle and downstream identical",
        "middle: served 1 AXFR and 1 IXFR, refused 0; NOTIFY ",
    };
    assertEquals(prefixes.length, lines.size(), r.out());
    for (int i = 0; i < prefixes.length; i++) {
      assertTrue(lines.get(i).startsWith(prefixes[i]), i + ": " + lines.get(i));
    }
    for (int i = 9; i < 12; i++) {
      assertTrue(lines.get(i).matches(".* served in [0-9]+\\.[0-9] ms"), lines.get(i));
    }
  }
}
