// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import java.util.Locale;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * The HMAC algorithms of RFC 8945 section 6 (and RFC 4635).
 *
 * @since 0.1
 */
public enum TsigAlgorithm {
  /** HMAC-MD5, RFC 8945: implementation optional, kept for old peers. */
  HMAC_MD5("hmac-md5", "hmac-md5.sig-alg.reg.int.", 16),
  /** HMAC-SHA1. */
  HMAC_SHA1("hmac-sha1", "hmac-sha1.", 20),
  /** HMAC-SHA224. */
  HMAC_SHA224("hmac-sha224", "hmac-sha224.", 28),
  /** HMAC-SHA256, the mandatory algorithm and the default. */
  HMAC_SHA256("hmac-sha256", "hmac-sha256.", 32),
  /** HMAC-SHA384. */
  HMAC_SHA384("hmac-sha384", "hmac-sha384.", 48),
  /** HMAC-SHA512. */
  HMAC_SHA512("hmac-sha512", "hmac-sha512.", 64);

  private final String keyword;
  private final Name algorithmName;
  private final int macLength;

  TsigAlgorithm(String keyword, String algorithmName, int macLength) {
    this.keyword = keyword;
    this.algorithmName = Name.fromConstantString(algorithmName);
    this.macLength = macLength;
  }

  /** Returns the keyword used in BIND and Knot configuration, e.g. {@code hmac-sha256}. */
  public String keyword() {
    return keyword;
  }

  /** Returns the algorithm name carried in the TSIG record, e.g. {@code hmac-sha256.}. */
  public Name algorithmName() {
    return algorithmName;
  }

  /** Returns the length in bytes of the untruncated MAC (the hash output size). */
  public int macLength() {
    return macLength;
  }

  /**
   * Finds the algorithm for a configuration keyword such as {@code hmac-sha256}, or a name as
   * carried on the wire; case-insensitive.
   *
   * @param keyword the keyword or algorithm name
   * @return the algorithm, or empty if unknown
   */
  public static Optional<TsigAlgorithm> fromKeyword(String keyword) {
    String k = keyword.toLowerCase(Locale.ROOT);
    if (k.endsWith(".")) {
      k = k.substring(0, k.length() - 1);
    }
    for (TsigAlgorithm a : values()) {
      if (a.keyword.equals(k) || a.algorithmName.toString(true).equalsIgnoreCase(k)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /**
   * Finds the algorithm named by a TSIG record's algorithm field.
   *
   * @param name the algorithm name
   * @return the algorithm, or empty if unknown
   */
  public static Optional<TsigAlgorithm> fromName(Name name) {
    for (TsigAlgorithm a : values()) {
      if (a.algorithmName.equals(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
