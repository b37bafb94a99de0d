// SPDX-License-Identifier: Apache-2.0
/**
 * Zone transfers on the wire. {@link org.zonesync.core.internal.xfr.AxfrStream} validates an
 * incoming AXFR response stream (RFC 5936) and builds the new zone from it;
 * {@link org.zonesync.core.internal.xfr.AxfrClient} does the TCP exchange with its timeouts;
 * {@link org.zonesync.core.internal.xfr.AxfrWriter} encodes a snapshot as many-answers AXFR
 * messages. For IXFR (RFC 1995), {@link org.zonesync.core.internal.xfr.IxfrStream} validates an
 * answer (incremental, AXFR-style or up to date) and applies its deltas copy-on-write,
 * {@link org.zonesync.core.internal.xfr.IxfrClient} does the exchange (any failure means: fall
 * back to AXFR), and {@link org.zonesync.core.internal.xfr.IxfrWriter} encodes deltas. Both
 * clients share the socket side, {@code XfrConnection}; both writers the message packing,
 * {@code AnswerPacker}. {@link org.zonesync.core.internal.xfr.IxfrOutPlan} decides what an IXFR
 * request gets, as BIND's xfrout does.
 *
 * <p>Deviations from RFC 5936: records in the authority and additional sections of a response
 * are ignored (BIND does the same); a response's question section may be omitted after the first
 * message (section 2.2.1) but, when present, must match the query. For IXFR, as BIND: an answer
 * whose first SOA is not newer than ours means "up to date" whatever follows it, and an empty
 * first answer section is a failure (so that the caller uses AXFR).
 */
@NullMarked
package org.zonesync.core.internal.xfr;

import org.jspecify.annotations.NullMarked;
