// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferRefusedException;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.cli.Main;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.TransferProgress;
import org.zonesync.core.ZoneTransfers;
import org.zonesync.core.Zones;
import org.zonesync.tsig.TsigKeyFiles;

/**
 * zonesync against a real BIND 9 {@code named}: TSIG-signed AXFR with every HMAC algorithm,
 * compared with what {@code dig} receives from the same server; the typed errors for BIND's
 * refusals; key statements and master files that BIND must accept; {@code zonesync mirror} end
 * to end. One named serves every test of the class except the keygen ones, which need their own
 * configuration.
 */
@Tag("interop")
final class BindInteropTest {

  private static final Name SIGNED = Name.fromConstantString("signed.interop.test.");
  private static final Name REFUSED = Name.fromConstantString("refused.interop.test.");
  private static final Name KEYGEN = Name.fromConstantString("keygen.interop.test.");
  private static final String MIXED = InteropZone.MIXED_OWNER + "." + SIGNED;

  private static final Map<TsigAlgorithm, TsigKey> KEYS = new EnumMap<>(TsigAlgorithm.class);

  @TempDir
  static Path work;

  private static @Nullable NamedProcess named;
  private static @Nullable ZoneSnapshot source;
  private static @Nullable Path sourceFile;

  @BeforeAll
  static void startNamed() throws Exception {
    BindTools.require("dig");
    BindTools.require("named-checkzone");
    SecureRandom random = new SecureRandom();
    StringBuilder acl = new StringBuilder();
    NamedProcess.Config config = new NamedProcess.Config();
    for (TsigAlgorithm alg : TsigAlgorithm.values()) {
      TsigKey key = TsigKeyFiles.generate(Name.fromString("interop-" + alg.keyword() + "."),
          alg, random);
      KEYS.put(alg, key);
      config.key(key);
      acl.append("key \"").append(key.name().toString(true)).append("\"; ");
    }
    source = Zones.of(SIGNED, InteropZone.large(SIGNED, 2024010101L));
    sourceFile = write(source, work.resolve("signed.zone"));
    Path refused = write(Zones.of(REFUSED, InteropZone.small(REFUSED, 7)),
        work.resolve("refused.zone"));
    config.primaryZone(SIGNED, sourceFile, acl.toString())
        .primaryZone(REFUSED, refused, "none;");
    named = NamedProcess.start(config);
  }

  @AfterAll
  static void stopNamed() throws Exception {
    if (named != null) {
      named.close();
    }
  }

  @Nested
  final class Axfr {

    @ParameterizedTest
    @EnumSource(TsigAlgorithm.class)
    void axfr_equalsDigAndSource_withEveryAlgorithm(TsigAlgorithm alg) throws Exception {
      TsigKey key = KEYS.get(alg);
      ZoneSnapshot replica = ZoneTransfers.axfr(SIGNED, Primary.of(named().address(), key),
          TransferLimits.DEFAULTS, TransferProgress.NONE).snapshot();
      List<Record> dig = BindTools.digAxfr(named().port(), key, SIGNED);

      assertEquals(dig.size(), new HashSet<>(dig).size(), "dig returned duplicates");
      assertEquals(new HashSet<>(dig), set(replica), "replica differs from dig's AXFR");
      assertEquals(set(source()), set(replica), "replica differs from the served zone");
      assertEquals(source().recordCount(), replica.recordCount());
      // Records compare names case-insensitively and ignore TTLs; the presentation text does
      // neither, so this also checks every owner's case and every TTL against dig.
      assertEquals(text(dig), text(replica), "replica text differs from dig's");
      Name mixed = Name.fromString(MIXED);
      List<Record> a = replica.lookup(mixed, Type.A);
      assertEquals(1, a.size(), () -> "A at " + mixed + ": " + a);
      assertEquals(MIXED, a.get(0).getName().toString(), "owner case lost");
    }

    @ParameterizedTest
    @EnumSource(TsigAlgorithm.class)
    void axfr_failsWithBadsig_whenSecretIsWrong(TsigAlgorithm alg) {
      TsigKey right = KEYS.get(alg);
      TsigKey wrong = TsigKeyFiles.generate(right.name(), alg, new SecureRandom());
      TsigVerificationException e = assertThrows(TsigVerificationException.class,
          () -> axfr(SIGNED, wrong));
      assertEquals(TsigError.BADSIG, e.tsigError(), e::getMessage);
      assertTrue(e.reason().contains("BADSIG"), e::reason);
      assertFalse(e.isRetryable());
    }

