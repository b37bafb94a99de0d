// SPDX-License-Identifier: Apache-2.0
/**
 * TSIG (RFC 8945) on raw DNS messages, without building dnsjava {@code Message} objects on the
 * hot path. Entry points: {@link org.zonesync.tsig.Tsig} ({@code locate} the TSIG RR, {@code
 * signRequest}); {@link org.zonesync.tsig.TsigStreamVerifier} (client side: verify a response or
 * an AXFR/IXFR stream); {@link org.zonesync.tsig.TsigRequestVerifier}, {@link
 * org.zonesync.tsig.TsigStreamSigner} and {@link org.zonesync.tsig.TsigErrorResponse} (server
 * side); {@link org.zonesync.tsig.TsigKeyring}; {@link org.zonesync.tsig.TsigKeyFiles} (BIND and
 * Knot key files, key generation). MACs use BouncyCastle's lightweight HMAC, one context per
 * stream or call, compared in constant time with {@code MessageDigest.isEqual}.
 *
 * <h2>Deviations from RFC 8945</h2>
 *
 * <ul>
 *   <li>The time window is the smaller of the received fudge and the local one (default 300 s),
 *       so a peer cannot widen it by sending a large fudge (section 5.2.3 uses the received
 *       fudge alone).
 *   <li>Responses: the message ID must equal the TSIG original ID (FORMERR otherwise). Section
 *       4.3.2 lets the ID differ and digests the original ID, for forwarders; zone transfers do
 *       not pass through forwarders, and the check makes every bit of a response matter.
 *       Requests follow the RFC: a rewritten ID still verifies.
 *   <li>A response whose TSIG error field is non-zero is reported as that error (BADSIG, BADKEY,
 *       BADTIME, BADTRUNC; unknown codes as FORMERR) without verifying its MAC: it is a failure
 *       either way, and an error response to BADSIG/BADKEY carries no MAC (section 5.3.2).
 *   <li>A MAC longer than the hash output or shorter than max(10, half the hash output) is
 *       FORMERR; a MAC within those limits but shorter than the key's
 *       {@link org.zonesync.api.TsigKey#minimumMacLength()} is BADTRUNC (section 5.2.2.1). The
 *       truncation check comes after the MAC check, the time check last.
 *   <li>A request with a non-zero error field is FORMERR.
 *   <li>Signing always produces full-length MACs; truncated MACs are only accepted.
 *   <li>Error responses (section 5.3.2): BADKEY and BADSIG answers are unsigned; BADTIME and
 *       BADTRUNC answers are signed only after the request MAC is re-checked, else they become
 *       unsigned BADSIG (no signing oracle). FORMERR answers carry no TSIG RR.
 *   <li>Not implemented: GSS-TSIG (RFC 3645) and TKEY; truncated (TC) UDP responses are left
 *       to the caller, which should fail them rather than verify a partial message.
 *   <li>Owner and algorithm names of a received TSIG RR are accepted when compressed (dnsjava
 *       compresses the owner); the algorithm name MUST NOT be compressed by section 4.2, and
 *       we never compress either when signing.
 * </ul>
 */
@NullMarked
package org.zonesync.tsig;

import org.jspecify.annotations.NullMarked;
