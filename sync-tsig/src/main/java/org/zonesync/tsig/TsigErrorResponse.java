// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.crypto.macs.HMac;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;

/**
 * Server side: the TSIG RR of an error response to a request that {@link TsigRequestVerifier}
 * rejected (RFC 8945 section 5.3.2). Stateless and thread-safe.
 *
 * <ul>
 *   <li>BADKEY, BADSIG: an unsigned TSIG RR (MAC size 0) with the request's key and algorithm
 *       names, so a forged request never makes us sign anything (no signing oracle).
 *   <li>BADTIME, BADTRUNC: a TSIG RR signed with the key and the request MAC, but only after the
 *       request's MAC is re-checked here; BADTIME carries the request's time signed and the
 *       server's time in Other Data (section 5.2.3). If the MAC does not verify, an unsigned
 *       BADSIG RR is written instead.
 *   <li>FORMERR, UNSIGNED: nothing is appended; answer FORMERR (or REFUSED) without TSIG.
 * </ul>
 *
 * <p>The caller sets the RCODE (NOTAUTH for the TSIG errors, RFC 8945 section 5.2) before
 * calling.
 *
 * @since 0.1
 */
public final class TsigErrorResponse {
  /**
   * The most bytes {@link #append} adds: owner and algorithm names of up to 255 bytes each, the
   * fixed fields, a 64-byte MAC and 6 bytes of other data.
   */
  public static final int MAX_RECORD_LENGTH = 255 + 10 + 255 + 16 + 64 + 6;

  private static final byte[] NO_OTHER = new byte[0];

  private TsigErrorResponse() {}

  /**
   * Appends the TSIG RR for {@code error} in place to the response {@code buf[off, off+len)} and
   * increments ARCOUNT.
   *
   * @param buf the buffer holding the error response, with {@link #MAX_RECORD_LENGTH} spare bytes
   *     after it (less suffices for short names)
   * @param off where the response starts
   * @param len the response length
   * @param error why the request was rejected ({@link TsigVerificationException#tsigError()})
   * @param request the buffer holding the rejected request
   * @param requestOff where the request starts
   * @param requestLen the request length
   * @param requestTsigOffset {@link Tsig#locate} of the request
   * @param keyring the keyring the request was verified against
   * @param clock the source of the server time
   * @return the new response length; {@code len} if nothing was appended
   * @throws IllegalArgumentException if the buffer has too little room or the response is not
   *     signable (shorter than a header, ARCOUNT 65535)
   * @throws IndexOutOfBoundsException if an offset and length do not fit their array
   */
  public static int append(byte[] buf, int off, int len, TsigError error, byte[] request,
      int requestOff, int requestLen, int requestTsigOffset, TsigKeyring keyring,
      InstantSource clock) {
    requireNonNull(error, "error");
    requireNonNull(keyring, "keyring");
    requireNonNull(clock, "clock");
    Objects.checkFromIndexSize(off, len, buf.length);
    Objects.checkFromIndexSize(requestOff, requestLen, request.length);
    if (error == TsigError.FORMERR || error == TsigError.UNSIGNED || requestTsigOffset < 0) {
      return len;
    }
    TsigRr rr;
    try {
      rr = TsigRr.parse(request, requestOff, requestLen, requestTsigOffset);
    } catch (TsigVerificationException e) {
      return len;
    }
    Tsig.checkSignable(buf, off, len);
    long now = TsigMac.now(clock);
    if (error == TsigError.BADTIME || error == TsigError.BADTRUNC) {
      Optional<TsigKey> key = keyring.findCanonical(rr.owner)
          .filter(k -> Arrays.equals(rr.algorithm,
              k.algorithm().algorithmName().toWireCanonical()));
      if (key.isPresent() && macVerifies(key.get(), request, requestOff, rr)) {
        return appendSigned(buf, off, len, error, key.get(), request, rr, now);
      }
      error = TsigError.BADSIG;
    }
    return appendRecord(buf, off, len, rr.owner, rr.algorithm, now, Tsig.DEFAULT_FUDGE_SECONDS,
        NO_OTHER, 0, error, NO_OTHER, 0);
  }

  private static int appendSigned(byte[] buf, int off, int len, TsigError error, TsigKey key,
      byte[] request, TsigRr rr, long now) {
    byte[] other = NO_OTHER;
    long timeSigned = now;
    if (error == TsigError.BADTIME) {
      // RFC 8945 5.2.3: echo the request's time, give ours in Other Data.
      timeSigned = rr.timeSigned;
      other = new byte[6];
      Wire.put48(other, 0, now);
    }
    byte[] keyName = key.name().toWireCanonical();
    byte[] algorithmName = key.algorithm().algorithmName().toWireCanonical();
    HMac h = TsigMac.create(key);
    TsigMac.updateLengthPrefixed(h, request, rr.macOffset, rr.macLength);
    h.update(buf, off, len);
    TsigMac.updateVariables(h, keyName, algorithmName, timeSigned, Tsig.DEFAULT_FUDGE_SECONDS,
        error.code(), other, 0, other.length, new byte[8]);
    byte[] mac = new byte[key.algorithm().macLength()];
    h.doFinal(mac, 0);
    return appendRecord(buf, off, len, key.name().toWire(),
        key.algorithm().algorithmName().toWire(), timeSigned, Tsig.DEFAULT_FUDGE_SECONDS, mac,
        mac.length, error, other, other.length);
  }

  private static int appendRecord(byte[] buf, int off, int len, byte[] owner, byte[] algorithm,
      long timeSigned, int fudge, byte[] mac, int macLen, TsigError error, byte[] other,
      int otherLen) {
    int rrLen = TsigMac.recordLength(owner, algorithm, macLen, otherLen);
    if (buf.length - off - len < rrLen) {
      throw new IllegalArgumentException("buffer has " + (buf.length - off - len)
          + " spare bytes, the TSIG record needs " + rrLen);
    }
    int end = TsigMac.writeRecord(buf, off + len, owner, algorithm, timeSigned, fudge, mac,
        macLen, Wire.u16(buf, off), error.code(), other, otherLen);
    Wire.put16(buf, off + 10, Wire.u16(buf, off + 10) + 1);
    return end - off;
  }

  /** Re-checks the request MAC (without the time and truncation policy) before we sign. */
  private static boolean macVerifies(TsigKey key, byte[] request, int off, TsigRr rr) {
    int full = key.algorithm().macLength();
    if (rr.macLength > full || rr.macLength < Math.max(10, full / 2) || rr.error != 0) {
      return false;
    }
    HMac h = TsigMac.create(key);
    byte[] scratch = new byte[Wire.HEADER];
    TsigMac.updateMessageWithoutTsig(h, request, off, rr.start, rr.originalId, scratch);
    TsigMac.updateVariables(h, rr.owner, rr.algorithm, rr.timeSigned, rr.fudge, rr.error,
        request, rr.otherOffset, rr.otherLength, scratch);
    byte[] expected = new byte[full];
    h.doFinal(expected, 0);
    return MessageDigest.isEqual(Arrays.copyOf(expected, rr.macLength),
        Arrays.copyOfRange(request, rr.macOffset, rr.macOffset + rr.macLength));
  }
}
