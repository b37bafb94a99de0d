// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.MD5Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA224Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;

/**
 * The MAC computation of RFC 8945 section 4.3 and the checks of section 5.2, shared by the
 * signers and verifiers. Every caller owns its {@link HMac}; none is shared.
 */
final class TsigMac {
  /** Largest time signed that fits the 48-bit field. */
  static final long MAX_TIME = (1L << 48) - 1;

  private TsigMac() {}

  /**
   * Creates a fresh HMAC context keyed with the key's secret: BouncyCastle's lightweight HMac,
   * over the JDK's digest where it has one ({@link JdkDigest}), else BouncyCastle's.
   */
  static HMac create(TsigKey key) {
    HMac mac = new HMac(jdkDigest(key.algorithm()).orElseGet(() -> digest(key.algorithm())));
    byte[] secret = key.secret();
    mac.init(new KeyParameter(secret));
    // HMac keeps its own padded copies; wipe ours.
    Arrays.fill(secret, (byte) 0);
    return mac;
  }

  private static java.util.Optional<Digest> jdkDigest(TsigAlgorithm algorithm) {
    return switch (algorithm) {
      case HMAC_MD5 -> JdkDigest.of("MD5", 64);
      case HMAC_SHA1 -> JdkDigest.of("SHA-1", 64);
      case HMAC_SHA224 -> JdkDigest.of("SHA-224", 64);
      case HMAC_SHA256 -> JdkDigest.of("SHA-256", 64);
      case HMAC_SHA384 -> JdkDigest.of("SHA-384", 128);
      case HMAC_SHA512 -> JdkDigest.of("SHA-512", 128);
    };
  }

  /** BouncyCastle's pure-Java digest: the fallback, and the reference in tests. */
  static Digest digest(TsigAlgorithm algorithm) {
    return switch (algorithm) {
      case HMAC_MD5 -> new MD5Digest();
      case HMAC_SHA1 -> new SHA1Digest();
      case HMAC_SHA224 -> new SHA224Digest();
      case HMAC_SHA256 -> new SHA256Digest();
      case HMAC_SHA384 -> new SHA384Digest();
      case HMAC_SHA512 -> new SHA512Digest();
    };
  }

  /** Digests a MAC preceded by its 2-byte length (request MAC, prior MAC: RFC 8945 4.3.1, 4.3.2). */
  static void updateLengthPrefixed(HMac h, byte[] mac, int off, int len) {
    h.update((byte) (len >>> 8));
    h.update((byte) len);
    h.update(mac, off, len);
  }

  /**
   * Digests a received message without its TSIG RR: the header with the original ID restored and
   * ARCOUNT decremented, then everything up to the TSIG RR (RFC 8945 section 4.3.2).
   */
  static void updateMessageWithoutTsig(HMac h, byte[] msg, int off, int tsigOffset,
      int originalId, byte[] scratch) {
    System.arraycopy(msg, off, scratch, 0, Wire.HEADER);
    Wire.put16(scratch, 0, originalId);
    Wire.put16(scratch, 10, Wire.u16(msg, off + 10) - 1);
    h.update(scratch, 0, Wire.HEADER);
    h.update(msg, off + Wire.HEADER, tsigOffset - off - Wire.HEADER);
  }

  /**
   * Digests all TSIG variables (RFC 8945 section 4.3.3): key name, class ANY, TTL 0, algorithm
   * name, time signed, fudge, error, other length and other data.
   */
  static void updateVariables(HMac h, byte[] keyName, byte[] algorithmName, long timeSigned,
      int fudge, int error, byte[] other, int otherOff, int otherLen, byte[] scratch) {
    h.update(keyName, 0, keyName.length);
    Wire.put16(scratch, 0, Wire.CLASS_ANY);
    Wire.put16(scratch, 2, 0);
    Wire.put16(scratch, 4, 0);
    h.update(scratch, 0, 6);
    h.update(algorithmName, 0, algorithmName.length);
    updateTimers(h, timeSigned, fudge, scratch);
    Wire.put16(scratch, 0, error);
    Wire.put16(scratch, 2, otherLen);
    h.update(scratch, 0, 4);
    h.update(other, otherOff, otherLen);
  }

  /** Digests the timers only, as subsequent messages of a stream do (RFC 8945 section 5.3.1). */
  static void updateTimers(HMac h, long timeSigned, int fudge, byte[] scratch) {
    Wire.put48(scratch, 0, timeSigned);
    Wire.put16(scratch, 6, fudge);
    h.update(scratch, 0, 8);
  }

