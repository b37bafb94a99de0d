// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.xbill.DNS.Name;

/**
 * Names a zone's directory: the labels lower-cased and joined by dots, without the root
 * ({@code Example.COM.} becomes {@code example.com}). Bytes other than letters, digits,
 * {@code -} and {@code _} become {@code %xx}, so any label byte maps to a safe, distinct file
 * name. The root zone is {@code @}. Names longer than 200 characters are cut and end in
 * {@code ~} and 32 hex digits of the SHA-256 of the canonical name.
 */
final class ZoneDirs {
  static final int MAX_LENGTH = 200;

  private ZoneDirs() {
  }

  static String name(Name zone) {
    if (zone.labels() <= 1) {
      return "@";
    }
    StringBuilder sb = new StringBuilder(zone.length() + 8);
    for (int i = 0; i < zone.labels() - 1; i++) {
      byte[] label = zone.getLabel(i);
      if (i > 0) {
        sb.append('.');
      }
      for (int j = 1; j < label.length; j++) {
        int c = label[j] & 0xFF;
        if (c >= 'A' && c <= 'Z') {
          c += 'a' - 'A';
        }
        if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
          sb.append((char) c);
        } else {
          sb.append('%').append(Character.forDigit(c >> 4, 16))
              .append(Character.forDigit(c & 0xF, 16));
        }
      }
    }
    if (sb.length() <= MAX_LENGTH) {
      return sb.toString();
    }
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(zone.toWireCanonical());
      return sb.substring(0, MAX_LENGTH - 48) + "~" + HexFormat.of().formatHex(h, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
