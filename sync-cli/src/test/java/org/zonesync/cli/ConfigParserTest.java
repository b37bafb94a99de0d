// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.core.SecondaryZone;
import org.zonesync.tsig.TsigKeyFiles;

/** The YAML configuration of {@code zonesync mirror --config}: the sample, and every refusal. */
final class ConfigParserTest {

  static final String SECRET = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

  @TempDir
  Path dir;

  static Path sample() throws Exception {
    return Path.of(ConfigParserTest.class.getResource("mirror.yaml").toURI());
  }

  MirrorConfig parse(String yaml) throws ConfigException {
    return new ConfigParser("t.yaml", dir, 1000).parse(yaml.getBytes(UTF_8));
  }

  static InetSocketAddress at(String ip, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  @Nested
  final class Valid {

    @Test
    void sample_readsIntoSecondaryZones_withKeysFromTheFileAndTheKeyFile() throws Exception {
      Path file = sample();
      MirrorConfig c = ConfigParser.read(file);
      Path base = file.getParent();
      TsigKey k1 = TsigKey.parse("hmac-sha256:k1.:" + SECRET);
      TsigKey transfer = TsigKeyFiles.read(base.resolve("transfer.key")).get(0);
      assertEquals(TsigAlgorithm.HMAC_SHA512, transfer.algorithm());

      assertEquals(Optional.of(base.resolve("zones")), c.storage());
      assertEquals(Optional.of(at("127.0.0.1", 5300)), c.listen());
      assertEquals(Optional.of(base.resolve("zonesync.sock")), c.control());
      assertEquals(new MirrorConfig.Limits(12, 3, 40, Duration.ofSeconds(5)), c.limits());
      assertEquals(3, c.zones().size());

      SecondaryZone com = c.zones().get(0);
      assertEquals(Name.fromString("example.com."), com.zone());
      assertEquals(List.of(Primary.of(at("127.0.0.1", 5301), k1),
          Primary.of(at("::1", 5302), transfer), Primary.of(at("192.0.2.7", 53), transfer)),
          com.primaries());
      assertTrue(com.requestIxfr());
      assertFalse(com.ixfrFromDifferences());

      SecondaryZone net = c.zones().get(1);
      assertEquals(Name.fromString("example.net."), net.zone());
      assertEquals(List.of(Primary.of(at("::1", 5302), transfer),
          Primary.of(at("192.0.2.7", 53), transfer)), net.primaries());
      assertTrue(net.requestIxfr(), "default");
      assertTrue(net.ixfrFromDifferences());

      SecondaryZone org = c.zones().get(2);
      assertEquals(List.of(Primary.of(at("2001:db8::53", 5353))), org.primaries());
      assertFalse(org.requestIxfr());
    }

    @Test
    void minimal_usesTheEngineDefaults_andNoStorageListenerOrControl() throws Exception {
      MirrorConfig c = parse("remotes: [ { id: p, address: 192.0.2.1 } ]\n"
          + "zones: [ { domain: a., primaries: p } ]\n");
      assertEquals(MirrorConfig.Limits.DEFAULTS, c.limits());
      assertEquals(Optional.empty(), c.storage());
      assertEquals(Optional.empty(), c.listen());
      assertEquals(Optional.empty(), c.control());
      assertEquals(List.of(Primary.of(at("192.0.2.1", 53))), c.zones().get(0).primaries());
    }

    @Test
    void serveBlocks_topLevelDefaults_overriddenKeyByKeyPerZone() throws Exception {
      MirrorConfig c = parse("keys:\n"
          + "  - { name: k1., algorithm: hmac-sha256, secret: " + SECRET + " }\n"
          + "  - { name: k2., algorithm: hmac-sha512, secret: " + SECRET + " }\n"
          + R
          + "limits: { transfers-out: 25 }\n"
          + "serve:\n"
          + "  allow: [ \"key:k2\", 192.0.2.0/24, \"!10.0.0.1\" ]\n"
          + "  notify: [ 192.0.2.53, \"[2001:db8::53]:5353\" ]\n"
          + "  notify-key: k2.\n"
          + "zones:\n"
          + "  - { domain: a., primaries: p }\n"
          + "  - { domain: b., primaries: p, serve: { allow: [], max-ixfr-ratio: unlimited } }\n"
          + "  - { domain: c., primaries: p, ixfr-from-differences: false,\n"
          + "      serve: { notify: 192.0.2.54@5300, max-ixfr-ratio: 30 } }\n");
      TsigKey k1 = TsigKey.parse("hmac-sha256:k1.:" + SECRET);
      TsigKey k2 = TsigKey.parse("hmac-sha512:k2.:" + SECRET);
      assertEquals(List.of(k1, k2), c.transferKeys(), "every key may sign downstream requests");
      assertEquals(25, c.limits().transfersOut());
      assertEquals(3, c.served().size());

      SecondaryZone a = c.zones().get(0);
      assertEquals(List.of("key:k2", "192.0.2.0/24", "!10.0.0.1"), a.serving().allowTransfer());
      assertEquals(List.of(at("192.0.2.53", 53), at("2001:db8::53", 5353)),
          a.serving().alsoNotify());
      assertEquals(100, a.serving().maxIxfrRatio(), "BIND's default");
      assertTrue(a.ixfrFromDifferences(), "on for a zone served onward");

      SecondaryZone b = c.zones().get(1);
      assertEquals(List.of(), b.serving().allowTransfer(), "overridden: nobody");
      assertEquals(a.serving().alsoNotify(), b.serving().alsoNotify(), "inherited");
      assertEquals(0, b.serving().maxIxfrRatio(), "unlimited");

      SecondaryZone zc = c.zones().get(2);
      assertEquals(a.serving().allowTransfer(), zc.serving().allowTransfer());
      assertEquals(List.of(at("192.0.2.54", 5300)), zc.serving().alsoNotify());
      assertEquals(30, zc.serving().maxIxfrRatio());
      assertFalse(zc.ixfrFromDifferences(), "as written");
    }

    @Test
    void withoutServeBlocks_nothingIsServed_andNoTransferKeys() throws Exception {
      MirrorConfig c = parse("keys: [ { name: k1., algorithm: hmac-sha256, secret: " + SECRET
          + " } ]\n" + R + Z);
      assertEquals(Map.of(), c.served());
      assertEquals(List.of(), c.transferKeys());
      assertEquals(org.zonesync.core.ZoneServing.none(), c.zones().get(0).serving());
      assertFalse(c.zones().get(0).ixfrFromDifferences());
    }

    @Test
    void generatedZones_roundTripThroughYaml() throws Exception {
      Random random = new Random(7);
      StringBuilder y = new StringBuilder("keys:\n");
      List<TsigKey> keys = new ArrayList<>();
      for (TsigAlgorithm alg : TsigAlgorithm.values()) {
        TsigKey k = TsigKeyFiles.generate(Name.fromString("key-" + alg.keyword() + "."), alg,
            new java.security.SecureRandom());
        keys.add(k);
        y.append("  - { name: ").append(k.name()).append(", algorithm: ").append(alg.keyword())
            .append(", secret: \"").append(k.secretBase64()).append("\" }\n");
      }
      y.append("remotes:\n");
      List<Primary> remotes = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        InetSocketAddress a = at("10.0." + i + "." + (1 + random.nextInt(254)),
            1 + random.nextInt(65535));
        TsigKey k = i % 3 == 0 ? null : keys.get(random.nextInt(keys.size()));
        remotes.add(k == null ? Primary.of(a) : Primary.of(a, k));
        y.append("  - { id: r").append(i).append(", address: ").append(
            a.getAddress().getHostAddress()).append('@').append(a.getPort())
            .append(k == null ? "" : ", key: " + k.name()).append(" }\n");
      }
      y.append("zones:\n");
      List<SecondaryZone> expected = new ArrayList<>();
      for (int z = 0; z < 300; z++) {
        SecondaryZone.Builder b = SecondaryZone.builder("z" + z + ".example.");
        y.append("  - { domain: z").append(z).append(".example., primaries: [");
        int first = random.nextInt(20);
        int n = 1 + random.nextInt(3);
        for (int j = 0; j < n; j++) {
          int r = (first + j) % 20;
          b.primary(remotes.get(r));
          y.append(j == 0 ? "" : ", ").append('r').append(r);
        }
        boolean ixfr = random.nextBoolean();
        boolean diff = random.nextBoolean();
        expected.add(b.requestIxfr(ixfr).ixfrFromDifferences(diff).build());
        y.append("], request-ixfr: ").append(ixfr).append(", ixfr-from-differences: ")
            .append(diff).append(" }\n");
      }
      List<SecondaryZone> got = parse(y.toString()).zones();
      assertEquals(expected.size(), got.size());
      for (int i = 0; i < got.size(); i++) {
        assertEquals(expected.get(i).zone(), got.get(i).zone());
        assertEquals(expected.get(i).primaries(), got.get(i).primaries(), "zone " + i);
        assertEquals(expected.get(i).requestIxfr(), got.get(i).requestIxfr());
        assertEquals(expected.get(i).ixfrFromDifferences(), got.get(i).ixfrFromDifferences());
      }
    }
  }

