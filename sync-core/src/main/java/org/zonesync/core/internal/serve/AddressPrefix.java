// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.serve;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * One address prefix of an ACL: a network of 4 or 16 bytes whose bits beyond {@code length} are
 * zero, parsed from text without any name lookup (a rule must never trigger DNS resolution).
 */
final class AddressPrefix {
  private static final byte[] MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff,
      (byte) 0xff};

  private final byte[] network;
  private final int length;

  private AddressPrefix(byte[] address, int length) {
    this.network = mask(address, length);
    this.length = length;
  }

  /** The address bytes with every bit beyond {@code length} cleared, as BIND masks them. */
  static byte[] mask(byte[] address, int length) {
    byte[] out = address.clone();
    for (int bit = length; bit < out.length * 8; bit++) {
      out[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
    }
    return out;
  }

  /**
   * Parses {@code a.b.c.d}, {@code a.b.c.d/len}, an IPv6 literal, or {@code literal/len}. A bare
   * address is a host prefix (/32 or /128). An IPv6 prefix inside {@code ::ffff:0:0/96} becomes
   * the equivalent IPv4 prefix, because clients with IPv4-mapped addresses are matched as IPv4.
   *
   * @param text the prefix text, trimmed
   * @param rule the whole rule, for messages
   * @throws IllegalArgumentException naming the rule if the text is not a prefix
   */
  static AddressPrefix parse(String text, String rule) {
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = addr.indexOf(':') >= 0 ? parseIpv6(addr, rule) : parseIpv4(addr, rule);
    int max = bytes.length * 8;
    int len = max;
    if (slash >= 0) {
      String digits = text.substring(slash + 1);
      if (digits.isEmpty()) {
        throw new IllegalArgumentException("missing prefix length in '" + rule + "'");
      }
      if (digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException(
            "bad prefix length '" + digits + "' in '" + rule + "'");
      }
      len = Integer.parseInt(digits);
      if (len > max) {
        throw new IllegalArgumentException("bad prefix length " + len + " in '" + rule + "'");
      }
    }
    if (bytes.length == 16 && len >= 96 && isMapped(bytes)) {
      return new AddressPrefix(Arrays.copyOfRange(bytes, 12, 16), len - 96);
    }
    return new AddressPrefix(bytes, len);
  }

  /** Strict dotted quad: four decimal octets 0..255 without leading zeros (no octal guesses). */
  static byte[] parseIpv4(String s, String rule) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("bad IPv4 address '" + s + "' in '" + rule + "'");
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      boolean digits = !p.isEmpty() && p.length() <= 3
          && p.chars().allMatch(c -> c >= '0' && c <= '9');
      int v = digits ? Integer.parseInt(p) : -1;
      if (!digits || v > 255 || (p.length() > 1 && p.charAt(0) == '0')) {
        throw new IllegalArgumentException("bad IPv4 address '" + s + "' in '" + rule + "'");
      }
      out[i] = (byte) v;
    }
    return out;
  }

  /**
   * RFC 4291 section 2.2 text: up to eight groups of 1..4 hex digits, at most one {@code ::},
   * optionally ending in a dotted quad. Zone ids ({@code %eth0}) are rejected.
   */
  static byte[] parseIpv6(String s, String rule) {
    IllegalArgumentException bad =
        new IllegalArgumentException("bad IPv6 address '" + s + "' in '" + rule + "'");
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
      throw bad;
    }
    String head = dbl < 0 ? s : s.substring(0, dbl);
    String tail = dbl < 0 ? "" : s.substring(dbl + 2);
    int[] h = groups(head, dbl < 0, bad);
    int[] t = groups(tail, true, bad);
    int used = h.length + t.length;
    if (dbl < 0 ? used != 8 : used > 7) {
      throw bad;
    }
    byte[] out = new byte[16];
    for (int i = 0; i < h.length; i++) {
      out[2 * i] = (byte) (h[i] >>> 8);
      out[2 * i + 1] = (byte) h[i];
    }
    for (int i = 0; i < t.length; i++) {
      int g = 8 - t.length + i;
      out[2 * g] = (byte) (t[i] >>> 8);
      out[2 * g + 1] = (byte) t[i];
    }
    return out;
  }

  /** 16-bit groups of one side of {@code ::}; a dotted quad may end the last side. */
  private static int[] groups(String side, boolean last, IllegalArgumentException bad) {
    if (side.isEmpty()) {
      return new int[0];
    }
    String[] parts = side.split(":", -1);
    int n = parts.length;
    boolean quad = last && parts[n - 1].indexOf('.') >= 0;
    int[] out = new int[quad ? n + 1 : n];
    for (int i = 0; i < n; i++) {
      String p = parts[i];
      if (quad && i == n - 1) {
        byte[] v4;
        try {
          v4 = parseIpv4(p, "");
        } catch (IllegalArgumentException e) {
          throw bad;
        }
        out[n - 1] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        out[n] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        continue;
      }
      if (p.isEmpty() || p.length() > 4) {
        throw bad;
      }
      int v = 0;
      for (int k = 0; k < p.length(); k++) {
        int d = Character.digit(p.charAt(k), 16);
        if (d < 0 || p.charAt(k) > 'f') { // Character.digit also accepts non-ASCII digits
          throw bad;
        }
        v = (v << 4) | d;
      }
      out[i] = v;
    }
    return out;
  }

  static boolean isMapped(byte[] a) {
    return a.length == 16 && Arrays.equals(a, 0, 12, MAPPED_PREFIX, 0, 12);
  }

  /**
   * The bytes a client is matched with: an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d},
   * possible on a dual-stack socket) is its IPv4 address, so IPv4 rules apply to it.
   */
  static byte[] clientBytes(InetAddress client) {
    byte[] a = client.getAddress();
    return isMapped(a) ? Arrays.copyOfRange(a, 12, 16) : a;
  }

  /** The client as a plain address without host name or scope, IPv4-mapped folded to IPv4. */
  static InetAddress canonical(InetAddress client) {
    try {
      return InetAddress.getByAddress(clientBytes(client));
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes always form an address", e);
    }
  }

  /** True if {@code address} (4 or 16 bytes, already folded) lies in this prefix. */
  boolean matches(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = length >>> 3;
    if (!Arrays.equals(address, 0, full, network, 0, full)) {
      return false;
    }
    int rest = length & 7;
    if (rest == 0) {
      return true;
    }
    int m = (0xff00 >>> rest) & 0xff;
    return (address[full] & m) == (network[full] & 0xff);
  }

  @Override
  public String toString() {
    try {
      String host = network.length == 16
          ? Inet6Address.getByAddress(null, network, -1).getHostAddress()
          : InetAddress.getByAddress(network).getHostAddress();
      return String.format(Locale.ROOT, "%s/%d", host, length);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
