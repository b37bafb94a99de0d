// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.macs.HMac;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigKey;
import org.zonesync.api.TsigVerificationException;

/**
 * Verifies the response to a request this side signed: a single message, or the messages of a
 * TCP stream such as an AXFR or IXFR (RFC 8945 section 5.3.1).
 *
 * <p>The first message must be signed; it is verified like any response (request MAC, message,
 * all TSIG variables). Up to 99 unsigned messages may follow a signed one. The MAC of each later
 * signed message covers the prior MAC, the unsigned messages since and this message, and of the
 * variables only time signed and fudge. Call {@link #finish()} at the end of the stream: the
 * last message must be signed.
 *
 * <pre>
 *   START --signed--> SIGNED --unsigned (1..99)--> UNSIGNED --signed--> SIGNED
 *     |                 |                            |--100th unsigned--> fail (UNSIGNED)
 *     +--unsigned--> fail (UNSIGNED)      finish(): ok only in SIGNED
 * </pre>
 *
 * <p>Checks per signed message, in this order: RR well-formed (FORMERR), key name and algorithm
 * (BADKEY), error field zero (else that error), message ID equals original ID (FORMERR), MAC
 * length (FORMERR), MAC in constant time (BADSIG), truncation policy (BADTRUNC), time (BADTIME).
 * The MAC comes before the time, so a forged message with a bad time is BADSIG.
 *
 * <p>Not thread-safe: use one instance per response stream, from one thread at a time. After a
 * failure the instance is spent: further calls throw {@link IllegalStateException}.
 *
 * @since 0.1
 */
public final class TsigStreamVerifier {
  /** At most 99 unsigned messages may follow a signed one (RFC 8945 section 5.3.1). */
  static final int MAX_UNSIGNED = 99;

  private final TsigKey key;
  private final InstantSource clock;
  private final int fudge;
  private final HMac hmac;
  private final byte[] keyName;
  private final byte[] algorithmName;
  private final byte[] scratch = new byte[Wire.HEADER];
  private final byte[] expected;
  private int messages;
  private int unsignedRun;
  private boolean lastSigned;
  private boolean failed;

  /**
   * Creates a verifier with the default fudge of 300 s.
   *
   * @param key the key the request was signed with
   * @param requestMac the MAC of the request ({@link SignedMessage#mac()})
   * @param clock the local time
   */
  public TsigStreamVerifier(TsigKey key, byte[] requestMac, InstantSource clock) {
    this(key, requestMac, clock, Tsig.DEFAULT_FUDGE);
  }

  /**
   * Creates a verifier.
   *
   * @param key the key the request was signed with
   * @param requestMac the MAC of the request ({@link SignedMessage#mac()})
   * @param clock the local time
   * @param fudge the largest clock difference accepted; a message's own smaller fudge wins
   * @throws IllegalArgumentException if {@code fudge} is not 0..65535 whole seconds
   */
  public TsigStreamVerifier(TsigKey key, byte[] requestMac, InstantSource clock, Duration fudge) {
    this.key = requireNonNull(key, "key");
    this.clock = requireNonNull(clock, "clock");
    this.fudge = TsigMac.fudgeSeconds(requireNonNull(fudge, "fudge"));
    if (requestMac.length > 0xffff) {
      throw new IllegalArgumentException("request MAC of " + requestMac.length + " bytes");
    }
    this.keyName = key.name().toWireCanonical();
    this.algorithmName = key.algorithm().algorithmName().toWireCanonical();
    this.expected = new byte[key.algorithm().macLength()];
    this.hmac = TsigMac.create(key);
    TsigMac.updateLengthPrefixed(hmac, requestMac, 0, requestMac.length);
  }

