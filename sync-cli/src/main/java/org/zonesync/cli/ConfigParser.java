// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.zonesync.cli.ConfigException.quote;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.zonesync.api.Primary;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.cli.YamlTree.Scalar;
import org.zonesync.cli.YamlTree.Sequence;
import org.zonesync.cli.YamlTree.YNode;
import org.zonesync.core.SecondaryZone;
import org.zonesync.core.ZoneServing;
import org.zonesync.tsig.TsigKeyFiles;
import org.zonesync.tsig.TsigKeyFormatException;

/**
 * Reads the YAML configuration of {@code zonesync mirror --config FILE}, in the spirit of Knot's
 * {@code knot.conf}:
 *
 * <pre>{@code
 * storage: /var/lib/zonesync      # optional; memory only without it
 * listen: 127.0.0.1@5300          # optional NOTIFY listener (UDP and TCP); also 127.0.0.1:5300
 * control: /run/zonesync.sock     # optional control socket
 * limits:                         # optional; these are the defaults
 *   transfers-in: 10              # 1..10000 transfers at once
 *   transfers-per-primary: 2      # 1..1000 transfers at once from one address
 *   soa-query-rate: 20            # 1..100000 SOA queries per second
 *   soa-query-timeout: 3          # 1..300 seconds per transport
 *   transfers-out: 10             # 1..10000 transfers served at once (2 per client)
 * keys:
 *   - { name: k1., algorithm: hmac-sha256, secret: base64== }
 *   - { file: keys/transfer.key }            # every key of a BIND or Knot key file
 *   - { name: k2., file: keys/other.key }    # one key of it
 * remotes:
 *   - { id: bind, address: 127.0.0.1@5301, key: k1. }   # address: one or a list; port 53
 *   - { id: knot, address: [ "::1@5302", 192.0.2.7 ] }
 * serve:                          # optional: serve every zone onward (ConfigServe)
 *   allow: [ "key:k1.", 192.0.2.0/24 ]
 *   notify: [ 192.0.2.53@53 ]
 *   notify-key: k1.
 * zones:
 *   - { domain: example.com., primaries: [bind, knot], request-ixfr: true,
 *       ixfr-from-differences: false }
 *   - { domain: example.net., primaries: bind, serve: { allow: [] } }  # overrides key by key
 * }</pre>
 *
 * <p>A zone is served onward when a {@code serve:} block applies to it; its {@code
 * ixfr-from-differences} then defaults to true, and every key under {@code keys} may sign
 * downstream requests (the {@code allow} rules decide which are admitted); {@code listen} (or
 * {@code --listen}) is where it is served. Only {@code zones} is required; each zone needs {@code domain} and {@code primaries} (remote
 * ids, tried in order, each remote's addresses in order). Relative paths are relative to the
 * file's directory. Every problem is a {@link ConfigException} naming the file, the line and the
 * key: unknown keys, references to undefined remotes or keys, duplicate zones, remote ids and
 * key names, bad addresses and ports, bad base64, unsupported algorithms, values out of range.
 * The file is at most {@link #MAX_FILE_BYTES} bytes and holds at most {@link #MAX_ZONES} zones;
 * YAML anchors, aliases, tags and nesting deeper than {@link YamlTree#MAX_DEPTH} are refused.
 * Not thread-safe; use one parser per file.
 */
final class ConfigParser {

  /** The largest configuration file read: 100,000 zones in flow style take about 5 MB. */
  static final int MAX_FILE_BYTES = 8 << 20;
  /** The most zones one file may hold. */
  static final int MAX_ZONES = 100_000;
  /** The most entries under {@code keys}. */
  static final int MAX_KEYS = 1_000;
  /** The most entries under {@code remotes}. */
  static final int MAX_REMOTES = 10_000;
  /** The largest key file read. */
  static final int MAX_KEY_FILE_BYTES = 64 << 10;

