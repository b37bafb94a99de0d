// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Name;
import org.zonesync.core.internal.serve.TransferAcl.Decision;
import org.zonesync.core.internal.serve.TransferAcl.Verdict;

final class TransferAclTest {

  private static final Optional<Name> UNSIGNED = Optional.empty();

  static InetAddress ip(String literal) {
    try {
      // Literals only: a colon or a leading digit makes getByName parse, never resolve.
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static InetAddress mapped(String v4) throws UnknownHostException {
    byte[] b = new byte[16];
    b[10] = (byte) 0xff;
    b[11] = (byte) 0xff;
    System.arraycopy(ip(v4).getAddress(), 0, b, 12, 4);
    // Inet6Address.getByAddress keeps the mapped form; InetAddress.getByAddress would fold it.
    return Inet6Address.getByAddress(null, b, -1);
  }

  static Optional<Name> key(String name) throws Exception {
    return Optional.of(Name.fromString(name));
  }

  @Nested
  final class Parsing {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "192.0.2.0/33|bad prefix length 33 in '192.0.2.0/33'",
        "2001:db8::/129|bad prefix length 129 in '2001:db8::/129'",
        "192.0.2.0/|missing prefix length in '192.0.2.0/'",
        "192.0.2.0/-1|bad prefix length '-1' in '192.0.2.0/-1'",
        "192.0.2.0/2x|bad prefix length '2x' in '192.0.2.0/2x'",
        "192.0.2.0/0024|bad prefix length '0024' in '192.0.2.0/0024'",
        "192.0.2|bad IPv4 address '192.0.2' in '192.0.2'",
        "192.0.2.256|bad IPv4 address '192.0.2.256' in '192.0.2.256'",
        "192.0.2.010|bad IPv4 address '192.0.2.010' in '192.0.2.010'",
        "ns1.example.|bad IPv4 address 'ns1.example.' in 'ns1.example.'",
        "2001:db8::1::2|bad IPv6 address '2001:db8::1::2' in '2001:db8::1::2'",
        "fe80::1%eth0|bad IPv6 address 'fe80::1%eth0' in 'fe80::1%eth0'",
        "!|nothing to negate in '!'",
        "!!192.0.2.1|nothing to negate in '!!192.0.2.1'",
        "key:|missing key name in 'key:'",
        "! key:  |missing key name in '! key:'",
    })
    void parse_rejectsBadRule_namingIt(String rule, String message) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TransferAcl.parse(List.of("192.0.2.1", rule)));
      assertEquals(message, e.getMessage());
    }

    @Test
    void parse_rejectsBlankRule_withPosition() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TransferAcl.parse(List.of("192.0.2.1", "  ")));
      assertEquals("empty rule at position 2", e.getMessage());
    }

    @Test
    void parse_rejectsOverlongKeyLabel_namingRule() {
      String rule = "key:" + "a".repeat(64) + ".example.";
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TransferAcl.parse(List.of(rule)));
      assertTrue(e.getMessage().startsWith("bad key name in '" + rule + "': "), e.getMessage());
    }

    @Test
    void parse_empty_isDenyAll() {
      assertSame(TransferAcl.denyAll(), TransferAcl.parse(List.of()));
      assertTrue(TransferAcl.denyAll().isEmpty());
      assertFalse(TransferAcl.parse(List.of("::1")).isEmpty());
    }

    @Test
    void parse_isCaseAndLocaleIndependent_forKeyPrefix() throws Exception {
      // "KEY:" lower-cased under Turkish rules would be "key:" with a dotless i; regionMatches
      // with ignoreCase must not depend on the locale (tests run with -Duser.language=tr).
      TransferAcl acl = TransferAcl.parse(List.of("KEY:Xfr.Example."));
      assertTrue(acl.check(ip("203.0.113.9"), key("xfr.example.")).allowed());
    }
  }

  @Nested
  final class Matching {
    @Test
    void check_denyAll_deniesEveryone_withoutRule() throws Exception {
      Decision d = TransferAcl.denyAll().check(ip("127.0.0.1"), key("k."));
      assertEquals(new Decision(Verdict.DENY, Optional.empty()), d);
      assertEquals("denied: no rule matched", d.describe());
    }

    @Test
    void check_firstMatchWins_negationBeforePrefix() {
      TransferAcl acl = TransferAcl.parse(List.of("!192.0.2.7", "192.0.2.0/24"));
      Decision host = acl.check(ip("192.0.2.7"), UNSIGNED);
      assertEquals(new Decision(Verdict.DENY, Optional.of("!192.0.2.7")), host);
      assertEquals("denied by rule '!192.0.2.7'", host.describe());
      Decision other = acl.check(ip("192.0.2.8"), UNSIGNED);
      assertEquals(new Decision(Verdict.ALLOW, Optional.of("192.0.2.0/24")), other);
      assertEquals("allowed by rule '192.0.2.0/24'", other.describe());
      assertFalse(acl.check(ip("192.0.3.7"), UNSIGNED).allowed());
    }

    @Test
    void check_firstMatchWins_prefixBeforeNegation() {
      TransferAcl acl = TransferAcl.parse(List.of("192.0.2.0/24", "!192.0.2.7"));
      assertEquals(Optional.of("192.0.2.0/24"), acl.check(ip("192.0.2.7"), UNSIGNED).rule());
      assertTrue(acl.check(ip("192.0.2.7"), UNSIGNED).allowed());
    }

    @Test
    void check_bareAddress_isHostPrefix() {
      TransferAcl acl = TransferAcl.parse(List.of("192.0.2.7", "2001:db8::7"));
      assertTrue(acl.check(ip("192.0.2.7"), UNSIGNED).allowed());
      assertFalse(acl.check(ip("192.0.2.6"), UNSIGNED).allowed());
      assertTrue(acl.check(ip("2001:db8:0:0:0:0:0:7"), UNSIGNED).allowed());
      assertFalse(acl.check(ip("2001:db8::6"), UNSIGNED).allowed());
    }

    @Test
    void check_hostBitsBeyondLength_areMaskedLikeBind() {
      TransferAcl acl = TransferAcl.parse(List.of("192.0.2.77/24", "2001:db8:ffff::1/32"));
      assertTrue(acl.check(ip("192.0.2.200"), UNSIGNED).allowed());
      assertFalse(acl.check(ip("192.0.3.77"), UNSIGNED).allowed());
      assertTrue(acl.check(ip("2001:db8:1::2"), UNSIGNED).allowed());
      assertFalse(acl.check(ip("2001:db9:ffff::1"), UNSIGNED).allowed());
    }

    @Test
    void check_zeroLength_matchesOnlyItsFamily() {
      TransferAcl v4 = TransferAcl.parse(List.of("0.0.0.0/0"));
      TransferAcl v6 = TransferAcl.parse(List.of("::/0"));
      assertTrue(v4.check(ip("198.51.100.1"), UNSIGNED).allowed());
      assertFalse(v4.check(ip("2001:db8::1"), UNSIGNED).allowed());
      assertTrue(v6.check(ip("2001:db8::1"), UNSIGNED).allowed());
      assertFalse(v6.check(ip("198.51.100.1"), UNSIGNED).allowed());
    }

    @Test
    void check_ipv4MappedClient_matchesIpv4Prefix_notIpv6() throws Exception {
      InetAddress client = mapped("192.0.2.9");
      assertTrue(client instanceof Inet6Address);
      assertTrue(TransferAcl.parse(List.of("192.0.2.0/24")).check(client, UNSIGNED).allowed());
      assertFalse(TransferAcl.parse(List.of("!192.0.2.9", "::/0")).check(client, UNSIGNED)
          .allowed());
      assertFalse(TransferAcl.parse(List.of("::/0")).check(client, UNSIGNED).allowed());
    }

    @Test
    void check_mappedRule_actsAsIpv4Rule() throws Exception {
      TransferAcl acl = TransferAcl.parse(List.of("::ffff:192.0.2.0/120"));
      assertTrue(acl.check(ip("192.0.2.44"), UNSIGNED).allowed());
      assertTrue(acl.check(mapped("192.0.2.44"), UNSIGNED).allowed());
      assertFalse(acl.check(ip("192.0.3.44"), UNSIGNED).allowed());
    }

    @Test
    void check_keyRule_needsThatVerifiedKey_caseInsensitive() throws Exception {
      TransferAcl acl = TransferAcl.parse(List.of("key:xfr-key.example"));
      InetAddress c = ip("203.0.113.5");
      assertTrue(acl.check(c, key("XFR-Key.Example.")).allowed());
      assertEquals(Optional.of("key:xfr-key.example"), acl.check(c, key("xfr-key.example.")).rule());
      assertFalse(acl.check(c, UNSIGNED).allowed());
      assertFalse(acl.check(c, key("other.example.")).allowed());
      assertFalse(acl.check(c, key("xfr-key.example.com.")).allowed());
    }

    @Test
    void check_negatedKey_deniesEvenFromAllowedNetwork() throws Exception {
      TransferAcl acl = TransferAcl.parse(List.of("!key:revoked.", "192.0.2.0/24", "key:good."));
      assertFalse(acl.check(ip("192.0.2.1"), key("Revoked.")).allowed());
      assertTrue(acl.check(ip("192.0.2.1"), UNSIGNED).allowed());
      assertTrue(acl.check(ip("198.51.100.1"), key("good.")).allowed());
      assertFalse(acl.check(ip("198.51.100.1"), UNSIGNED).allowed());
    }

    @Test
    void check_keyOrAddress_areAlternatives() throws Exception {
      TransferAcl acl = TransferAcl.parse(List.of("key:k.", "192.0.2.1"));
      assertTrue(acl.check(ip("198.51.100.1"), key("k.")).allowed());
      assertTrue(acl.check(ip("192.0.2.1"), key("other.")).allowed());
    }

    @Test
    void decision_allowWithoutRule_isRejected() {
      assertThrows(IllegalArgumentException.class,
          () -> new Decision(Verdict.ALLOW, Optional.empty()));
    }
  }

  /** Our IPv6 literal parser against the JDK's, on literals only (no name lookups). */
  @Nested
  final class Ipv6Literals {
    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "1::", "2001:db8::", "2001:DB8:0:0:8:800:200C:417A",
        "ff01::101", "::13.1.68.3", "::ffff:129.144.52.38", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6::8",
        "1::3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "0:0:0:0:0:0:0:0", "abcd:ef01:2345:6789::",
        "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8"})
    void parseIpv6_valid_agreesWithJdk(String literal) {
      byte[] ours = AddressPrefix.parseIpv6(literal, literal);
      InetAddress jdk = ip(literal);
      byte[] expected = jdk.getAddress();
      if (jdk instanceof Inet4Address) { // the JDK folds IPv4-mapped literals to IPv4
        expected = new byte[16];
        expected[10] = (byte) 0xff;
        expected[11] = (byte) 0xff;
        System.arraycopy(jdk.getAddress(), 0, expected, 12, 4);
      }
      assertArrayEquals(expected, ours);
    }

    @ParameterizedTest
    // Every literal starts with ':' or a hex digit and contains ':', so getByName never resolves.
    @ValueSource(strings = {":", ":::", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7", ":1::", "1::2:", "::1.2.3", "::1.2.3.256", "1.2.3.4::", "1::g",
        "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "::١", "fe80::1%1"})
    void parseIpv6_invalid_rejectedLikeJdk(String literal) {
      assertThrows(IllegalArgumentException.class, () -> AddressPrefix.parseIpv6(literal, ""));
      boolean jdkAccepts;
      try {
        InetAddress.getByName(literal);
        jdkAccepts = true;
      } catch (UnknownHostException e) {
        jdkAccepts = false;
      }
      // The JDK accepts numeric zone ids, which an ACL has no use for; everything else agrees.
      assertEquals(literal.contains("%"), jdkAccepts, literal);
    }
  }
}
