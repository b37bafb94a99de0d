// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Prefix matching against a bit-by-bit reference on random addresses and prefixes. */
final class TransferAclPrefixPropertiesTest {

  /** Bit {@code i} of {@code a}, most significant first, as RFC 4291 numbers them. */
  private static int bit(byte[] a, int i) {
    return (a[i / 8] >> (7 - i % 8)) & 1;
  }

  private static boolean reference(byte[] network, int length, byte[] client) {
    if (network.length != client.length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (bit(network, i) != bit(client, i)) {
        return false;
      }
    }
    return true;
  }

  /** A client near the rule's address: mostly sharing a prefix of random length. */
  private static byte[] clientNear(byte[] network, SplittableRandom rnd) {
    byte[] c = network.clone();
    if (rnd.nextInt(4) == 0) {
      rnd.nextBytes(c);
      return c;
    }
    int flip = rnd.nextInt(c.length * 8); // differ first at this bit, random below it
    c[flip / 8] ^= (byte) (0x80 >>> (flip % 8));
    for (int i = flip + 1; i < c.length * 8; i++) {
      if (rnd.nextBoolean()) {
        c[i / 8] ^= (byte) (0x80 >>> (i % 8));
      }
    }
    return c;
  }

  private static String text(byte[] a) {
    if (a.length == 4) {
      return String.format(Locale.ROOT, "%d.%d.%d.%d", a[0] & 0xff, a[1] & 0xff, a[2] & 0xff,
          a[3] & 0xff);
    }
    StringBuilder sb = new StringBuilder();
    for (int g = 0; g < 8; g++) {
      sb.append(g == 0 ? "" : ":").append(Integer.toHexString(
          ((a[2 * g] & 0xff) << 8) | (a[2 * g + 1] & 0xff)));
    }
    return sb.toString();
  }

  private static void checkOne(byte[] network, int length, byte[] client, boolean negated)
      throws UnknownHostException {
    String rule = (negated ? "!" : "") + text(network) + "/" + length;
    TransferAcl acl = TransferAcl.parse(List.of(rule));
    InetAddress address = client.length == 16
        ? Inet6Address.getByAddress(null, client, -1) : InetAddress.getByAddress(client);
    boolean expectMatch = reference(network, length, client);
    TransferAcl.Decision d = acl.check(address, Optional.empty());
    assertEquals(expectMatch, d.rule().isPresent(), rule + " vs " + text(client));
    assertEquals(expectMatch && !negated, d.allowed(), rule + " vs " + text(client));
  }

  @Property(tries = 2000)
  void ipv4Prefix_matchesLikeBitwiseReference(@ForAll @IntRange(min = 0, max = 32) int length,
      @ForAll boolean negated, @ForAll long seed) throws Exception {
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] network = new byte[4];
    rnd.nextBytes(network); // host bits set on purpose: the parser must mask them
    checkOne(network, length, clientNear(network, rnd), negated);
  }

  @Property(tries = 2000)
  void ipv6Prefix_matchesLikeBitwiseReference(@ForAll @IntRange(min = 0, max = 128) int length,
      @ForAll boolean negated, @ForAll long seed) throws Exception {
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] network = new byte[16];
    rnd.nextBytes(network);
    byte[] client = clientNear(network, rnd);
    // IPv4-mapped addresses are folded to IPv4 on both sides; covered separately below.
    Assume.that(!AddressPrefix.isMapped(client)
        && !(length >= 96 && AddressPrefix.isMapped(network)));
    checkOne(network, length, client, negated);
  }

  @Property(tries = 1000)
  void mappedClient_matchesExactlyLikeItsIpv4Address(
      @ForAll @IntRange(min = 0, max = 32) int length, @ForAll long seed) throws Exception {
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] network = new byte[4];
    rnd.nextBytes(network);
    byte[] v4 = clientNear(network, rnd);
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(v4, 0, mapped, 12, 4);
    TransferAcl acl = TransferAcl.parse(List.of(text(network) + "/" + length));
    boolean expected = reference(network, length, v4);
    assertEquals(expected, acl.check(InetAddress.getByAddress(v4), Optional.empty()).allowed());
    assertEquals(expected,
        acl.check(Inet6Address.getByAddress(null, mapped, -1), Optional.empty()).allowed());
  }

  @Property(tries = 500)
  void familiesNeverCross(@ForAll @IntRange(min = 0, max = 32) int length4,
      @ForAll @IntRange(min = 0, max = 95) int length6, @ForAll long seed) throws Exception {
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] v4 = new byte[4];
    byte[] v6 = new byte[16];
    rnd.nextBytes(v4);
    rnd.nextBytes(v6);
    Assume.that(!AddressPrefix.isMapped(v6));
    TransferAcl only4 = TransferAcl.parse(List.of(text(v4) + "/" + length4));
    TransferAcl only6 = TransferAcl.parse(List.of(text(v6) + "/" + length6));
    assertEquals(false, only4.check(Inet6Address.getByAddress(null, v6, -1), Optional.empty())
        .rule().isPresent());
    assertEquals(false, only6.check(InetAddress.getByAddress(v4), Optional.empty())
        .rule().isPresent());
  }
}