  /**
   * Verifies the next message of the response.
   *
   * @param msg the buffer holding the message
   * @param off where the message starts
   * @param len the message length
   * @param tsigOffset the result of {@link Tsig#locate} for this message: the absolute index of
   *     the TSIG RR, or -1 if the message is unsigned
   * @throws TsigVerificationException UNSIGNED (first message unsigned, or a 100th unsigned
   *     message in a row), BADKEY (key name or algorithm differ), BADSIG, BADTIME, BADTRUNC,
   *     FORMERR, or the error the TSIG RR carries (e.g. the server's BADKEY)
   * @throws IllegalStateException if an earlier call failed
   * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code msg}
   */
  public void verify(byte[] msg, int off, int len, int tsigOffset)
      throws TsigVerificationException {
    Objects.checkFromIndexSize(off, len, msg.length);
    if (failed) {
      throw new IllegalStateException("verifier failed on message " + messages);
    }
    messages++;
    try {
      if (tsigOffset < 0) {
        acceptUnsigned(msg, off, len);
      } else {
        verifySigned(msg, off, len, tsigOffset);
      }
    } catch (TsigVerificationException | RuntimeException e) {
      failed = true;
      if (e instanceof TsigVerificationException t) {
        Log.TSIG.debug("response TSIG rejected: {}", t.getMessage());
      }
      throw e;
    }
  }

  private void acceptUnsigned(byte[] msg, int off, int len) throws TsigVerificationException {
    if (messages == 1) {
      throw new TsigVerificationException(TsigError.UNSIGNED, Tsig.where(messages)
          + "the first message of a response carries no TSIG record");
    }
    if (unsignedRun == MAX_UNSIGNED) {
      throw new TsigVerificationException(TsigError.UNSIGNED, Tsig.where(messages)
          + "100 unsigned messages in a row, RFC 8945 5.3.1 allows 99");
    }
    unsignedRun++;
    lastSigned = false;
    hmac.update(msg, off, len);
  }

  private void verifySigned(byte[] msg, int off, int len, int tsigOffset)
      throws TsigVerificationException {
    String where = Tsig.where(messages);
    TsigRr rr = TsigRr.parse(msg, off, len, tsigOffset);
    if (!Arrays.equals(rr.owner, keyName)) {
      throw new TsigVerificationException(TsigError.BADKEY, where + "signed with key "
          + Wire.nameText(rr.owner) + ", expected " + key.name());
    }
    if (!Arrays.equals(rr.algorithm, algorithmName)) {
      throw new TsigVerificationException(TsigError.BADKEY, where + "signed with algorithm "
          + Wire.nameText(rr.algorithm) + ", key " + key.name() + " is "
          + key.algorithm().keyword());
    }
    if (rr.error != 0) {
      throw new TsigVerificationException(TsigMac.errorOf(rr.error),
          where + "server returned TSIG error " + TsigMac.errorText(rr.error));
    }
    int id = Wire.u16(msg, off);
    if (id != rr.originalId) {
      throw Wire.formerr(where + "message ID " + id + " differs from TSIG original ID "
          + rr.originalId);
    }
    TsigMac.updateMessageWithoutTsig(hmac, msg, off, tsigOffset, rr.originalId, scratch);
    if (messages == 1) {
      TsigMac.updateVariables(hmac, keyName, algorithmName, rr.timeSigned, rr.fudge, rr.error,
          msg, rr.otherOffset, rr.otherLength, scratch);
    } else {
      TsigMac.updateTimers(hmac, rr.timeSigned, rr.fudge, scratch);
    }
    TsigMac.check(hmac, key, msg, rr, expected, where);
    TsigMac.checkTime(rr, clock, fudge, where);
    // The next signed message's MAC starts with this one's, as received (RFC 8945 4.3.2).
    TsigMac.updateLengthPrefixed(hmac, msg, rr.macOffset, rr.macLength);
    unsignedRun = 0;
    lastSigned = true;
  }

  /**
   * Ends the stream.
   *
   * @throws TsigVerificationException UNSIGNED if no message was fed or the last one was not
   *     signed (RFC 8945 section 5.3.1)
   * @throws IllegalStateException if an earlier call failed
   */
  public void finish() throws TsigVerificationException {
    if (failed) {
      throw new IllegalStateException("verifier failed on message " + messages);
    }
    if (messages == 0) {
      throw new TsigVerificationException(TsigError.UNSIGNED, "response stream has no message");
    }
    if (!lastSigned) {
      throw new TsigVerificationException(TsigError.UNSIGNED, Tsig.where(messages)
          + "the last message of the response carries no TSIG record");
    }
  }

  /**
   * Returns how many messages were fed so far.
   *
   * @return the count, including a message that failed
   */
  public int messages() {
    return messages;
  }
}
