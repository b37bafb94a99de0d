// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.zonesync.api.TsigKey;

/**
 * Parses BIND key statements ({@code key "name" { algorithm hmac-sha256; secret "..."; };}) as
 * tsig-keygen and ddns-confgen print them, with #, // and C-style comments. Other top-level
 * statements (ddns-confgen's {@code update-policy}, a whole named.conf) are skipped; a trailing
 * statement without ';' at the end of the text is tolerated, as ddns-confgen ends with the
 * {@code nsupdate -k} hint.
 */
final class BindKeyParser {
  private enum Kind { WORD, STRING, LBRACE, RBRACE, SEMI, EOF }

  private final String text;
  private int pos;
  private int line = 1;
  private Kind kind = Kind.EOF;
  private String token = "";
  private int tokenLine;

  private BindKeyParser(String text) {
    this.text = text;
  }

  static List<TsigKey> parse(String text) throws TsigKeyFormatException {
    return new BindKeyParser(text).file();
  }

  private List<TsigKey> file() throws TsigKeyFormatException {
    List<TsigKey> keys = new ArrayList<>();
    next();
    while (kind != Kind.EOF) {
      if (kind == Kind.WORD && token.equalsIgnoreCase("key")) {
        keys.add(keyStatement());
      } else {
        skipStatement();
      }
    }
    return keys;
  }

  private TsigKey keyStatement() throws TsigKeyFormatException {
    int start = tokenLine;
    next();
    if (kind != Kind.WORD && kind != Kind.STRING) {
      throw new TsigKeyFormatException(tokenLine, "expected a key name after 'key'");
    }
    Name name = KeyText.name(token, tokenLine);
    next();
    expect(Kind.LBRACE, "'{' after key " + name);
    @Nullable String algorithm = null;
    int algorithmLine = 0;
    @Nullable String secret = null;
    int secretLine = 0;
    next();
    while (kind != Kind.RBRACE) {
      if (kind != Kind.WORD) {
        throw new TsigKeyFormatException(tokenLine, "key " + name
            + ": expected 'algorithm' or 'secret'" + (kind == Kind.EOF ? ", found end of text" : ""));
      }
      String clause = token.toLowerCase(Locale.ROOT);
      int clauseLine = tokenLine;
      if (clause.equals("algorithm")) {
        if (algorithm != null) {
          throw new TsigKeyFormatException(clauseLine, "key " + name + ": second algorithm");
        }
        algorithm = value(name, clause);
        algorithmLine = clauseLine;
      } else if (clause.equals("secret")) {
        if (secret != null) {
          throw new TsigKeyFormatException(clauseLine, "key " + name + ": second secret");
        }
        secret = value(name, clause);
        secretLine = clauseLine;
      } else {
        throw new TsigKeyFormatException(clauseLine, "key " + name
            + ": unknown clause, expected 'algorithm' or 'secret'");
      }
    }
    int close = tokenLine;
    next();
    expect(Kind.SEMI, "';' after the key statement for " + name);
    next();
    if (algorithm == null) {
      throw new TsigKeyFormatException(close, "key " + name + " (line " + start
          + ") has no algorithm");
    }
    if (secret == null) {
      throw new TsigKeyFormatException(close, "key " + name + " (line " + start
          + ") has no secret");
    }
    return KeyText.key(name, algorithm, algorithmLine, secret, secretLine);
  }

  /** Reads the value of a clause and its ';'. */
  private String value(Name name, String clause) throws TsigKeyFormatException {
    next();
    if (kind != Kind.WORD && kind != Kind.STRING) {
      throw new TsigKeyFormatException(tokenLine, "key " + name + ": expected a value after '"
          + clause + "'");
    }
    String v = token;
    next();
    expect(Kind.SEMI, "';' after the " + clause + " of key " + name);
    next();
    return v;
  }

  private void expect(Kind k, String what) throws TsigKeyFormatException {
    if (kind != k) {
      throw new TsigKeyFormatException(tokenLine, "expected " + what
          + (kind == Kind.EOF ? ", found end of text" : ""));
    }
  }

  /** Skips a statement that is not a key: up to ';' outside braces, braces balanced. */
  private void skipStatement() throws TsigKeyFormatException {
    int start = tokenLine;
    int depth = 0;
    while (true) {
      switch (kind) {
        case LBRACE -> depth++;
        case RBRACE -> {
          if (depth == 0) {
            throw new TsigKeyFormatException(tokenLine, "unexpected '}'");
          }
          depth--;
        }
        case SEMI -> {
          if (depth == 0) {
            next();
            return;
          }
        }
        case EOF -> {
          if (depth > 0) {
            throw new TsigKeyFormatException(start, "statement is not closed by '}'");
          }
          return;
        }
        default -> { }
      }
      next();
    }
  }

  /** Reads the next token into kind/token/tokenLine. */
  private void next() throws TsigKeyFormatException {
    skipSpaceAndComments();
    tokenLine = line;
    if (pos >= text.length()) {
      kind = Kind.EOF;
      token = "";
      return;
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{' -> single(Kind.LBRACE);
      case '}' -> single(Kind.RBRACE);
      case ';' -> single(Kind.SEMI);
      case '"' -> quoted();
      default -> word();
    }
  }

  private void single(Kind k) {
    kind = k;
    token = String.valueOf(text.charAt(pos++));
  }

  /** A quoted string; backslash escapes are kept for Name.fromString to interpret. */
  private void quoted() throws TsigKeyFormatException {
    int startLine = line;
    StringBuilder sb = new StringBuilder();
    pos++;
    while (true) {
      if (pos >= text.length()) {
        throw new TsigKeyFormatException(startLine, "quoted string is not closed");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        break;
      }
      if (c == '\n') {
        // As in BIND's lexer, a string ends on its line unless the newline is escaped.
        throw new TsigKeyFormatException(startLine, "quoted string is not closed");
      }
      if (c == '\\' && pos < text.length()) {
        sb.append(c);
        c = text.charAt(pos++);
        if (c == '\n') {
          line++;
        }
      }
      sb.append(c);
    }
    kind = Kind.STRING;
    token = sb.toString();
  }

  private void word() {
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Character.isWhitespace(c) || c == '{' || c == '}' || c == ';' || c == '"' || c == '#'
          || (c == '/' && pos + 1 < text.length()
              && (text.charAt(pos + 1) == '/' || text.charAt(pos + 1) == '*'))) {
        break;
      }
      pos++;
    }
    kind = Kind.WORD;
    token = text.substring(start, pos);
  }

  private void skipSpaceAndComments() throws TsigKeyFormatException {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '\n') {
        line++;
        pos++;
      } else if (Character.isWhitespace(c)) {
        pos++;
      } else if (c == '#' || text.startsWith("//", pos)) {
        while (pos < text.length() && text.charAt(pos) != '\n') {
          pos++;
        }
      } else if (text.startsWith("/*", pos)) {
        int startLine = line;
        int close = text.indexOf("*/", pos + 2);
        if (close < 0) {
          throw new TsigKeyFormatException(startLine, "comment is not closed by */");
        }
        for (int i = pos; i < close; i++) {
          if (text.charAt(i) == '\n') {
            line++;
          }
        }
        pos = close + 2;
      } else {
        return;
      }
    }
  }
}
