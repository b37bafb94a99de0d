// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.zonesync.cli.ConfigException.quote;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.cli.YamlTree.Entry;
import org.zonesync.cli.YamlTree.Mapping;
import org.zonesync.cli.YamlTree.Scalar;
import org.zonesync.cli.YamlTree.Sequence;
import org.zonesync.cli.YamlTree.YNode;

/**
 * The typed values of one configuration file, read from {@link YamlTree} nodes: every failure
 * is a {@link ConfigException} naming the file, the node's line and the key's path. Relative
 * paths resolve against the file's directory. Stateless apart from the file it reports on.
 */
final class ConfigValues {

  private final String file;
  private final Path baseDir;

  /**
   * Creates the readers for one file.
   *
   * @param file the file's name, for messages
   * @param baseDir what relative paths are relative to
   */
  ConfigValues(String file, Path baseDir) {
    this.file = file;
    this.baseDir = baseDir;
  }

  /** Reads one kind of value. */
  @FunctionalInterface
  interface Reader<T> {
    /** Reads the value of {@code n}, found at the key path {@code at}. */
    T read(YNode n, String at) throws ConfigException;
  }

  /** Reads {@code key} of {@code f} if it is there. */
  <T> Optional<T> optional(Map<String, YNode> f, String key, Reader<T> r)
      throws ConfigException {
    YNode n = f.get(key);
    return n == null ? Optional.empty() : Optional.of(r.read(n, key));
  }

  /** Returns the entries of a mapping; unknown keys and null values are errors. */
  Map<String, YNode> fields(YNode n, String at, Set<String> allowed)
      throws ConfigException {
    if (!(n instanceof Mapping m)) {
      throw new ConfigException(file, n.line(), at, "expected a mapping with keys "
          + String.join(", ", new TreeSet<>(allowed)));
    }
    Map<String, YNode> out = new HashMap<>();
    for (Entry e : m.entries()) {
      String k = e.key().value();
      String path = at.isEmpty() ? k : at + "." + k;
      if (!allowed.contains(k)) {
        throw new ConfigException(file, e.key().line(), at.isEmpty() ? quote(k) : at + "."
            + quote(k), "unknown key; expected one of " + String.join(", ",
            new TreeSet<>(allowed)));
      }
      if (e.value() instanceof Scalar s && s.isNull()) {
        throw new ConfigException(file, e.key().line(), path, "value is missing");
      }
      out.put(k, e.value());
    }
    return out;
  }

  /** Returns the value of a required key. */
  YNode require(Map<String, YNode> f, String key, YNode parent, String at)
      throws ConfigException {
    YNode n = f.get(key);
    if (n == null) {
      throw missing(parent, at, key);
    }
    return n;
  }

  /** The error for a missing required key of {@code parent}. */
  ConfigException missing(YNode parent, String at, String key) {
    return new ConfigException(file, parent.line(), at, "missing key '" + key + "'");
  }

  /** Returns the items of a list of at most {@code max} (none when {@code n} is absent). */
  List<YNode> items(@Nullable YNode n, String at, int max) throws ConfigException {
    if (n == null) {
      return List.of();
    }
    if (!(n instanceof Sequence s)) {
      throw new ConfigException(file, n.line(), at, "expected a list");
    }
    if (s.items().size() > max) {
      throw new ConfigException(file, n.line(), at, "more than " + max + " entries ("
          + s.items().size() + ")");
    }
    return s.items();
  }

  /** A list, or one text value standing for a list of one. */
  List<YNode> list(YNode n, String at) throws ConfigException {
    return n instanceof Scalar ? List.of(n) : items(n, at, ConfigParser.MAX_REMOTES);
  }

  /** Returns non-empty text. */
  String text(YNode n, String at) throws ConfigException {
    if (!(n instanceof Scalar s)) {
      throw new ConfigException(file, n.line(), at, "expected text, not a "
          + (n instanceof Mapping ? "mapping" : "list"));
    }
    if (s.isNull() || s.value().isEmpty()) {
      throw new ConfigException(file, n.line(), at, "value is missing");
    }
    return s.value();
  }

  /** Returns {@code true} or {@code false}. */
  boolean bool(YNode n, String at) throws ConfigException {
    String v = text(n, at);
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(file, n.line(), at, "expected true or false, got "
          + quote(v));
    };
  }

  /** Returns a decimal integer in {@code min..max}, or {@code dflt} when absent. */
  int integer(@Nullable YNode n, String at, int min, int max, int dflt) throws ConfigException {
    if (n == null) {
      return dflt;
    }
    String v = text(n, at);
    if (v.matches("[0-9]{1,9}")) {
      int i = Integer.parseInt(v);
      if (i >= min && i <= max) {
        return i;
      }
    }
    throw new ConfigException(file, n.line(), at, "expected an integer " + min + ".." + max
        + ", got " + quote(v));
  }

  /** Returns an absolute domain name. */
  Name name(YNode n, String at) throws ConfigException {
    String v = text(n, at);
    try {
      return Name.fromString(v, Name.root);
    } catch (TextParseException e) {
      throw new ConfigException(file, n.line(), at, "invalid domain name " + quote(v));
    }
  }

  /** Returns a path, relative ones resolved against the file's directory. */
  Path path(YNode n, String at) throws ConfigException {
    String v = text(n, at);
    try {
      return baseDir.resolve(v).normalize();
    } catch (InvalidPathException e) {
      throw new ConfigException(file, n.line(), at, "invalid path " + quote(v));
    }
  }

  /** Returns an IP address literal with an optional port, 53 by default. */
  InetSocketAddress address(YNode n, String at) throws ConfigException {
    try {
      return Addresses.parse(text(n, at), 53);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(file, n.line(), at, e.getMessage());
    }
  }

  /** Returns the TSIG algorithm keywords, for messages. */
  static String algorithms() {
    List<String> all = new ArrayList<>();
    for (TsigAlgorithm a : TsigAlgorithm.values()) {
      all.add(a.keyword());
    }
    return String.join(", ", all);
  }

  /** Reads at most {@code max} bytes of a file; a longer file is an error. */
  static byte[] readBounded(Path p, int max, String file, int line, String at)
      throws ConfigException {
    try (InputStream in = Files.newInputStream(p)) {
      byte[] b = in.readNBytes(max + 1);
      if (b.length > max) {
        throw new ConfigException(file, line, at, quote(p.toString()) + " is larger than " + max
            + " bytes");
      }
      return b;
    } catch (NoSuchFileException e) {
      throw new ConfigException(file, line, at, quote(p.toString()) + " does not exist");
    } catch (IOException e) {
      throw new ConfigException(file, line, at, "cannot read " + quote(p.toString()) + ": "
          + e.getMessage());
    }
  }

  /** Decodes strict UTF-8. */
  static String utf8(byte[] b, String file, int line, String at)
      throws ConfigException {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException(file, line, at, "not valid UTF-8");
    }
  }
}
