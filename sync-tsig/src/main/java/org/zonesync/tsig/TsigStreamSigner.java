// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import org.bouncycastle.crypto.macs.HMac;
import org.zonesync.api.TsigKey;

/**
 * Server side: signs the messages of a response to a verified request, one message or a TCP
 * stream such as an AXFR (RFC 8945 section 5.3.1). The first message's MAC covers the request
 * MAC and all TSIG variables; each later signed message's MAC covers the prior MAC, the messages
 * sent unsigned since ({@link #addUnsigned}) and, of the variables, only time signed and fudge.
 *
 * <p>RFC 8945 asks the server to sign the first and the last message and at least every 100th;
 * this class enforces the first and the 100 (at most 99 unsigned in a row), the caller the last.
 *
 * <p>Not thread-safe: use one instance per response stream, from one thread at a time.
 *
 * @since 0.1
 */
public final class TsigStreamSigner {
  private static final byte[] NO_OTHER = new byte[0];

  private final TsigKey key;
  private final InstantSource clock;
  private final int fudge;
  private final HMac hmac;
  private final byte[] owner;
  private final byte[] algorithm;
  private final byte[] keyName;
  private final byte[] algorithmName;
  private final byte[] mac;
  private final byte[] scratch = new byte[Wire.HEADER];
  private final int recordLength;
  private int signed;
  private int unsignedRun;

  /**
   * Creates a signer with the default fudge of 300 s.
   *
   * @param key the key that verified the request ({@link VerifiedRequest#key()})
   * @param requestMac the request MAC ({@link VerifiedRequest#mac()})
   * @param clock the source of time signed
   */
  public TsigStreamSigner(TsigKey key, byte[] requestMac, InstantSource clock) {
    this(key, requestMac, clock, Tsig.DEFAULT_FUDGE);
  }

  /**
   * Creates a signer.
   *
   * @param key the key that verified the request ({@link VerifiedRequest#key()})
   * @param requestMac the request MAC ({@link VerifiedRequest#mac()})
   * @param clock the source of time signed
   * @param fudge the fudge to put in the TSIG RRs
   * @throws IllegalArgumentException if {@code fudge} is not 0..65535 whole seconds
   */
  public TsigStreamSigner(TsigKey key, byte[] requestMac, InstantSource clock, Duration fudge) {
    this.key = requireNonNull(key, "key");
    this.clock = requireNonNull(clock, "clock");
    this.fudge = TsigMac.fudgeSeconds(requireNonNull(fudge, "fudge"));
    if (requestMac.length > 0xffff) {
      throw new IllegalArgumentException("request MAC of " + requestMac.length + " bytes");
    }
    this.owner = key.name().toWire();
    this.algorithm = key.algorithm().algorithmName().toWire();
    this.keyName = key.name().toWireCanonical();
    this.algorithmName = key.algorithm().algorithmName().toWireCanonical();
    this.mac = new byte[key.algorithm().macLength()];
    this.recordLength = TsigMac.recordLength(owner, algorithm, mac.length, 0);
    this.hmac = TsigMac.create(key);
    TsigMac.updateLengthPrefixed(hmac, requestMac, 0, requestMac.length);
  }

  /**
   * Signs a message in place: appends a TSIG RR after {@code buf[off, off+len)} and increments
   * ARCOUNT.
   *
   * @param buf the buffer holding the message, with at least
   *     {@link Tsig#maxRecordLength(TsigKey)} spare bytes after it
   * @param off where the message starts
   * @param len the message length
   * @return the new message length
   * @throws IllegalArgumentException if the buffer has too little room, the message is shorter
   *     than a header, ARCOUNT is 65535 or the result would exceed 65535 bytes
   * @throws IllegalStateException if the clock is before 1970 or beyond TSIG's 48-bit range
   * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code buf}
   */
  public int sign(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    Tsig.checkSignable(buf, off, len);
    if (buf.length - off - len < recordLength) {
      throw new IllegalArgumentException("buffer has " + (buf.length - off - len)
          + " spare bytes, the TSIG record needs " + recordLength);
    }
    if (len + recordLength > 0xffff) {
      throw new IllegalArgumentException("signed message would be " + (len + recordLength)
          + " bytes, more than 65535");
    }
    long now = TsigMac.now(clock);
    hmac.update(buf, off, len);
    if (signed == 0) {
      TsigMac.updateVariables(hmac, keyName, algorithmName, now, fudge, 0, NO_OTHER, 0, 0,
          scratch);
    } else {
      TsigMac.updateTimers(hmac, now, fudge, scratch);
    }
    hmac.doFinal(mac, 0);
    int end = TsigMac.writeRecord(buf, off + len, owner, algorithm, now, fudge, mac, mac.length,
        Wire.u16(buf, off), 0, NO_OTHER, 0);
    Wire.put16(buf, off + 10, Wire.u16(buf, off + 10) + 1);
    TsigMac.updateLengthPrefixed(hmac, mac, 0, mac.length);
    signed++;
    unsignedRun = 0;
    return end - off;
  }

  /**
   * Records a message sent unsigned; its bytes enter the next MAC.
   *
   * @param buf the buffer holding the message exactly as sent
   * @param off where the message starts
   * @param len the message length
   * @throws IllegalStateException if no message was signed yet, or 99 messages in a row were
   *     already unsigned (RFC 8945 section 5.3.1)
   * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code buf}
   */
  public void addUnsigned(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (signed == 0) {
      throw new IllegalStateException("the first message of a response must be signed");
    }
    if (unsignedRun == TsigStreamVerifier.MAX_UNSIGNED) {
      throw new IllegalStateException(
          "99 unsigned messages in a row already; sign this one (RFC 8945 5.3.1)");
    }
    hmac.update(buf, off, len);
    unsignedRun++;
  }

  /**
   * Returns the key this signer uses.
   *
   * @return the key
   */
  public TsigKey key() {
    return key;
  }

  /**
   * Returns how many messages were sent unsigned since the last signed one.
   *
   * @return 0..99
   */
  public int unsignedSinceLastSigned() {
    return unsignedRun;
  }
}