  static final String R = "remotes: [ { id: p, address: 192.0.2.1 } ]\n";
  static final String Z = "zones: [ { domain: a., primaries: p } ]\n";

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("zone: []\n", "t.yaml:1: 'zone': unknown key; expected one of control,"
            + " keys, limits, listen, remotes, serve, storage, zones"),
        Arguments.of(R + "zones:\n  - { domain: a., primaries: p, primary: p }\n",
            "t.yaml:3: zones[0].'primary': unknown key; expected one of domain,"
                + " ixfr-from-differences, primaries, request-ixfr, serve"),
        Arguments.of(R + "zones: [ { domain: a., primaries: [p, knot] } ]\n",
            "t.yaml:2: zones[0].primaries[1]: unknown remote 'knot'; remotes are defined under"
                + " 'remotes'"),
        Arguments.of("remotes:\n  - { id: p, address: 192.0.2.1, key: k1. }\n" + Z,
            "t.yaml:2: remotes[0].key: unknown key k1.; keys are defined under 'keys'"),
        Arguments.of(R + "zones:\n  - { domain: a., primaries: p }\n  - { domain: A, primaries:"
            + " p }\n", "t.yaml:4: zones[1].domain: zone A. is already defined at line 3"),
        Arguments.of("remotes: [ { id: p, address: 192.0.2.1 }, { id: p, address: 192.0.2.2 } ]\n"
            + Z, "t.yaml:1: remotes[1].id: remote 'p' is defined twice"),
        Arguments.of("keys:\n  - { name: k., algorithm: hmac-sha1, secret: " + SECRET + " }\n"
            + "  - { name: K, algorithm: hmac-sha1, secret: " + SECRET + " }\n" + R + Z,
            "t.yaml:3: keys[1]: key K. is defined twice"),
        Arguments.of("remotes: [ { id: p, address: 192.0.2.300 } ]\n" + Z,
            "t.yaml:1: remotes[0].address: '192.0.2.300' is not an IPv4 address"),
        Arguments.of("remotes: [ { id: p, address: primary.example } ]\n" + Z,
            "t.yaml:1: remotes[0].address: 'primary.example' is not an IP address"),
        Arguments.of("remotes: [ { id: p, address: [ 192.0.2.1, 192.0.2.1@70000 ] } ]\n" + Z,
            "t.yaml:1: remotes[0].address[1]: port must be 1..65535, got '70000'"),
        Arguments.of("remotes: [ { id: p, address: [] } ]\n" + Z,
            "t.yaml:1: remotes[0].address: no address"),
        Arguments.of("listen: 127.0.0.1:0\n" + R + Z,
            "t.yaml:1: listen: port must be 1..65535, got '0'"),
        Arguments.of("keys: [ { name: k., algorithm: hmac-sha256, secret: \"not*base64\" } ]\n"
            + R + Z, "t.yaml:1: keys[0].secret: secret is not valid base64"),
        Arguments.of("keys: [ { name: k., algorithm: hmac-sha3, secret: " + SECRET + " } ]\n"
            + R + Z, "t.yaml:1: keys[0].algorithm: unsupported algorithm 'hmac-sha3'; expected"
                + " one of hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384,"
                + " hmac-sha512"),
        Arguments.of("keys: [ { algorithm: hmac-sha256, secret: " + SECRET + " } ]\n" + R + Z,
            "t.yaml:1: keys[0]: missing key 'name'"),
        Arguments.of("keys: [ { name: k., file: k.key, secret: " + SECRET + " } ]\n" + R + Z,
            "t.yaml:1: keys[0]: give either file, or algorithm and secret, not both"),
        Arguments.of("keys: [ { file: missing.key } ]\n" + R + Z,
            "t.yaml:1: keys[0].file: key file 'missing.key' does not exist or is not a regular"
                + " file"),
        Arguments.of(R + Z + "zones: []\n", "t.yaml:3: duplicate key 'zones' (first at line 2)"),
        Arguments.of(R, "t.yaml:1: zones: missing; at least one zone is needed"),
        Arguments.of(R + "zones: []\n", "t.yaml:2: zones: no zones"),
        Arguments.of(R + "zones: [ { domain: a. } ]\n", "t.yaml:2: zones[0]: missing key"
            + " 'primaries'"),
        Arguments.of(R + "zones: [ { domain: a., primaries: [] } ]\n",
            "t.yaml:2: zones[0].primaries: no primaries"),
        Arguments.of(R + "zones: [ { domain: a., primaries: [p, p] } ]\n",
            "t.yaml:2: zones[0].primaries[1]: remote 'p' is listed twice"),
        Arguments.of(R + "zones: [ { domain: \"a..b\", primaries: p } ]\n",
            "t.yaml:2: zones[0].domain: invalid domain name 'a..b'"),
        Arguments.of(R + "zones: [ { domain: a., primaries: p, request-ixfr: yes } ]\n",
            "t.yaml:2: zones[0].request-ixfr: expected true or false, got 'yes'"),
        Arguments.of("limits: { transfers-in: 0 }\n" + R + Z,
            "t.yaml:1: limits.transfers-in: expected an integer 1..10000, got '0'"),
        Arguments.of("limits: { soa-query-rate: 1e3 }\n" + R + Z,
            "t.yaml:1: limits.soa-query-rate: expected an integer 1..100000, got '1e3'"),
        Arguments.of("storage:\n" + R + Z, "t.yaml:1: storage: value is missing"),
        Arguments.of("control: [ a, b ]\n" + R + Z, "t.yaml:1: control: expected text, not a"
            + " list"),
        Arguments.of("- storage: x\n", "t.yaml:1: expected a mapping with keys control, keys,"
            + " limits, listen, remotes, serve, storage, zones"),
        Arguments.of(R + "serve: { allow: [ 192.0.2.0/33 ] }\n" + Z,
            "t.yaml:2: serve.allow[0]: bad prefix length 33 in '192.0.2.0/33'"),
        Arguments.of(R + "serve: { allow: \"key:k1.\" }\n" + Z,
            "t.yaml:2: serve.allow: unknown key k1.; keys are defined under 'keys'"),
        Arguments.of(R + "serve: { allow: [ \"!\" ] }\n" + Z,
            "t.yaml:2: serve.allow[0]: nothing to negate in '!'"),
        Arguments.of(R + "serve: { notify: [ 192.0.2.9, \"192.0.2.9@53\" ] }\n" + Z,
            "t.yaml:2: serve.notify[1]: notify target 192.0.2.9:53 is listed twice"),
        Arguments.of(R + "serve: { notify: ns.example }\n" + Z,
            "t.yaml:2: serve.notify: 'ns.example' is not an IP address"),
        Arguments.of(R + "serve: { notify-key: k1. }\n" + Z,
            "t.yaml:2: serve.notify-key: unknown key k1.; keys are defined under 'keys'"),
        Arguments.of(R + "serve: { max-ixfr-ratio: 0 }\n" + Z,
            "t.yaml:2: serve.max-ixfr-ratio: expected 'unlimited' or a percentage 1..10000,"
                + " got '0'"),
        Arguments.of(R + "serve: { allow: [ 192.0.2.1 ], also-notify: [] }\n" + Z,
            "t.yaml:2: serve.'also-notify': unknown key; expected one of allow,"
                + " max-ixfr-ratio, notify, notify-key"),
        Arguments.of(R + "serve: [ 192.0.2.1 ]\n" + Z, "t.yaml:2: serve: expected a mapping"
            + " with keys allow, max-ixfr-ratio, notify, notify-key"),
        Arguments.of(R + "zones: [ { domain: a., primaries: p, serve: { allow: [ { a: b } ] } } ]"
            + "\n", "t.yaml:2: zones[0].serve.allow[0]: expected text, not a mapping"),
        Arguments.of(R + "zones:\n  - domain: a.\n    primaries: p\n    serve:\n"
            + "      max-ixfr-ratio: 1e2\n", "t.yaml:6: zones[0].serve.max-ixfr-ratio:"
            + " expected 'unlimited' or a percentage 1..10000, got '1e2'"),
        Arguments.of("limits: { transfers-out: 0 }\n" + R + Z,
            "t.yaml:1: limits.transfers-out: expected an integer 1..10000, got '0'"),
        Arguments.of("", "t.yaml: file is empty"),
        Arguments.of("# nothing\n", "t.yaml: file is empty"),
        Arguments.of("remotes: &r [ { id: p, address: 192.0.2.1 } ]\n" + Z,
            "t.yaml:1: YAML anchors are not supported"),
        Arguments.of(R + "zones: [ { domain: !!str a., primaries: p } ]\n",
            "t.yaml:2: YAML tags are not supported"),
        Arguments.of(R + Z + "---\n" + Z, "t.yaml:3: more than one YAML document"),
        Arguments.of("zones: " + "[".repeat(20) + "]".repeat(20) + "\n",
            "t.yaml:1: nested deeper than 16 levels"),
        Arguments.of("zones: [ { domain: a.\n", "t.yaml:2: invalid YAML: expected ',' or '}',"
            + " but got <stream end>"),
        Arguments.of("zones:\n\t- a\n", "t.yaml:2: invalid YAML: found character '\\t(TAB)'"
            + " that cannot start any token. (Do not use \\t(TAB) for indentation)"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void invalid_isRefused_withFileLineKeyAndProblem(String yaml, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
    assertEquals(message, e.getMessage());
  }

  @Test
  void messages_neverContainTheSecret() throws Exception {
    String secret = "c2VjcmV0LXRoYXQtbXVzdC1ub3QtbGVhaw*=";
    ConfigException bad = assertThrows(ConfigException.class, () -> parse(
        "keys: [ { name: k., algorithm: hmac-sha256, secret: \"" + secret + "\" } ]\n" + R + Z));
    assertFalse(bad.getMessage().contains("c2VjcmV0"), bad.getMessage());

    Files.writeString(dir.resolve("broken.key"), "key \"k\" { algorithm hmac-sha256;\n secret \""
        + secret + "\"; };\n");
    ConfigException file = assertThrows(ConfigException.class, () -> parse(
        "keys: [ { file: broken.key } ]\n" + R + Z));
    assertTrue(file.getMessage().startsWith("t.yaml:1: keys[0].file: key file 'broken.key': "),
        file.getMessage());
    assertFalse(file.getMessage().contains("c2VjcmV0"), file.getMessage());
  }

  @Test
  void keyFile_withName_picksThatKey_andNamesAMissingOne() throws Exception {
    TsigKey a = TsigKeyFiles.generate(Name.fromString("a."), TsigAlgorithm.HMAC_SHA256,
        new java.security.SecureRandom());
    TsigKey b = TsigKeyFiles.generate(Name.fromString("b."), TsigAlgorithm.HMAC_SHA384,
        new java.security.SecureRandom());
    Files.writeString(dir.resolve("two.key"), TsigKeyFiles.toBindStatement(a)
        + TsigKeyFiles.toBindStatement(b));
    MirrorConfig c = parse("keys: [ { name: b., file: two.key } ]\n"
        + "remotes: [ { id: p, address: 192.0.2.1, key: b } ]\n" + Z);
    assertEquals(List.of(Primary.of(at("192.0.2.1", 53), b)), c.zones().get(0).primaries());
    ConfigException e = assertThrows(ConfigException.class, () -> parse(
        "keys: [ { name: c., file: two.key } ]\n" + R + Z));
    assertEquals("t.yaml:1: keys[0].file: key file 'two.key' has no key named c.",
        e.getMessage());
  }

  @Test
  void zoneCount_aboveTheLimit_isRefused() {
    StringBuilder y = new StringBuilder(R + "zones:\n");
    for (int i = 0; i < 4; i++) {
      y.append("  - { domain: z").append(i).append(", primaries: p }\n");
    }
    ConfigException e = assertThrows(ConfigException.class, () -> new ConfigParser("t.yaml",
        dir, 3).parse(y.toString().getBytes(UTF_8)));
    assertEquals("t.yaml:3: zones: more than 3 entries (4)", e.getMessage());
  }

  @Test
  void file_largerThanTheLimit_isRefusedBeforeParsing() throws Exception {
    Path big = dir.resolve("big.yaml");
    byte[] b = new byte[ConfigParser.MAX_FILE_BYTES + 1];
    java.util.Arrays.fill(b, (byte) '#');
    Files.write(big, b);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.read(big));
    assertEquals(big + ": '" + big + "' is larger than " + ConfigParser.MAX_FILE_BYTES
        + " bytes", e.getMessage());
    ConfigException missing = assertThrows(ConfigException.class,
        () -> ConfigParser.read(dir.resolve("none.yaml")));
    assertTrue(missing.getMessage().endsWith("none.yaml' does not exist"), missing.getMessage());
  }

  @Test
  void aliasBomb_isRefusedAtTheFirstAnchor() {
    StringBuilder y = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char p = (char) (c - 1);
      y.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p)
          .append(",*").append(p).append(",*").append(p).append("]\n");
    }
    ConfigException e = assertThrows(ConfigException.class, () -> parse(y.toString()));
    assertEquals("t.yaml:1: YAML anchors are not supported", e.getMessage());
  }

  @Test
  void invalidUtf8_isRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> new ConfigParser("t.yaml",
        dir, 10).parse(new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'}));
    assertEquals("t.yaml: not valid UTF-8", e.getMessage());
  }
}
