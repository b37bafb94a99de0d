// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.zonesync.cli.ConfigException.quote;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IP address literals with an optional port, as configuration files write them: {@code
 * 192.0.2.1}, {@code 192.0.2.1@5300} (Knot), {@code 192.0.2.1:5300}, {@code 2001:db8::1},
 * {@code 2001:db8::1@5300}, {@code [2001:db8::1]:5300}. Never a host name: nothing here sends a
 * DNS query. Stateless.
 */
final class Addresses {

  private static final Pattern IPV4 = Pattern.compile(
      "(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final int MAX_LENGTH = 64;

  private Addresses() {
  }

  /**
   * Parses an address literal with an optional port.
   *
   * @param text the text
   * @param defaultPort the port when none is written
   * @return the resolved socket address
   * @throws IllegalArgumentException if it is not an IP literal or the port is not 1..65535
   */
  static InetSocketAddress parse(String text, int defaultPort) {
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("address longer than " + MAX_LENGTH + " characters");
    }
    String host = text;
    int port = defaultPort;
    int at = text.indexOf('@');
    if (at >= 0) {
      host = text.substring(0, at);
      port = port(text.substring(at + 1));
    } else if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(quote(text) + " has no closing ']'");
      }
      host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (rest.startsWith(":")) {
        port = port(rest.substring(1));
      } else if (!rest.isEmpty()) {
        throw new IllegalArgumentException(quote(text) + " has text after ']'");
      }
    } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      port = port(text.substring(text.indexOf(':') + 1));
    }
    return new InetSocketAddress(literal(host), port);
  }

  private static InetAddress literal(String host) {
    Matcher m = IPV4.matcher(host);
    if (m.matches()) {
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        int v = Integer.parseInt(m.group(i + 1));
        if (v > 255) {
          throw new IllegalArgumentException(quote(host) + " is not an IPv4 address");
        }
        b[i] = (byte) v;
      }
      return byAddress(host, b);
    }
    // Only text with a colon and hex digits reaches InetAddress: it parses such text as an
    // IPv6 literal and never looks it up.
    if (IPV6.matcher(host).matches() && host.indexOf(':') >= 0) {
      try {
        return InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(quote(host) + " is not an IPv6 address");
      }
    }
    throw new IllegalArgumentException(quote(host) + " is not an IP address");
  }

  private static InetAddress byAddress(String host, byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(quote(host) + " is not an IP address", e);
    }
  }

  private static int port(String s) {
    if (s.matches("\\d{1,5}")) {
      int p = Integer.parseInt(s);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    }
    throw new IllegalArgumentException("port must be 1..65535, got " + quote(s));
  }
}