  private static final Set<String> TOP = Set.of("storage", "listen", "control", "limits", "keys",
      "remotes", "serve", "zones");
  private static final Set<String> LIMITS = Set.of("transfers-in", "transfers-per-primary",
      "soa-query-rate", "soa-query-timeout", "transfers-out");
  private static final Set<String> KEY = Set.of("name", "algorithm", "secret", "file");
  private static final Set<String> REMOTE = Set.of("id", "address", "key");
  private static final Set<String> ZONE = Set.of("domain", "primaries", "request-ixfr",
      "ixfr-from-differences", "serve");

  private record Remote(String id, List<InetSocketAddress> addresses, Optional<TsigKey> key) {
  }

  private final String file;
  private final Path baseDir;
  private final int maxZones;
  private final ConfigValues v;
  private final Map<Name, TsigKey> keys = new LinkedHashMap<>();
  private final Map<String, Remote> remotes = new HashMap<>();
  private final ConfigServe serve;
  private ConfigServe.@Nullable Block topServe;

  /**
   * Creates a parser for one file.
   *
   * @param file the file's name as the user gave it, for messages
   * @param baseDir what relative paths in the file are relative to
   * @param maxZones the most zones accepted
   */
  ConfigParser(String file, Path baseDir, int maxZones) {
    this.file = file;
    this.baseDir = baseDir;
    this.maxZones = maxZones;
    this.v = new ConfigValues(file, baseDir);
    this.serve = new ConfigServe(file, v, keys);
  }

  /**
   * Reads and parses a configuration file.
   *
   * @param path the file
   * @return the configuration
   * @throws ConfigException if the file cannot be read or is not a valid configuration
   */
  static MirrorConfig read(Path path) throws ConfigException {
    String label = path.toString();
    Path base = path.toAbsolutePath().getParent();
    return new ConfigParser(label, base == null ? Path.of("") : base, MAX_ZONES)
        .parse(ConfigValues.readBounded(path, MAX_FILE_BYTES, label, 0, ""));
  }

  /**
   * Parses the bytes of a configuration file.
   *
   * @param bytes the file's bytes, UTF-8
   * @return the configuration
   * @throws ConfigException if it is not a valid configuration
   */
  MirrorConfig parse(byte[] bytes) throws ConfigException {
    if (bytes.length > MAX_FILE_BYTES) {
      throw new ConfigException(file, 0, "", "file is larger than " + MAX_FILE_BYTES + " bytes");
    }
    String text = ConfigValues.utf8(bytes, file, 0, "");
    YNode root = YamlTree.parse(text, file, MAX_FILE_BYTES).orElseThrow(
        () -> new ConfigException(file, 0, "", "file is empty"));
    Map<String, YNode> top = v.fields(root, "", TOP);
    List<YNode> ks = v.items(top.get("keys"), "keys", MAX_KEYS);
    for (int i = 0; i < ks.size(); i++) {
      key(ks.get(i), "keys[" + i + "]");
    }
    List<YNode> rs = v.items(top.get("remotes"), "remotes", MAX_REMOTES);
    for (int i = 0; i < rs.size(); i++) {
      remote(rs.get(i), "remotes[" + i + "]");
    }
    if (top.containsKey("serve")) {
      topServe = serve.parse(top.get("serve"), "serve");
    }
    YNode zoneList = top.get("zones");
    if (zoneList == null) {
      throw new ConfigException(file, root.line(), "zones", "missing; at least one zone is needed");
    }
    List<YNode> zs = v.items(zoneList, "zones", maxZones);
    if (zs.isEmpty()) {
      throw new ConfigException(file, zoneList.line(), "zones", "no zones");
    }
    List<SecondaryZone> zones = new ArrayList<>(zs.size());
    Map<Name, Integer> seen = new HashMap<>();
    boolean served = false;
    for (int i = 0; i < zs.size(); i++) {
      SecondaryZone z = zone(zs.get(i), "zones[" + i + "]", seen);
      served |= z.serving() != ZoneServing.none();
      zones.add(z);
    }
    return new MirrorConfig(v.optional(top, "storage", v::path),
        v.optional(top, "listen", v::address), v.optional(top, "control", v::path),
        limits(top.get("limits")), zones, served ? List.copyOf(keys.values()) : List.of());
  }

