// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.zonesync.cli.ConfigException.quote;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.TsigKey;
import org.zonesync.cli.YamlTree.YNode;
import org.zonesync.core.ZoneServing;

/**
 * The {@code serve:} blocks of a mirror configuration ({@link ConfigParser}): how zones are served
 * onward, as a stealth secondary. A block at the top gives every zone's defaults; a block in a
 * zone overrides them key by key:
 *
 * <pre>{@code
 * serve:
 *   allow: [ "key:xfr-key.", 192.0.2.0/24, "!10.0.0.1" ]  # allow-transfer; deny by default
 *   notify: [ 192.0.2.53, "[2001:db8::53]:5353" ]         # also-notify; port 53 by default
 *   notify-key: xfr-key.                                  # sign NOTIFYs; unsigned without
 *   max-ixfr-ratio: 100                                   # percent 1..10000, or unlimited
 * }</pre>
 *
 * <p>Keys named by {@code key:NAME} rules and {@code notify-key} must be defined under {@code
 * keys}; every key defined there may sign downstream requests. Immutable once parsed.
 */
final class ConfigServe {

  static final Set<String> KEYS = Set.of("allow", "notify", "notify-key", "max-ixfr-ratio");

  /** A parsed block: each key present or not, and the block's line. */
  record Block(Optional<List<String>> allow, Optional<List<InetSocketAddress>> targets,
      Optional<TsigKey> notifyKey, Optional<Integer> ratio, int line) {

    /** This block's keys, the ones it lacks taken from {@code defaults}. */
    Block over(Block defaults) {
      return new Block(allow.or(defaults::allow), targets.or(defaults::targets),
          notifyKey.or(defaults::notifyKey), ratio.or(defaults::ratio), line);
    }
  }

  private final String file;
  private final ConfigValues v;
  private final Map<Name, TsigKey> keys;

  ConfigServe(String file, ConfigValues v, Map<Name, TsigKey> keys) {
    this.file = file;
    this.v = v;
    this.keys = keys;
  }

  /**
   * Parses one block.
   *
   * @param n the block
   * @param at its key path, e.g. {@code serve} or {@code zones[2].serve}
   * @return the block
   * @throws ConfigException if a key or value is wrong
   */
  Block parse(YNode n, String at) throws ConfigException {
    Map<String, YNode> f = v.fields(n, at, KEYS);
    Optional<List<String>> allow = Optional.empty();
    YNode a = f.get("allow");
    if (a != null) {
      List<String> rules = new ArrayList<>();
      List<YNode> items = v.list(a, at + ".allow");
      for (int i = 0; i < items.size(); i++) {
        String where = a instanceof YamlTree.Sequence ? at + ".allow[" + i + "]" : at + ".allow";
        rules.add(rule(items.get(i), where));
      }
      allow = Optional.of(List.copyOf(rules));
    }
    Optional<List<InetSocketAddress>> notify = Optional.empty();
    YNode t = f.get("notify");
    if (t != null) {
      List<InetSocketAddress> targets = new ArrayList<>();
      List<YNode> items = v.list(t, at + ".notify");
      for (int i = 0; i < items.size(); i++) {
        String where = t instanceof YamlTree.Sequence ? at + ".notify[" + i + "]"
            : at + ".notify";
        InetSocketAddress addr = v.address(items.get(i), where);
        if (targets.contains(addr)) {
          throw new ConfigException(file, items.get(i).line(), where, "notify target "
              + Primary.format(addr) + " is listed twice");
        }
        targets.add(addr);
      }
      notify = Optional.of(List.copyOf(targets));
    }
    Optional<TsigKey> notifyKey = Optional.empty();
    YNode k = f.get("notify-key");
    if (k != null) {
      notifyKey = Optional.of(key(v.name(k, at + ".notify-key"), k, at + ".notify-key"));
    }
    Optional<Integer> ratio = Optional.empty();
    YNode r = f.get("max-ixfr-ratio");
    if (r != null) {
      String text = v.text(r, at + ".max-ixfr-ratio");
      ratio = Optional.of(ServingOptions.ratio(text).orElseThrow(() -> new ConfigException(
          file, r.line(), at + ".max-ixfr-ratio", "expected 'unlimited' or a percentage"
              + " 1..10000, got " + quote(text))));
    }
    return new Block(allow, notify, notifyKey, ratio, n.line());
  }

  private String rule(YNode n, String at) throws ConfigException {
    String rule = v.text(n, at);
    try {
      ZoneServing.builder().allowTransfer(rule);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(file, n.line(), at, String.valueOf(e.getMessage()));
    }
    Optional<Name> keyName = ServingOptions.keyRule(rule);
    if (keyName.isPresent()) {
      key(keyName.get(), n, at);
    }
    return rule;
  }

  private TsigKey key(Name name, YNode n, String at) throws ConfigException {
    TsigKey k = keys.get(name);
    if (k == null) {
      throw new ConfigException(file, n.line(), at, "unknown key " + name
          + "; keys are defined under 'keys'");
    }
    return k;
  }

  /**
   * Returns how a zone is served: its block over the top-level one.
   *
   * @param zone the zone's block, if any
   * @param top the top-level block, if any
   * @return the serving configuration, or empty when neither block exists
   */
  static Optional<ZoneServing> serving(@Nullable Block zone, @Nullable Block top) {
    Block b = zone != null && top != null ? zone.over(top) : zone != null ? zone : top;
    if (b == null) {
      return Optional.empty();
    }
    ZoneServing.Builder s = ZoneServing.builder();
    b.allow().ifPresent(rules -> s.allowTransfer(rules.toArray(String[]::new)));
    for (InetSocketAddress a : b.targets().orElse(List.of())) {
      if (b.notifyKey().isPresent()) {
        s.alsoNotify(a, b.notifyKey().get());
      } else {
        s.alsoNotify(a);
      }
    }
    b.ratio().ifPresent(s::maxIxfrRatio);
    return Optional.of(s.build());
  }
}
