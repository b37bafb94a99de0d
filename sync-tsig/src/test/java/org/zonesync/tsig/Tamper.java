// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;

/** Helpers to run verifiers to an outcome and to rewrite a TSIG RR's MAC. */
final class Tamper {
  private Tamper() {}

  /** Feeds all messages (locate + verify) then finish; returns the error, or empty on success. */
  static Optional<TsigError> runStream(TsigKey key, byte[] requestMac, InstantSource clock,
      List<byte[]> messages) {
    TsigStreamVerifier v = new TsigStreamVerifier(key, requestMac, clock);
    try {
      for (byte[] m : messages) {
        v.verify(m, 0, m.length, Tsig.locate(m, 0, m.length));
      }
      v.finish();
      return Optional.empty();
    } catch (TsigVerificationException e) {
      return Optional.of(e.tsigError());
    }
  }

  static Optional<TsigError> runStream(TsigKey key, byte[] requestMac, InstantSource clock,
      byte[]... messages) {
    return runStream(key, requestMac, clock, Arrays.asList(messages));
  }

  static Optional<TsigError> runRequest(TsigKeyring keyring, InstantSource clock, byte[] m) {
    try {
      TsigRequestVerifier.verify(keyring, m, 0, m.length, Tsig.locate(m, 0, m.length), clock);
      return Optional.empty();
    } catch (TsigVerificationException e) {
      return Optional.of(e.tsigError());
    }
  }

  /** Returns the parsed TSIG RR of a signed message. */
  static TsigRr rr(byte[] m) throws TsigVerificationException {
    return TsigRr.parse(m, 0, m.length, Tsig.locate(m, 0, m.length));
  }

  /**
   * Rewrites the MAC of a signed message to its first {@code newLength} bytes, or pads it with
   * {@code 0x5a} bytes when longer, fixing MAC size and RDLENGTH.
   */
  static byte[] resizeMac(byte[] m, int newLength) throws TsigVerificationException {
    TsigRr rr = rr(m);
    int sizeField = rr.macOffset - 2;
    byte[] out = new byte[m.length - rr.macLength + newLength];
    System.arraycopy(m, 0, out, 0, rr.macOffset);
    for (int i = 0; i < newLength; i++) {
      out[rr.macOffset + i] = i < rr.macLength ? m[rr.macOffset + i] : 0x5a;
    }
    System.arraycopy(m, rr.macOffset + rr.macLength, out, rr.macOffset + newLength,
        m.length - rr.macOffset - rr.macLength);
    Wire.put16(out, sizeField, newLength);
    int rdlengthField = rdlengthOffset(m, rr);
    Wire.put16(out, rdlengthField, Wire.u16(m, rdlengthField) - rr.macLength + newLength);
    return out;
  }

  /** Offset of the TSIG RR's RDLENGTH field. */
  static int rdlengthOffset(byte[] m, TsigRr rr) throws TsigVerificationException {
    return Wire.skipName(m, 0, rr.start, m.length) + 8;
  }

  /**
   * Returns true if flipping {@code mask} at {@code index} only changes the ASCII case of a letter
   * in the TSIG RR's owner or algorithm name, which are compared and digested canonically.
   */
  static boolean isCaseChangeInTsigNames(byte[] m, int index, int mask)
      throws TsigVerificationException {
    TsigRr rr = rr(m);
    int ownerEnd = Wire.skipName(m, 0, rr.start, m.length);
    int algorithmStart = ownerEnd + 10;
    int algorithmEnd = Wire.skipName(m, 0, algorithmStart, m.length);
    int c = m[index] & 0xff;
    boolean letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    boolean inName = index >= rr.start && index < ownerEnd
        || index >= algorithmStart && index < algorithmEnd;
    return mask == 0x20 && letter && inName;
  }

  /** Every (index, mask) variant of a message with one byte changed. */
  static List<int[]> everyByte(byte[] m, int... masks) {
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < m.length; i++) {
      for (int mask : masks) {
        out.add(new int[] {i, mask});
      }
    }
    return out;
  }
}
