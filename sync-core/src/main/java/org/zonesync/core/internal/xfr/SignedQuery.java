// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.time.InstantSource;
import org.jspecify.annotations.Nullable;
import org.zonesync.api.Primary;
import org.zonesync.api.TsigKey;
import org.zonesync.tsig.SignedMessage;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigStreamVerifier;

/**
 * A transfer query as sent: TSIG-signed when the primary has a key, with the verifier its
 * answers must pass (RFC 8945 5.3.1), else as built and with no verifier.
 *
 * @param wire the query bytes
 * @param verifier the stream verifier for the answer, or null when unsigned
 */
record SignedQuery(byte[] wire, @Nullable TsigStreamVerifier verifier) {

  static SignedQuery of(byte[] query, Primary primary, InstantSource clock) {
    TsigKey key = primary.key().orElse(null);
    if (key == null) {
      return new SignedQuery(query, null);
    }
    SignedMessage signed = Tsig.signRequest(key, query, 0, query.length, clock);
    return new SignedQuery(signed.message(), new TsigStreamVerifier(key, signed.mac(), clock));
  }
}