  private MirrorConfig.Limits limits(@Nullable YNode n) throws ConfigException {
    MirrorConfig.Limits d = MirrorConfig.Limits.DEFAULTS;
    if (n == null) {
      return d;
    }
    Map<String, YNode> f = v.fields(n, "limits", LIMITS);
    return new MirrorConfig.Limits(
        v.integer(f.get("transfers-in"), "limits.transfers-in", 1, 10_000, d.transfersIn()),
        v.integer(f.get("transfers-per-primary"), "limits.transfers-per-primary", 1, 1_000,
            d.transfersPerPrimary()),
        v.integer(f.get("soa-query-rate"), "limits.soa-query-rate", 1, 100_000,
            d.soaQueryRate()),
        Duration.ofSeconds(v.integer(f.get("soa-query-timeout"), "limits.soa-query-timeout", 1,
            300, (int) d.soaQueryTimeout().toSeconds())),
        v.integer(f.get("transfers-out"), "limits.transfers-out", 1, 10_000, d.transfersOut()));
  }

  private void key(YNode n, String at) throws ConfigException {
    Map<String, YNode> f = v.fields(n, at, KEY);
    Optional<Name> name = f.containsKey("name")
        ? Optional.of(v.name(f.get("name"), at + ".name")) : Optional.empty();
    List<TsigKey> found;
    if (f.containsKey("file")) {
      if (f.containsKey("secret") || f.containsKey("algorithm")) {
        throw new ConfigException(file, n.line(), at, "give either file, or algorithm and"
            + " secret, not both");
      }
      found = keyFile(f.get("file"), at + ".file", name);
    } else {
      Name keyName = name.orElseThrow(() -> v.missing(n, at, "name"));
      String alg = v.text(v.require(f, "algorithm", n, at), at + ".algorithm");
      TsigAlgorithm algorithm = TsigAlgorithm.fromKeyword(alg).orElseThrow(
          () -> new ConfigException(file, f.get("algorithm").line(), at + ".algorithm",
              "unsupported algorithm " + quote(alg) + "; expected one of "
                  + ConfigValues.algorithms()));
      YNode s = v.require(f, "secret", n, at);
      byte[] secret;
      try {
        secret = Base64.getDecoder().decode(v.text(s, at + ".secret").trim());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(file, s.line(), at + ".secret", "secret is not valid base64");
      }
      if (secret.length == 0) {
        throw new ConfigException(file, s.line(), at + ".secret", "secret is empty");
      }
      found = List.of(TsigKey.of(keyName, algorithm, secret));
    }
    for (TsigKey k : found) {
      if (keys.putIfAbsent(k.name(), k) != null) {
        throw new ConfigException(file, n.line(), at, "key " + k.name() + " is defined twice");
      }
    }
  }

  private List<TsigKey> keyFile(YNode n, String at, Optional<Name> name) throws ConfigException {
    Path p = v.path(n, at);
    String shown = quote(((Scalar) n).value());
    if (!Files.isRegularFile(p)) {
      throw new ConfigException(file, n.line(), at, "key file " + shown
          + " does not exist or is not a regular file");
    }
    List<TsigKey> all;
    try {
      byte[] b = ConfigValues.readBounded(p, MAX_KEY_FILE_BYTES, file, n.line(), at);
      all = TsigKeyFiles.parse(ConfigValues.utf8(b, file, n.line(), at));
    } catch (TsigKeyFormatException e) {
      // the message has the key file's line and never the secret
      throw new ConfigException(file, n.line(), at, "key file " + shown + ": " + e.getMessage());
    }
    if (name.isEmpty()) {
      return all;
    }
    for (TsigKey k : all) {
      if (k.name().equals(name.get())) {
        return List.of(k);
      }
    }
    throw new ConfigException(file, n.line(), at, "key file " + shown + " has no key named "
        + name.get());
  }

