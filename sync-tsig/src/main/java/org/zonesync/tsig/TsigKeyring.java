// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.zonesync.api.TsigKey;

/**
 * An immutable set of TSIG keys, at most one per key name (names compare case-insensitively).
 * One algorithm per name avoids cross-algorithm confusion (RFC 8945 section 5.5 note). Thread-safe.
 *
 * @since 0.1
 */
public final class TsigKeyring {
  private final List<TsigKey> keys;
  /** Keys by canonical wire name, read as ISO-8859-1 so byte equality is string equality. */
  private final Map<String, TsigKey> byName;

  private TsigKeyring(List<TsigKey> keys) {
    this.keys = keys;
    Map<String, TsigKey> m = new HashMap<>();
    for (TsigKey k : keys) {
      if (m.put(canonical(k.name().toWireCanonical()), k) != null) {
        throw new IllegalArgumentException("duplicate TSIG key name " + k.name());
      }
    }
    this.byName = m;
  }

  /**
   * Creates a keyring.
   *
   * @param keys the keys
   * @return the keyring
   * @throws IllegalArgumentException if two keys have the same name
   */
  public static TsigKeyring of(TsigKey... keys) {
    return new TsigKeyring(List.of(keys));
  }

  /**
   * Creates a keyring.
   *
   * @param keys the keys, in the order {@link #keys()} returns them
   * @return the keyring
   * @throws IllegalArgumentException if two keys have the same name
   */
  public static TsigKeyring of(Collection<TsigKey> keys) {
    return new TsigKeyring(List.copyOf(keys));
  }

  /**
   * Finds a key by name, case-insensitively.
   *
   * @param keyName the key name
   * @return the key, or empty
   */
  public Optional<TsigKey> find(Name keyName) {
    requireNonNull(keyName, "keyName");
    return Optional.ofNullable(byName.get(canonical(keyName.toWireCanonical())));
  }

  /** Finds a key by its canonical wire name, as read from a TSIG RR. */
  Optional<TsigKey> findCanonical(byte[] canonicalName) {
    return Optional.ofNullable(byName.get(canonical(canonicalName)));
  }

  /**
   * Returns the keys.
   *
   * @return the keys in the order given, unmodifiable
   */
  public List<TsigKey> keys() {
    return keys;
  }

  private static String canonical(byte[] wire) {
    return new String(wire, StandardCharsets.ISO_8859_1);
  }

  /** Returns the key names only, never secrets. */
  @Override
  public String toString() {
    return "TsigKeyring" + keys;
  }
}
