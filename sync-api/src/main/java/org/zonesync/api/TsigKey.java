// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.util.Base64;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * A shared TSIG secret (RFC 8945): key name, HMAC algorithm and secret bytes, plus the policy for
 * truncated MACs.
 *
 * <p>Not a record, because it holds a secret: the constructor and {@link #secret()} copy the
 * bytes, {@link #toString()} shows only the algorithm and name, and {@link #equals} compares the
 * secrets in constant time. Instances are immutable and thread-safe.
 *
 * @since 0.1
 */
public final class TsigKey {

  private final Name name;
  private final TsigAlgorithm algorithm;
  private final byte[] secret;
  private final int minimumMacLength;

  private TsigKey(Name name, TsigAlgorithm algorithm, byte[] secret, int minimumMacLength) {
    this.name = requireNonNull(name, "name");
    this.algorithm = requireNonNull(algorithm, "algorithm");
    requireNonNull(secret, "secret");
    if (!name.isAbsolute()) {
      throw new IllegalArgumentException("key name must be absolute: " + name);
    }
    if (secret.length == 0) {
      throw new IllegalArgumentException("key " + name + " has an empty secret");
    }
    int floor = Math.max(10, algorithm.macLength() / 2);
    if (minimumMacLength < floor || minimumMacLength > algorithm.macLength()) {
      throw new IllegalArgumentException("minimum MAC length for " + algorithm.keyword()
          + " must be " + floor + ".." + algorithm.macLength() + " bytes (RFC 8945 5.2.2.1): "
          + minimumMacLength);
    }
    this.secret = secret.clone();
    this.minimumMacLength = minimumMacLength;
  }

  /**
   * Creates a key that accepts only full-length MACs.
   *
   * @param name the key name (absolute)
   * @param algorithm the HMAC algorithm
   * @param secret the secret bytes, copied
   * @return the key
   * @throws IllegalArgumentException if the name is relative or the secret empty
   */
  public static TsigKey of(Name name, TsigAlgorithm algorithm, byte[] secret) {
    return new TsigKey(name, algorithm, secret, algorithm.macLength());
  }

  /**
   * Returns a copy of this key that also accepts MACs truncated to {@code bytes} (RFC 8945
   * section 5.2.2.1; BIND's {@code hmac-sha256-128} style). Untruncated MACs remain accepted.
   *
   * @param bytes the shortest MAC accepted: at least max(10, half the hash size)
   * @return the new key
   * @throws IllegalArgumentException if {@code bytes} is out of the allowed range
   */
  public TsigKey withMinimumMacLength(int bytes) {
    return new TsigKey(name, algorithm, secret, bytes);
  }

  /**
   * Parses {@code algorithm:name:base64secret} (the form dig {@code -y} takes); the algorithm
   * part may be omitted ({@code name:secret}, meaning hmac-sha256).
   *
   * @param spec the key in text form
   * @return the key
   * @throws IllegalArgumentException if the form, algorithm, name or base64 is invalid; the
   *     message never contains the secret
   */
  public static TsigKey parse(String spec) {
    requireNonNull(spec, "spec");
    String[] parts = spec.trim().split(":", -1);
    String alg;
    String keyName;
    String b64;
    if (parts.length == 3) {
      alg = parts[0];
      keyName = parts[1];
      b64 = parts[2];
    } else if (parts.length == 2) {
      alg = TsigAlgorithm.HMAC_SHA256.keyword();
      keyName = parts[0];
      b64 = parts[1];
    } else {
      throw new IllegalArgumentException("TSIG key must be algorithm:name:secret");
    }
    TsigAlgorithm algorithm = TsigAlgorithm.fromKeyword(alg)
        .orElseThrow(() -> new IllegalArgumentException("unknown TSIG algorithm: " + alg));
    Name n;
    try {
      n = Name.fromString(keyName, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("invalid TSIG key name: " + keyName, e);
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(b64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("TSIG key " + n + ": secret is not valid base64");
    }
    return of(n, algorithm, bytes);
  }

  /** Returns the key name, absolute. */
  public Name name() {
    return name;
  }

  /** Returns the HMAC algorithm. */
  public TsigAlgorithm algorithm() {
    return algorithm;
  }

  /** Returns a copy of the secret bytes. */
  public byte[] secret() {
    return secret.clone();
  }

  /** Returns the shortest MAC, in bytes, that this key accepts. */
  public int minimumMacLength() {
    return minimumMacLength;
  }

  /** Returns the secret in base64, as key files hold it. Never log the result. */
  public String secretBase64() {
    return Base64.getEncoder().encodeToString(secret);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TsigKey k && name.equals(k.name) && algorithm == k.algorithm
        && minimumMacLength == k.minimumMacLength && MessageDigest.isEqual(secret, k.secret);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + algorithm.hashCode();
  }

  /** Returns the algorithm and name only, never the secret. */
  @Override
  public String toString() {
    return "TsigKey[" + algorithm.keyword() + ":" + name + "]";
  }

}
