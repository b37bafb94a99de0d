// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Name;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;

final class TsigKeyFilesTest {
  private static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";
  private static final Pattern SECRET_LINE = Pattern.compile("secret \"([^\"]+)\"");

  static String resource(String name) throws IOException {
    try (InputStream in = TsigKeyFilesTest.class.getResourceAsStream("/keyfiles/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The base64 secrets in a file, read with a regex independent of the parser. */
  private static List<String> secrets(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = SECRET_LINE.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Nested
  final class Bind {
    @Test
    void parse_readsTsigKeygenOutput_andToBindStatementReproducesIt() throws Exception {
      String text = resource("tsig-keygen-sha256.key");
      List<TsigKey> keys = TsigKeyFiles.parse(text);
      assertEquals(1, keys.size());
      TsigKey k = keys.get(0);
      assertEquals(Name.fromString("xfr-key."), k.name());
      assertEquals(TsigAlgorithm.HMAC_SHA256, k.algorithm());
      assertArrayEquals(Base64.getDecoder().decode(secrets(text).get(0)), k.secret());
      assertEquals(text, TsigKeyFiles.toBindStatement(k));
    }

    @Test
    void parse_readsEveryAlgorithm_withTsigKeygenSecretLengths() throws Exception {
      String text = resource("tsig-keygen-all.key") + resource("tsig-keygen-md5.key");
      List<TsigKey> keys = TsigKeyFiles.parse(text);
      assertEquals(7, keys.size());
      StringBuilder again = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        TsigAlgorithm a = TsigAlgorithm.values()[i];
        assertEquals(a, keys.get(i).algorithm());
        assertEquals("key-" + a.keyword() + ".", keys.get(i).name().toString());
        assertEquals(a.macLength(), keys.get(i).secret().length, "tsig-keygen secret length");
      }
      keys.forEach(k -> again.append(TsigKeyFiles.toBindStatement(k)));
      assertEquals(text, again.toString());
    }

    @Test
    void parse_acceptsTrailingDotInName() throws Exception {
      assertEquals(Name.fromString("dotted.example."),
          TsigKeyFiles.parse(resource("tsig-keygen-dotted.key")).get(0).name());
    }

    @Test
    void parse_skipsDdnsConfgenInstructions() throws Exception {
      String text = resource("ddns-confgen.txt");
      List<TsigKey> keys = TsigKeyFiles.parse(text);
      assertEquals(1, keys.size());
      assertEquals(Name.fromString("ddns-key.example.com."), keys.get(0).name());
      assertArrayEquals(Base64.getDecoder().decode(secrets(text).get(0)), keys.get(0).secret());
    }

    @Test
    void parse_acceptsCommentsAnyWhitespaceUnquotedNamesAndUpperCase() throws Exception {
      String text = "# hash comment\n// slash comment\n/* block\n comment */"
          + "key a.example{algorithm hmac-sha1;secret \"" + SECRET + "\";};"
          + "KEY \"b\" /* inline */ {\n\n  ALGORITHM HMAC-MD5.SIG-ALG.REG.INT; # why not\n"
          + "  SECRET\n\"" + SECRET + "\" ; } ;\n";
      List<TsigKey> keys = TsigKeyFiles.parse(text);
      assertEquals(List.of(Name.fromString("a.example."), Name.fromString("b.")),
          keys.stream().map(TsigKey::name).toList());
      assertEquals(TsigAlgorithm.HMAC_SHA1, keys.get(0).algorithm());
      assertEquals(TsigAlgorithm.HMAC_MD5, keys.get(1).algorithm());
    }

    @Test
    void parse_skipsOtherNamedConfStatements() throws Exception {
      String text = "options { directory \"/var/named\"; listen-on { any; }; };\n"
          + "key k { algorithm hmac-sha512; secret \"" + SECRET + "\"; };\n"
          + "zone \"example\" { type primary; file \"db\"; allow-transfer { key k; }; };\n";
      assertEquals(1, TsigKeyFiles.parse(text).size());
    }

    @Test
    void parse_mapsTruncatedAlgorithm_toMinimumMacLength_andBack() throws Exception {
      String text = "key \"t\" {\n\talgorithm hmac-sha256-128;\n\tsecret \"" + SECRET
          + "\";\n};\n";
      TsigKey k = TsigKeyFiles.parse(text).get(0);
      assertEquals(16, k.minimumMacLength());
      assertEquals(text, TsigKeyFiles.toBindStatement(k));
    }
  }

  @Nested
  final class Errors {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        key "a" {\\n algorithm hmac-sha256;\\n secret "S"\\n};                   | 4 | expected ';' after the secret
        key "a" {\\n algorithm hmac-sha256;\\n secret "S";\\n                    | 4 | expected 'algorithm' or 'secret', found end of text
        key "a" {\\n algorithm hmac-sha256;\\n secret "S";\\n};\\nkey "a" {     | 5 | expected 'algorithm' or 'secret', found end of text
        key "a" {\\n algorithm hmac-sha256;\\n owner x;\\n secret "S";\\n};     | 3 | unknown clause
        key "a" {\\n algorithm hmac-sha3;\\n secret "S";\\n};                   | 2 | unknown algorithm
        key "a" {\\n algorithm hmac-sha256-64;\\n secret "S";\\n};              | 2 | truncation to 64 bits is not allowed
        key "a" {\\n secret "S";\\n};                                         | 3 | has no algorithm
        key "a" {\\n algorithm hmac-sha256;\\n};                               | 3 | has no secret
        key "a" {\\n algorithm hmac-sha256;\\n secret "S!!";\\n};               | 3 | secret is not valid base64
        key "a" {\\n algorithm hmac-sha256;\\n secret "";\\n};                  | 3 | secret is empty
        /* open\\n\\nkey "a" { algorithm hmac-sha256; secret "S"; };            | 1 | comment is not closed
        key "a\\n{ algorithm hmac-sha256; secret "S"; };                        | 1 | quoted string is not closed
        options {\\n a;\\n                                                     | 1 | statement is not closed
        };                                                                   | 1 | unexpected '}'
        key "a" { algorithm hmac-sha256; secret "S"; };\\n\\nkey {              | 3 | expected a key name
        """)
    void parse_reportsLineAndProblem_neverTheSecret(String template, int line, String fragment) {
      String text = template.strip().replace("\\n", "\n").replace("\"S", "\"" + SECRET);
      TsigKeyFormatException e = assertThrows(TsigKeyFormatException.class,
          () -> TsigKeyFiles.parse(text));
      assertEquals(line, e.line(), e.getMessage());
      assertTrue(e.getMessage().startsWith("line " + line + ": "), e.getMessage());
      assertTrue(e.getMessage().contains(fragment), e.getMessage());
      assertFalse(e.getMessage().contains(SECRET.substring(0, 12)), e.getMessage());
    }

    @Test
    void parse_neverEchoesASecretWrittenAsAlgorithm() {
      String text = "key a { algorithm " + SECRET + "; secret \"" + SECRET + "\"; };";
      TsigKeyFormatException e = assertThrows(TsigKeyFormatException.class,
          () -> TsigKeyFiles.parse(text));
      assertTrue(e.getMessage().contains("unknown algorithm (not shown)"), e.getMessage());
    }

    @Test
    void parse_rejectsDuplicateKeyName() {
      String one = "key a { algorithm hmac-sha256; secret \"" + SECRET + "\"; };\n";
      TsigKeyFormatException e = assertThrows(TsigKeyFormatException.class,
          () -> TsigKeyFiles.parse(one + one.replace("key a", "key A.")));
      assertTrue(e.getMessage().contains("defined twice"), e.getMessage());
    }

    @Test
    void parse_rejectsTextWithoutKey() {
      assertEquals("no key found", assertThrows(TsigKeyFormatException.class,
          () -> TsigKeyFiles.parse("# nothing here\n")).getMessage());
    }

    @Test
    void read_prefixesFileName(@TempDir Path dir) throws IOException {
      Path f = dir.resolve("bad.key");
      Files.writeString(f, "\nkey \"a\" {\n algorithm hmac-sha9;\n secret \"" + SECRET
          + "\";\n};\n");
      TsigKeyFormatException e = assertThrows(TsigKeyFormatException.class,
          () -> TsigKeyFiles.read(f));
      assertEquals(f + ": line 3: key a.: unknown algorithm \"hmac-sha9\"", e.getMessage());
      assertEquals(3, e.line());
    }
  }

  @Nested
  final class Knot {
    @Test
    void parse_readsKeymgrOutput() throws Exception {
      String text = "# hmac-sha256:knot-key:" + SECRET + "\nkey:\n  - id: knot-key\n"
          + "    algorithm: hmac-sha256\n    secret: " + SECRET + "\n";
      TsigKey k = TsigKeyFiles.parse(text).get(0);
      assertEquals(Name.fromString("knot-key."), k.name());
      assertEquals(TsigAlgorithm.HMAC_SHA256, k.algorithm());
      assertArrayEquals(Base64.getDecoder().decode(SECRET), k.secret());
    }

    @Test
    void parse_readsSeveralQuotedItems_andSkipsOtherSections() throws Exception {
      String text = "server:\n  listen: 0.0.0.0@53\n\nkey:\n  - id: \"a.example.\"\n"
          + "    algorithm: 'hmac-sha512'   # comment\n    secret: \"" + SECRET + "\"\n"
          + "  -\n    id: b\n    secret: " + SECRET + "\n    algorithm: hmac-md5\n"
          + "remote:\n  - id: primary\n    key: a.example.\n";
      List<TsigKey> keys = TsigKeyFiles.parse(text);
      assertEquals(List.of(Name.fromString("a.example."), Name.fromString("b.")),
          keys.stream().map(TsigKey::name).toList());
      assertEquals(TsigAlgorithm.HMAC_MD5, keys.get(1).algorithm());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        key:\\n  - id: a\\n    algorithm: hmac-sha256\\n                       | 2 | has no secret
        key:\\n  - id: a\\n    algorithm: hmac-sha256\\n    secret: S!\\n      | 4 | secret is not valid base64
        key:\\n  - id: a\\n    algorithm: sha256\\n    secret: S\\n            | 3 | unknown algorithm
        key:\\n  - id: a\\n    owner: x\\n                                    | 3 | unknown key attribute 'owner'
        key:\\n    id: a\\n                                                  | 2 | outside a '- id:' item
        key:\\n  - id: a\\n\\talgorithm: hmac-sha256\\n                         | 3 | tab in indentation
        key:\\n  - id: a\\n    id: b\\n                                       | 3 | second id
        key: [ ]\\n                                                          | 1 | flow style
        """)
    void parse_reportsLineAndProblem_neverTheSecret(String template, int line, String fragment) {
      String text = template.strip().replace("\\n", "\n").replace("\\t", "\t")
          .replace(": S", ": " + SECRET);
      TsigKeyFormatException e = assertThrows(TsigKeyFormatException.class,
          () -> TsigKeyFiles.parse(text));
      assertEquals(line, e.line(), e.getMessage());
      assertTrue(e.getMessage().contains(fragment), e.getMessage());
      assertFalse(e.getMessage().contains(SECRET.substring(0, 12)), e.getMessage());
    }
  }

  @Nested
  final class Generate {
    @ParameterizedTest
    @EnumSource(TsigAlgorithm.class)
    void generate_makesHashSizedSecret_thatRoundTripsThroughBindStatement(TsigAlgorithm a)
        throws Exception {
      TsigKey k = TsigKeyFiles.generate(Name.fromString("gen.example."), a, new SecureRandom());
      assertEquals(a.macLength(), k.secret().length);
      assertEquals(List.of(k), TsigKeyFiles.parse(TsigKeyFiles.toBindStatement(k)));
    }

    @Test
    void generate_usesTheGivenRandom() throws Exception {
      SecureRandom r1 = SecureRandom.getInstance("SHA1PRNG");
      r1.setSeed(42);
      SecureRandom r2 = SecureRandom.getInstance("SHA1PRNG");
      r2.setSeed(42);
      Name n = Name.fromString("gen.");
      TsigKey k1 = TsigKeyFiles.generate(n, TsigAlgorithm.HMAC_SHA256, r1);
      assertEquals(k1, TsigKeyFiles.generate(n, TsigAlgorithm.HMAC_SHA256, r2));
      assertNotEquals(k1, TsigKeyFiles.generate(n, TsigAlgorithm.HMAC_SHA256, r1));
    }

    @Test
    void toBindStatement_escapesOddNames_soParseRoundTrips() throws Exception {
      TsigKey k = TsigKey.of(Name.fromString("we\\\"ird\\032name.example."),
          TsigAlgorithm.HMAC_SHA1, Base64.getDecoder().decode(SECRET));
      assertEquals(List.of(k), TsigKeyFiles.parse(TsigKeyFiles.toBindStatement(k)));
    }
  }
}