    @Test
    void axfr_failsWithBadkey_whenKeyNameIsUnknown() {
      TsigKey unknown = TsigKeyFiles.generate(Name.fromConstantString("no-such-key."),
          TsigAlgorithm.HMAC_SHA256, new SecureRandom());
      TsigVerificationException e = assertThrows(TsigVerificationException.class,
          () -> axfr(SIGNED, unknown));
      assertEquals(TsigError.BADKEY, e.tsigError(), e::getMessage);
      assertTrue(e.reason().contains("BADKEY"), e::reason);
    }

    @Test
    void axfr_failsWithBadkey_whenAlgorithmDiffersFromNamedKey() {
      TsigKey sha256 = KEYS.get(TsigAlgorithm.HMAC_SHA256);
      TsigKey asSha512 = TsigKey.of(sha256.name(), TsigAlgorithm.HMAC_SHA512, sha256.secret());
      TsigVerificationException e = assertThrows(TsigVerificationException.class,
          () -> axfr(SIGNED, asSha512));
      assertEquals(TsigError.BADKEY, e.tsigError(), e::getMessage);
    }

    @Test
    void axfr_refused_whenAclIsNone() {
      TransferRefusedException e = assertThrows(TransferRefusedException.class,
          () -> axfr(REFUSED, null));
      assertEquals(Rcode.REFUSED, e.rcode());
      assertEquals("REFUSED", e.reason());
    }

    @Test
    void axfr_refused_whenAclIsNone_andRefusalIsSigned() {
      TransferRefusedException e = assertThrows(TransferRefusedException.class,
          () -> axfr(REFUSED, KEYS.get(TsigAlgorithm.HMAC_SHA256)));
      assertEquals(Rcode.REFUSED, e.rcode());
    }

    @Test
    void axfr_refused_whenUnsignedRequestNeedsKey() {
      TransferRefusedException e = assertThrows(TransferRefusedException.class,
          () -> axfr(SIGNED, null));
      assertEquals(Rcode.REFUSED, e.rcode());
    }
  }

  @Nested
  final class MasterFiles {

    @Test
    void writtenMasterFile_passesNamedCheckzone() throws Exception {
      assertCheckzone(SIGNED, sourceFile());
    }

    @Test
    void transferredZone_writtenAgain_passesNamedCheckzone_andReadsBackEqual() throws Exception {
      ZoneSnapshot replica = axfr(SIGNED, KEYS.get(TsigAlgorithm.HMAC_SHA1));
      Path file = write(replica, work.resolve("replica.zone"));
      assertCheckzone(SIGNED, file);
      assertEquals(set(source()), set(Zones.readMasterFile(file, SIGNED)));
    }
  }

  @Nested
  final class Keygen {

    @ParameterizedTest
    @EnumSource(TsigAlgorithm.class)
    void keygenOutput_loadsInNamed_andSignsTransfers(TsigAlgorithm alg) throws Exception {
      Captured run = capture(() -> Main.run("keygen", "--algorithm", alg.keyword(),
          "interop-key"));
      assertEquals(0, run.exit(), run.err());
      List<TsigKey> keys = TsigKeyFiles.parse(run.out());
      assertEquals(1, keys.size());
      TsigKey key = keys.get(0);
      assertEquals(Name.fromConstantString("interop-key."), key.name());
      assertEquals(alg, key.algorithm());

      Path zone = write(Zones.of(KEYGEN, InteropZone.small(KEYGEN, 1)),
          work.resolve("keygen-" + alg.keyword() + ".zone"));
      NamedProcess.Config config = new NamedProcess.Config().keyStatement(run.out())
          .primaryZone(KEYGEN, zone, "key \"interop-key\";");
      try (NamedProcess own = NamedProcess.start(config)) {
        Optional<Path> checkconf = BindTools.find("named-checkconf");
        if (checkconf.isPresent()) {
          BindTools.Exec c = BindTools.run(List.of(checkconf.get().toString(),
              own.configFile().toString()));
          assertEquals(0, c.exitCode(), c::describe);
        }
        // named signs the transfer with the key it read: the secret survived the round trip.
        ZoneSnapshot got = ZoneTransfers.axfr(KEYGEN, Primary.of(own.address(), key),
            TransferLimits.DEFAULTS, TransferProgress.NONE).snapshot();
        assertEquals(set(InteropZone.small(KEYGEN, 1)), set(got));
        assertTrue(own.isAlive(), own::log);
      }
    }
  }

  @Nested
  final class Mirror {

    @Test
    void mirrorOnce_writesZone_thatNamedCheckzoneAccepts() throws Exception {
      TsigKey key = KEYS.get(TsigAlgorithm.HMAC_SHA512);
      Path out = work.resolve("mirror-tsig.zone");
      Captured run = capture(() -> Main.run("mirror", "--primary", primaryArg(), "--zone",
          SIGNED.toString(), "--tsig", key.algorithm().keyword() + ":" + key.name() + ":"
              + key.secretBase64(), "--once", "--quiet", "--output", out.toString()));
      assertEquals(0, run.exit(), run::err);
      assertCheckzone(SIGNED, out);
      assertEquals(set(source()), set(Zones.readMasterFile(out, SIGNED)));
    }

