// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;

/** Turns the text fields of a key statement into a {@link TsigKey}; shared by both formats. */
final class KeyText {
  /** BIND's truncated form, e.g. hmac-sha256-128 (RFC 8945 section 5.2.2.1). */
  private static final Pattern TRUNCATED = Pattern.compile("(hmac-[a-z0-9]+)-([0-9]{1,4})");
  /** Tokens that may be echoed: algorithm-like, so never a standard base64 secret (no '-'). */
  private static final Pattern SHOWABLE = Pattern.compile("[A-Za-z0-9.]*-[A-Za-z0-9.-]*");

  private KeyText() {}

  static Name name(String text, int line) throws TsigKeyFormatException {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new TsigKeyFormatException(line, "invalid key name \"" + text + "\": "
          + e.getMessage());
    }
  }

  static String showable(String token) {
    return token.length() <= 40 && SHOWABLE.matcher(token).matches() ? "\"" + token + "\""
        : "(not shown)";
  }

  /**
   * Builds the key.
   *
   * @param algorithm the algorithm keyword, possibly with a BIND truncation suffix in bits
   * @param algorithmLine where the algorithm is, for errors about it
   * @param secret the secret in base64
   * @param line where the secret is, for errors about it
   */
  static TsigKey key(Name name, String algorithm, int algorithmLine, String secret, int line)
      throws TsigKeyFormatException {
    String alg = algorithm.toLowerCase(Locale.ROOT);
    Optional<TsigAlgorithm> a = TsigAlgorithm.fromKeyword(alg);
    int bits = 0;
    if (a.isEmpty()) {
      Matcher m = TRUNCATED.matcher(alg);
      if (m.matches()) {
        a = TsigAlgorithm.fromKeyword(m.group(1));
        bits = Integer.parseInt(m.group(2));
      }
    }
    if (a.isEmpty()) {
      throw new TsigKeyFormatException(algorithmLine, "key " + name + ": unknown algorithm "
          + showable(algorithm));
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(secret.replaceAll("\\s+", ""));
    } catch (IllegalArgumentException e) {
      throw new TsigKeyFormatException(line, "key " + name + ": secret is not valid base64");
    }
    if (bytes.length == 0) {
      throw new TsigKeyFormatException(line, "key " + name + ": secret is empty");
    }
    TsigKey key = TsigKey.of(name, a.get(), bytes);
    java.util.Arrays.fill(bytes, (byte) 0);
    if (bits == 0) {
      return key;
    }
    int full = a.get().macLength() * 8;
    int floor = Math.max(80, full / 2);
    if (bits % 8 != 0 || bits < floor || bits > full) {
      throw new TsigKeyFormatException(algorithmLine, "key " + name + ": truncation to " + bits
          + " bits is not allowed for " + a.get().keyword() + " (" + floor + ".." + full
          + ", a multiple of 8)");
    }
    return key.withMinimumMacLength(bits / 8);
  }

  /** Returns the keyword for a key, with BIND's truncation suffix if it accepts short MACs. */
  static String keyword(TsigKey key) {
    TsigAlgorithm a = key.algorithm();
    return key.minimumMacLength() == a.macLength() ? a.keyword()
        : a.keyword() + "-" + key.minimumMacLength() * 8;
  }
}
