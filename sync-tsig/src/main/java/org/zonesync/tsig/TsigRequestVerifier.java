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
 * Server side: verifies a signed request (an AXFR/IXFR query, a NOTIFY) against a keyring
 * (RFC 8945 section 5.2). Stateless and thread-safe; each call uses its own HMAC context.
 *
 * <p>Checks, in this order: RR well-formed (FORMERR), key known and of the same algorithm
 * (BADKEY), error field zero (FORMERR), MAC length (FORMERR), MAC in constant time (BADSIG),
 * truncation policy (BADTRUNC), time (BADTIME). As RFC 8945 section 4.3.2 says, the MAC is
 * computed with the message ID replaced by the original ID, so a request whose ID a forwarder
 * rewrote still verifies.
 *
 * @since 0.1
 */
public final class TsigRequestVerifier {
  private TsigRequestVerifier() {}

  /**
   * Verifies a request with the default fudge of 300 s.
   *
   * @param keyring the keys accepted
   * @param msg the buffer holding the request
   * @param off where the request starts
   * @param len the request length
   * @param tsigOffset the result of {@link Tsig#locate} for the request
   * @param clock the local time
   * @return the key and the request MAC, to sign the response with
   * @throws TsigVerificationException UNSIGNED if {@code tsigOffset} is -1; BADKEY, BADSIG,
   *     BADTIME, BADTRUNC or FORMERR as described above
   * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code msg}
   */
  public static VerifiedRequest verify(TsigKeyring keyring, byte[] msg, int off, int len,
      int tsigOffset, InstantSource clock) throws TsigVerificationException {
    return verify(keyring, msg, off, len, tsigOffset, clock, Tsig.DEFAULT_FUDGE);
  }

  /**
   * Verifies a request.
   *
   * @param keyring the keys accepted
   * @param msg the buffer holding the request
   * @param off where the request starts
   * @param len the request length
   * @param tsigOffset the result of {@link Tsig#locate} for the request
   * @param clock the local time
   * @param fudge the largest clock difference accepted; the request's own smaller fudge wins
   * @return the key and the request MAC, to sign the response with
   * @throws TsigVerificationException UNSIGNED if {@code tsigOffset} is -1; BADKEY, BADSIG,
   *     BADTIME, BADTRUNC or FORMERR as described above
   * @throws IllegalArgumentException if {@code fudge} is not 0..65535 whole seconds
   * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code msg}
   */
  public static VerifiedRequest verify(TsigKeyring keyring, byte[] msg, int off, int len,
      int tsigOffset, InstantSource clock, Duration fudge) throws TsigVerificationException {
    requireNonNull(keyring, "keyring");
    requireNonNull(clock, "clock");
    int localFudge = TsigMac.fudgeSeconds(requireNonNull(fudge, "fudge"));
    Objects.checkFromIndexSize(off, len, msg.length);
    try {
      return check(keyring, msg, off, len, tsigOffset, clock, localFudge);
    } catch (TsigVerificationException e) {
      Log.TSIG.debug("request TSIG rejected: {}", e.getMessage());
      throw e;
    }
  }

  private static VerifiedRequest check(TsigKeyring keyring, byte[] msg, int off, int len,
      int tsigOffset, InstantSource clock, int localFudge) throws TsigVerificationException {
    if (tsigOffset < 0) {
      throw new TsigVerificationException(TsigError.UNSIGNED, "request carries no TSIG record");
    }
    TsigRr rr = TsigRr.parse(msg, off, len, tsigOffset);
    TsigKey key = keyring.findCanonical(rr.owner).orElseThrow(() ->
        new TsigVerificationException(TsigError.BADKEY, "unknown key "
            + Wire.nameText(rr.owner)));
    byte[] algorithmName = key.algorithm().algorithmName().toWireCanonical();
    if (!Arrays.equals(rr.algorithm, algorithmName)) {
      throw new TsigVerificationException(TsigError.BADKEY, "request uses algorithm "
          + Wire.nameText(rr.algorithm) + ", key " + key.name() + " is "
          + key.algorithm().keyword());
    }
    if (rr.error != 0) {
      throw Wire.formerr("request carries TSIG error " + TsigMac.errorText(rr.error));
    }
    HMac h = TsigMac.create(key);
    byte[] scratch = new byte[Wire.HEADER];
    TsigMac.updateMessageWithoutTsig(h, msg, off, tsigOffset, rr.originalId, scratch);
    TsigMac.updateVariables(h, rr.owner, algorithmName, rr.timeSigned, rr.fudge, rr.error, msg,
        rr.otherOffset, rr.otherLength, scratch);
    TsigMac.check(h, key, msg, rr, new byte[key.algorithm().macLength()], "");
    TsigMac.checkTime(rr, clock, localFudge, "");
    return new VerifiedRequest(key,
        Arrays.copyOfRange(msg, rr.macOffset, rr.macOffset + rr.macLength));
  }
}