    @Test
    void mirrorOnce_withBindKeyFile_writesSameZone() throws Exception {
      TsigKey key = KEYS.get(TsigAlgorithm.HMAC_MD5);
      Path keyFile = work.resolve("md5.key");
      Files.writeString(keyFile, TsigKeyFiles.toBindStatement(key));
      Path out = work.resolve("mirror-keyfile.zone");
      Captured run = capture(() -> Main.run("mirror", "--primary", primaryArg(), "--zone",
          SIGNED.toString(), "--key", keyFile.toString(), "--once", "--quiet", "--output",
          out.toString()));
      assertEquals(0, run.exit(), run::err);
      assertEquals(set(source()), set(Zones.readMasterFile(out, SIGNED)));
    }

    @Test
    void mirrorOnce_exits1_andLeavesOutputUntouched_whenRefused() throws Exception {
      Path dir = Files.createDirectory(work.resolve("refused-out"));
      Path out = dir.resolve("zone.db");
      byte[] sentinel = "sentinel: not a zone\n".getBytes(StandardCharsets.US_ASCII);
      Files.write(out, sentinel);
      Captured run = capture(() -> Main.run("mirror", "--primary", primaryArg(), "--zone",
          REFUSED.toString(), "--once", "--quiet", "--output", out.toString()));
      assertAll(
          () -> assertEquals(1, run.exit(), run::err),
          () -> assertArrayEquals(sentinel, Files.readAllBytes(out)),
          () -> assertEquals(List.of(out), list(dir), "files left beside the output"),
          () -> assertTrue(run.err().contains(": REFUSED"), run::err));
    }

    @Test
    void mirrorOnce_exits1_andNamesBadsig_whenSecretIsWrong() throws Exception {
      TsigKey right = KEYS.get(TsigAlgorithm.HMAC_SHA256);
      TsigKey wrong = TsigKeyFiles.generate(right.name(), right.algorithm(), new SecureRandom());
      Path out = work.resolve("mirror-badsig.zone");
      Captured run = capture(() -> Main.run("mirror", "--primary", primaryArg(), "--zone",
          SIGNED.toString(), "--tsig", "hmac-sha256:" + wrong.name() + ":"
              + wrong.secretBase64(), "--once", "--quiet", "--output", out.toString()));
      assertEquals(1, run.exit(), run::err);
      assertTrue(run.err().contains("TSIG BADSIG"), run::err);
      assertTrue(Files.notExists(out));
    }
  }

  // ---- helpers

  private static NamedProcess named() {
    if (named == null) {
      throw new IllegalStateException("named not started");
    }
    return named;
  }

  private static ZoneSnapshot source() {
    if (source == null) {
      throw new IllegalStateException("zone not built");
    }
    return source;
  }

  private static Path sourceFile() {
    if (sourceFile == null) {
      throw new IllegalStateException("zone not written");
    }
    return sourceFile;
  }

  private static String primaryArg() {
    return "127.0.0.1:" + named().port();
  }

  private static ZoneSnapshot axfr(Name zone, @Nullable TsigKey key) throws TransferException {
    Primary p = key == null ? Primary.of(named().address()) : Primary.of(named().address(), key);
    return ZoneTransfers.axfr(zone, p, TransferLimits.DEFAULTS, TransferProgress.NONE)
        .snapshot();
  }

  private static void assertCheckzone(Name zone, Path file) throws Exception {
    BindTools.Exec c = BindTools.run(List.of(BindTools.require("named-checkzone").toString(),
        zone.toString(), file.toString()));
    assertEquals(0, c.exitCode(), c::describe);
  }

  private static Path write(ZoneSnapshot zone, Path file) throws IOException {
    StringWriter w = new StringWriter();
    zone.writeMasterFile(w);
    return Files.writeString(file, w.toString(), StandardCharsets.UTF_8);
  }

  private static Set<Record> set(Iterable<Record> records) {
    Set<Record> s = new HashSet<>();
    records.forEach(s::add);
    return s;
  }

  private static Set<String> text(Iterable<Record> records) {
    Set<String> s = new TreeSet<>();
    records.forEach(r -> s.add(r.toString()));
    return s;
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  /** What a CLI run returned and printed. */
  private record Captured(int exit, String out, String err) {
  }

  /** Runs {@code cli} with System.out and System.err captured (the CLI prints to both). */
  private static Captured capture(Supplier<Integer> cli) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = cli.get();
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new Captured(exit, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }
}