  private void remote(YNode n, String at) throws ConfigException {
    Map<String, YNode> f = v.fields(n, at, REMOTE);
    YNode idNode = v.require(f, "id", n, at);
    String id = v.text(idNode, at + ".id");
    if (remotes.containsKey(id)) {
      throw new ConfigException(file, idNode.line(), at + ".id", "remote " + quote(id)
          + " is defined twice");
    }
    YNode a = v.require(f, "address", n, at);
    List<YNode> as = v.list(a, at + ".address");
    if (as.isEmpty()) {
      throw new ConfigException(file, a.line(), at + ".address", "no address");
    }
    List<InetSocketAddress> addresses = new ArrayList<>(as.size());
    for (int i = 0; i < as.size(); i++) {
      addresses.add(v.address(as.get(i), a instanceof Sequence ? at + ".address[" + i + "]"
          : at + ".address"));
    }
    Optional<TsigKey> key = Optional.empty();
    YNode k = f.get("key");
    if (k != null) {
      Name keyName = v.name(k, at + ".key");
      TsigKey found = keys.get(keyName);
      if (found == null) {
        throw new ConfigException(file, k.line(), at + ".key", "unknown key " + keyName
            + "; keys are defined under 'keys'");
      }
      key = Optional.of(found);
    }
    remotes.put(id, new Remote(id, List.copyOf(addresses), key));
  }

  private SecondaryZone zone(YNode n, String at, Map<Name, Integer> seen) throws ConfigException {
    Map<String, YNode> f = v.fields(n, at, ZONE);
    YNode d = v.require(f, "domain", n, at);
    Name domain = v.name(d, at + ".domain");
    Integer first = seen.putIfAbsent(domain, d.line());
    if (first != null) {
      throw new ConfigException(file, d.line(), at + ".domain", "zone " + domain
          + " is already defined at line " + first);
    }
    SecondaryZone.Builder b = SecondaryZone.builder(domain);
    YNode ps = v.require(f, "primaries", n, at);
    List<YNode> ids = v.list(ps, at + ".primaries");
    if (ids.isEmpty()) {
      throw new ConfigException(file, ps.line(), at + ".primaries", "no primaries");
    }
    Set<String> used = new TreeSet<>();
    for (int i = 0; i < ids.size(); i++) {
      String where = at + ".primaries[" + i + "]";
      String id = v.text(ids.get(i), where);
      Remote r = remotes.get(id);
      if (r == null) {
        throw new ConfigException(file, ids.get(i).line(), where, "unknown remote " + quote(id)
            + "; remotes are defined under 'remotes'");
      }
      if (!used.add(id)) {
        throw new ConfigException(file, ids.get(i).line(), where, "remote " + quote(id)
            + " is listed twice");
      }
      for (InetSocketAddress a : r.addresses()) {
        b.primary(r.key().isPresent() ? Primary.of(a, r.key().get()) : Primary.of(a));
      }
    }
    if (f.containsKey("request-ixfr")) {
      b.requestIxfr(v.bool(f.get("request-ixfr"), at + ".request-ixfr"));
    }
    YNode s = f.get("serve");
    ConfigServe.Block own = s == null ? null : serve.parse(s, at + ".serve");
    Optional<ZoneServing> serving;
    try {
      serving = ConfigServe.serving(own, topServe);
    } catch (IllegalArgumentException e) {
      // a notify target in both blocks: reported at the zone's block
      throw new ConfigException(file, s == null ? n.line() : s.line(), at + ".serve",
          String.valueOf(e.getMessage()));
    }
    // a zone served onward journals the differences of every AXFR, so that downstream gets IXFR
    serving.ifPresent(z -> b.serving(z).ixfrFromDifferences(true));
    if (f.containsKey("ixfr-from-differences")) {
      b.ixfrFromDifferences(v.bool(f.get("ixfr-from-differences"),
          at + ".ixfr-from-differences"));
    }
    return b.build();
  }
}
