// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.zonesync.api.TsigKey;
import org.zonesync.core.ZoneServing;
import org.zonesync.tsig.TsigKeyFiles;
import org.zonesync.tsig.TsigKeyFormatException;
import picocli.CommandLine.Option;

/**
 * The options that say how zones are served onward, shared by {@code zonesync serve} and {@code
 * zonesync mirror --serve} (a picocli mixin): the allow-transfer rules, the also-notify targets,
 * the key NOTIFYs are signed with, BIND's {@code max-ixfr-ratio} and {@code transfers-out}. Each
 * command gives the keys itself. Every problem is an {@link IllegalArgumentException} whose
 * message names the option; the commands print it and exit with status 2.
 */
final class ServingOptions {

  @Option(names = "--allow", paramLabel = "RULE",
      description = {"who may transfer the zone (and query its SOA): an address or prefix"
          + " (127.0.0.1, 192.0.2.0/24, 2001:db8::/32), key:NAME (a request signed with that"
          + " key), either negated with '!'; first match wins; repeat for several.",
          "Without any --allow nobody may transfer (deny by default)."})
  List<String> allow = new ArrayList<>();

  @Option(names = "--notify", paramLabel = "HOST:PORT",
      description = "send NOTIFY here after each new version (also-notify); IPv6 as"
          + " [addr]:port; port 53 by default; repeat for several")
  List<String> notify = new ArrayList<>();

  @Option(names = "--notify-key", paramLabel = "NAME",
      description = "sign NOTIFYs with this key (one of the transfer keys); unsigned without")
  @Nullable String notifyKey;

  @Option(names = "--max-ixfr-ratio", paramLabel = "PERCENT",
      description = "send an IXFR larger than this share of the zone as the whole zone;"
          + " 'unlimited' or 1..10000 (default 100)")
  @Nullable String maxIxfrRatio;

  @Option(names = "--transfers-out", paramLabel = "N",
      description = "transfers out at once (default 10; at most 2 per client)")
  @Nullable Integer transfersOut;

  /** Returns whether any of these options was given. */
  boolean given() {
    return !allow.isEmpty() || !notify.isEmpty() || notifyKey != null || maxIxfrRatio != null
        || transfersOut != null;
  }

  /**
   * Builds the serving configuration these options describe.
   *
   * @param keys the transfer keys given to the command, which {@code key:NAME} rules and {@code
   *     --notify-key} must name
   * @return the configuration
   * @throws IllegalArgumentException naming the option, if one is wrong
   */
  ZoneServing serving(List<TsigKey> keys) {
    ZoneServing.Builder b = ZoneServing.builder();
    for (String rule : allow) {
      try {
        b.allowTransfer(rule);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--allow " + ConfigException.quote(rule) + ": "
            + e.getMessage(), e);
      }
      keyRule(rule).ifPresent(n -> {
        if (find(keys, n).isEmpty()) {
          throw new IllegalArgumentException("--allow " + ConfigException.quote(rule)
              + ": no transfer key named " + n + " was given");
        }
      });
    }
    Optional<TsigKey> signWith = Optional.empty();
    if (notifyKey != null) {
      Name n = keyName(notifyKey, "--notify-key");
      signWith = find(keys, n);
      if (signWith.isEmpty()) {
        throw new IllegalArgumentException("--notify-key: no transfer key named " + n
            + " was given");
      }
    }
    for (String target : notify) {
      InetSocketAddress a;
      try {
        a = Addresses.parse(target, 53);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--notify: " + e.getMessage(), e);
      }
      if (signWith.isPresent()) {
        b.alsoNotify(a, signWith.get());
      } else {
        b.alsoNotify(a);
      }
    }
    if (maxIxfrRatio != null) {
      b.maxIxfrRatio(ratio(maxIxfrRatio).orElseThrow(() -> new IllegalArgumentException(
          "--max-ixfr-ratio: expected 'unlimited' or a percentage 1..10000, got "
              + ConfigException.quote(maxIxfrRatio))));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--notify: " + e.getMessage(), e);
    }
  }

  /**
   * Returns the transfers-out quota in total; from one client it is at most 2 (BIND's default).
   *
   * @return 1..10000, default 10
   * @throws IllegalArgumentException if out of range
   */
  int transfersOutTotal() {
    int total = transfersOut == null ? 10 : transfersOut;
    if (total < 1 || total > 10_000) {
      throw new IllegalArgumentException("--transfers-out: expected 1..10000, got " + total);
    }
    return total;
  }

  /**
   * Reads {@code max-ixfr-ratio}: {@code unlimited} (0) or a percentage 1..10000.
   *
   * @param text the value
   * @return the percentage, 0 for unlimited, or empty if it is not one
   */
  static Optional<Integer> ratio(String text) {
    if (text.toLowerCase(Locale.ROOT).equals("unlimited")) {
      return Optional.of(0);
    }
    String t = text.endsWith("%") ? text.substring(0, text.length() - 1) : text;
    if (t.matches("[0-9]{1,5}")) {
      int p = Integer.parseInt(t);
      if (p >= 1 && p <= 10_000) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The key a {@code key:NAME} rule names, if it is one (and parses). */
  static Optional<Name> keyRule(String rule) {
    String body = rule.strip();
    if (body.startsWith("!")) {
      body = body.substring(1).strip();
    }
    if (!body.regionMatches(true, 0, "key:", 0, 4)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Name.fromString(body.substring(4).strip(), Name.root));
    } catch (TextParseException e) {
      return Optional.empty();
    }
  }

  static Optional<TsigKey> find(List<TsigKey> keys, Name name) {
    for (TsigKey k : keys) {
      if (k.name().equals(name)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  private static Name keyName(String text, String option) {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(option + ": invalid key name "
          + ConfigException.quote(text));
    }
  }

  /**
   * Reads transfer keys: every key of each BIND or Knot key file, then each inline
   * {@code ALG:NAME:SECRET}. Messages never contain a secret.
   *
   * @param files the key files
   * @param fileOption the option the files came with, for messages
   * @param inline the inline keys
   * @return the keys, in order
   * @throws IllegalArgumentException if a file cannot be read or parsed, holds no key, or two
   *     keys share a name
   */
  static List<TsigKey> readKeys(List<Path> files, String fileOption, List<String> inline) {
    Map<Name, TsigKey> out = new LinkedHashMap<>();
    for (Path f : files) {
      List<TsigKey> ks;
      try {
        ks = TsigKeyFiles.read(f);
      } catch (IOException e) {
        throw new IllegalArgumentException(fileOption + " " + f + ": cannot read: "
            + e.getMessage(), e);
      } catch (TsigKeyFormatException e) {
        throw new IllegalArgumentException(fileOption + " " + f + ": " + e.getMessage(), e);
      }
      if (ks.isEmpty()) {
        throw new IllegalArgumentException(fileOption + " " + f + ": no key found");
      }
      for (TsigKey k : ks) {
        add(out, k, fileOption + " " + f);
      }
    }
    for (String t : inline) {
      TsigKey k;
      try {
        k = TsigKey.parse(t);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--tsig: " + e.getMessage(), e);
      }
      add(out, k, "--tsig");
    }
    return List.copyOf(out.values());
  }

  private static void add(Map<Name, TsigKey> keys, TsigKey k, String where) {
    if (keys.putIfAbsent(k.name(), k) != null) {
      throw new IllegalArgumentException(where + ": key " + k.name() + " is given twice");
    }
  }
}
