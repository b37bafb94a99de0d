// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static java.util.Objects.requireNonNull;

/**
 * A mirror configuration that cannot be used: a YAML syntax error, an unknown key, a reference to
 * a remote or key that is not defined, a bad value, a limit exceeded. The message reads
 * {@code FILE:LINE: KEY: problem}, e.g. {@code mirror.yaml:12: zones[3].primaries[1]: unknown
 * remote 'knot'}; it never contains a key's secret. {@code zonesync mirror} prints it and exits
 * with status 2.
 */
final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final String key;
  private final String problem;

  /**
   * Creates the exception.
   *
   * @param file the configuration file as the user named it
   * @param line the 1-based line, or 0 when the problem is not at one place (e.g. file size)
   * @param key the path of the key, e.g. {@code zones[3].domain}; empty for the whole file
   * @param problem what is wrong, a lower-case fact
   */
  ConfigException(String file, int line, String key, String problem) {
    super(format(file, line, key, problem));
    this.file = requireNonNull(file, "file");
    this.line = line;
    this.key = requireNonNull(key, "key");
    this.problem = requireNonNull(problem, "problem");
  }

  private static String format(String file, int line, String key, String problem) {
    StringBuilder b = new StringBuilder(file);
    if (line > 0) {
      b.append(':').append(line);
    }
    b.append(": ");
    if (!key.isEmpty()) {
      b.append(key).append(": ");
    }
    return b.append(problem).toString();
  }

  /**
   * Quotes a value from the file for a message: in single quotes, control and non-ASCII
   * characters as {@code \\uXXXX}, cut after 64 characters. Never use it for a secret.
   *
   * @param value the value
   * @return the quoted text
   */
  static String quote(String value) {
    StringBuilder b = new StringBuilder("'");
    int n = Math.min(value.length(), 64);
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '\\' || c == '\'') {
        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('\'');
    if (value.length() > n) {
      b.append("...");
    }
    return b.toString();
  }

  /** Returns the configuration file as the user named it. */
  String file() {
    return file;
  }

  /** Returns the 1-based line of the problem, 0 when it is not at one place. */
  int line() {
    return line;
  }

  /** Returns the path of the offending key, e.g. {@code remotes[0].address}; may be empty. */
  String key() {
    return key;
  }

  /** Returns what is wrong, without the file, line and key. */
  String problem() {
    return problem;
  }
}
