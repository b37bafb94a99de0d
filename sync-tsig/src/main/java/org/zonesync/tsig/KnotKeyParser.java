// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.zonesync.api.TsigKey;

/**
 * Parses the {@code key:} section of a Knot DNS configuration, as {@code keymgr -t} prints it:
 *
 * <pre>
 * key:
 *   - id: name
 *     algorithm: hmac-sha256
 *     secret: base64
 * </pre>
 *
 * Block style only (the form Knot prints); other top-level sections are skipped, # comments
 * ignored, values may be quoted.
 */
final class KnotKeyParser {
  private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z_-]{1,32}");

  private KnotKeyParser() {}

  /** Returns true if the text has a top-level {@code key:} line (BIND has no colon there). */
  static boolean looksLikeKnot(String text) {
    for (String l : text.split("\r?\n", -1)) {
      String s = stripComment(l).stripTrailing();
      if (s.equals("key:") || s.startsWith("key: ")) {
        return true;
      }
    }
    return false;
  }

  static List<TsigKey> parse(String text) throws TsigKeyFormatException {
    List<TsigKey> keys = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    boolean inKey = false;
    Item item = null;
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String raw = stripComment(lines[i]);
      if (raw.isBlank()) {
        continue;
      }
      int indent = 0;
      while (indent < raw.length() && raw.charAt(indent) == ' ') {
        indent++;
      }
      if (raw.charAt(indent) == '\t') {
        throw new TsigKeyFormatException(lineNo, "tab in indentation (YAML allows spaces only)");
      }
      String content = raw.strip();
      if (indent == 0) {
        finish(item, keys);
        item = null;
        inKey = content.startsWith("key:");
        if (inKey && !content.equals("key:")) {
          throw new TsigKeyFormatException(lineNo, "expected the key items on the lines after "
              + "'key:' (flow style is not supported)");
        }
        continue;
      }
      if (!inKey) {
        continue;
      }
      if (content.equals("-") || content.startsWith("- ")) {
        finish(item, keys);
        item = new Item(lineNo);
        content = content.substring(1).strip();
        if (content.isEmpty()) {
          continue;
        }
      }
      if (item == null) {
        throw new TsigKeyFormatException(lineNo, "key attribute outside a '- id:' item");
      }
      int colon = content.indexOf(':');
      if (colon <= 0) {
        throw new TsigKeyFormatException(lineNo, "expected 'attribute: value'");
      }
      item.set(content.substring(0, colon).strip(), unquote(content.substring(colon + 1).strip()),
          lineNo);
    }
    finish(item, keys);
    return keys;
  }

  private static void finish(@Nullable Item item, List<TsigKey> keys)
      throws TsigKeyFormatException {
    if (item == null) {
      return;
    }
    if (item.id == null) {
      throw new TsigKeyFormatException(item.line, "key item has no id");
    }
    if (item.algorithm == null) {
      throw new TsigKeyFormatException(item.line, "key " + item.id + " has no algorithm");
    }
    if (item.secret == null) {
      throw new TsigKeyFormatException(item.line, "key " + item.id + " has no secret");
    }
    keys.add(KeyText.key(KeyText.name(item.id, item.idLine), item.algorithm, item.algorithmLine,
        item.secret, item.secretLine));
  }

  /** Removes a # comment: at the line start or after a space, outside quotes (YAML). */
  static String stripComment(String line) {
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'')
        && v.charAt(v.length() - 1) == v.charAt(0)) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  /** One {@code - id:} item being read. */
  private static final class Item {
    final int line;
    @Nullable String id;
    int idLine;
    @Nullable String algorithm;
    int algorithmLine;
    @Nullable String secret;
    int secretLine;

    Item(int line) {
      this.line = line;
    }

    void set(String attribute, String value, int lineNo) throws TsigKeyFormatException {
      switch (attribute) {
        case "id" -> {
          duplicate(id, attribute, lineNo);
          id = value;
          idLine = lineNo;
        }
        case "algorithm" -> {
          duplicate(algorithm, attribute, lineNo);
          algorithm = value;
          algorithmLine = lineNo;
        }
        case "secret" -> {
          duplicate(secret, attribute, lineNo);
          secret = value;
          secretLine = lineNo;
        }
        default -> throw new TsigKeyFormatException(lineNo, "unknown key attribute "
            + (ATTRIBUTE.matcher(attribute).matches() ? "'" + attribute + "'" : "(not shown)")
            + ", expected id, algorithm or secret");
      }
    }

    private static void duplicate(@Nullable String old, String attribute, int lineNo)
        throws TsigKeyFormatException {
      if (old != null) {
        throw new TsigKeyFormatException(lineNo, "second " + attribute + " in one key item");
      }
    }
  }
}
