// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;

/**
 * TSIG key files: BIND key statements as {@code tsig-keygen} and {@code ddns-confgen} print
 * them, and the {@code key:} section of Knot's YAML configuration as {@code keymgr -t} prints it;
 * plus writing BIND statements and generating keys. Stateless and thread-safe.
 *
 * @since 0.1
 */
public final class TsigKeyFiles {
  private TsigKeyFiles() {}

  /**
   * Parses key text. BIND form: one or more {@code key "name" { algorithm hmac-sha256; secret
   * "base64"; };} statements, with #, // and C-style comments, any whitespace and a quoted or
   * unquoted name; other statements are skipped. BIND's truncated algorithms such as {@code
   * hmac-sha256-128} give a key that accepts MACs of that many bits ({@link
   * TsigKey#withMinimumMacLength}). Knot form, chosen when the text has a top-level {@code key:}
   * line: a list of items with {@code id}, {@code algorithm} and {@code secret}.
   *
   * @param text the file contents
   * @return the keys, in file order; never empty
   * @throws TsigKeyFormatException if the syntax is wrong, an algorithm is unknown, a secret is
   *     not base64, a key name repeats or there is no key; the message has the line number and
   *     never the secret
   */
  public static List<TsigKey> parse(String text) throws TsigKeyFormatException {
    requireNonNull(text, "text");
    List<TsigKey> keys = KnotKeyParser.looksLikeKnot(text) ? KnotKeyParser.parse(text)
        : BindKeyParser.parse(text);
    if (keys.isEmpty()) {
      throw new TsigKeyFormatException(0, "no key found");
    }
    Set<Name> seen = new HashSet<>();
    for (TsigKey k : keys) {
      if (!seen.add(k.name())) {
        throw new TsigKeyFormatException(0, "key " + k.name() + " is defined twice");
      }
    }
    return List.copyOf(keys);
  }

  /**
   * Reads and parses a key file (UTF-8).
   *
   * @param file the file
   * @return the keys, in file order; never empty
   * @throws IOException if the file cannot be read
   * @throws TsigKeyFormatException as {@link #parse}, the message prefixed with the file name
   */
  public static List<TsigKey> read(Path file) throws IOException, TsigKeyFormatException {
    String text = Files.readString(file);
    try {
      return parse(text);
    } catch (TsigKeyFormatException e) {
      throw new TsigKeyFormatException(file + ": ", e);
    }
  }

  /**
   * Returns the BIND key statement for a key, exactly as tsig-keygen prints it:
   * {@code key "name" {\n\talgorithm hmac-sha256;\n\tsecret "...";\n};\n}, the name without its
   * trailing dot. A key that accepts truncated MACs gets BIND's {@code hmac-sha256-128} form.
   * The result holds the secret: never log it.
   *
   * @param key the key
   * @return the statement
   */
  public static String toBindStatement(TsigKey key) {
    return "key \"" + key.name().toString(true) + "\" {\n\talgorithm " + KeyText.keyword(key)
        + ";\n\tsecret \"" + key.secretBase64() + "\";\n};\n";
  }

  /**
   * Generates a random key whose secret is as long as the algorithm's hash output, as
   * tsig-keygen does.
   *
   * @param name the key name (absolute)
   * @param algorithm the algorithm
   * @param random the source of the secret
   * @return the key
   * @throws IllegalArgumentException if the name is relative
   */
  public static TsigKey generate(Name name, TsigAlgorithm algorithm, SecureRandom random) {
    byte[] secret = new byte[algorithm.macLength()];
    random.nextBytes(secret);
    try {
      return TsigKey.of(name, algorithm, secret);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }
}