  /**
   * Finishes the MAC and compares it with the received one: first the length rules of RFC 8945
   * section 5.2.2.1 (FORMERR), then the MAC in constant time (BADSIG), then the key's truncation
   * policy (BADTRUNC). Resets {@code h} in every case that reaches the comparison.
   *
   * @throws TsigVerificationException FORMERR, BADSIG or BADTRUNC
   */
  static void check(HMac h, TsigKey key, byte[] msg, TsigRr rr, byte[] expected, String where)
      throws TsigVerificationException {
    int full = key.algorithm().macLength();
    int floor = Math.max(10, full / 2);
    if (rr.macLength > full) {
      h.reset();
      throw Wire.formerr(where + "MAC of " + rr.macLength + " bytes is longer than the " + full
          + "-byte " + key.algorithm().keyword() + " output");
    }
    if (rr.macLength < floor) {
      h.reset();
      throw Wire.formerr(where + "MAC of " + rr.macLength + " bytes is shorter than the " + floor
          + " bytes RFC 8945 5.2.2.1 allows for " + key.algorithm().keyword());
    }
    h.doFinal(expected, 0);
    byte[] mine = Arrays.copyOf(expected, rr.macLength);
    byte[] theirs = Arrays.copyOfRange(msg, rr.macOffset, rr.macOffset + rr.macLength);
    if (!MessageDigest.isEqual(mine, theirs)) {
      throw new TsigVerificationException(TsigError.BADSIG, where + "MAC does not verify");
    }
    if (rr.macLength < key.minimumMacLength()) {
      throw new TsigVerificationException(TsigError.BADTRUNC, where + "MAC truncated to "
          + rr.macLength + " bytes, key " + key.name() + " requires " + key.minimumMacLength());
    }
  }

  /**
   * Checks time signed against the local clock (RFC 8945 section 5.2.3). The window is the
   * smaller of the record's fudge and the local one, so a peer cannot widen it.
   *
   * @throws TsigVerificationException BADTIME
   */
  static void checkTime(TsigRr rr, InstantSource clock, int localFudge, String where)
      throws TsigVerificationException {
    long now = clock.instant().getEpochSecond();
    int window = Math.min(rr.fudge, localFudge);
    long skew = now - rr.timeSigned;
    if (Math.abs(skew) > window) {
      throw new TsigVerificationException(TsigError.BADTIME, where + "time signed "
          + rr.timeSigned + " is " + skew + " s away from local time " + now
          + ", outside the fudge of " + window + " s");
    }
  }

  /** Returns the current time for a TSIG RR. */
  static long now(InstantSource clock) {
    long now = clock.instant().getEpochSecond();
    if (now < 0 || now > MAX_TIME) {
      throw new IllegalStateException("clock time " + now + " does not fit TSIG's 48-bit field");
    }
    return now;
  }

  /** Validates a fudge and returns it in seconds. */
  static int fudgeSeconds(Duration fudge) {
    long s = fudge.getSeconds();
    if (fudge.getNano() != 0 || s < 0 || s > 0xffff) {
      throw new IllegalArgumentException("fudge must be 0..65535 whole seconds: " + fudge);
    }
    return (int) s;
  }

  /** Maps a TSIG error field to the error to report; unknown codes become FORMERR. */
  static TsigError errorOf(int code) {
    for (TsigError e : TsigError.values()) {
      if (e.code() == code && code >= 16) {
        return e;
      }
    }
    return TsigError.FORMERR;
  }

  /** Returns the TSIG error name for a code, e.g. "BADTIME (18)". */
  static String errorText(int code) {
    TsigError e = errorOf(code);
    return (e == TsigError.FORMERR ? "unknown" : e.name()) + " (" + code + ")";
  }

  /**
   * Writes a TSIG RR at {@code pos} (RFC 8945 section 4.2): owner and algorithm uncompressed.
   *
   * @return the offset after the RR
   */
  static int writeRecord(byte[] buf, int pos, byte[] owner, byte[] algorithmName,
      long timeSigned, int fudge, byte[] mac, int macLen, int originalId, int error,
      byte[] other, int otherLen) {
    System.arraycopy(owner, 0, buf, pos, owner.length);
    pos += owner.length;
    Wire.put16(buf, pos, Wire.TYPE_TSIG);
    Wire.put16(buf, pos + 2, Wire.CLASS_ANY);
    Wire.put16(buf, pos + 4, 0);
    Wire.put16(buf, pos + 6, 0);
    int rdlength = algorithmName.length + 16 + macLen + otherLen;
    Wire.put16(buf, pos + 8, rdlength);
    pos += 10;
    System.arraycopy(algorithmName, 0, buf, pos, algorithmName.length);
    pos += algorithmName.length;
    Wire.put48(buf, pos, timeSigned);
    Wire.put16(buf, pos + 6, fudge);
    Wire.put16(buf, pos + 8, macLen);
    pos += 10;
    System.arraycopy(mac, 0, buf, pos, macLen);
    pos += macLen;
    Wire.put16(buf, pos, originalId);
    Wire.put16(buf, pos + 2, error);
    Wire.put16(buf, pos + 4, otherLen);
    pos += 6;
    System.arraycopy(other, 0, buf, pos, otherLen);
    return pos + otherLen;
  }

  /** Returns the length of a TSIG RR with these fields. */
  static int recordLength(byte[] owner, byte[] algorithmName, int macLen, int otherLen) {
    return owner.length + 10 + algorithmName.length + 16 + macLen + otherLen;
  }
}
