// SPDX-License-Identifier: Apache-2.0
/**
 * Zone transfers on the wire. {@link org.zonesync.core.internal.xfr.AxfrStream} validates an
 * incoming AXFR response stream (RFC 5936) and builds the new zone from it;
 * {@link org.zonesync.core.internal.xfr.AxfrClient} does the TCP exchange with its timeouts;
 * {@link org.zonesync.core.internal.xfr.AxfrWriter} encodes a snapshot as many-answers AXFR
 * messages.
 *
 * <p>Deviations from RFC 5936: records in the authority and additional sections of a response
 * are ignored (BIND does the same); a response's question section may be omitted after the first
 * message (section 2.2.1) but, when present, must match the query.
 */
@NullMarked
package org.zonesync.core.internal.xfr;

import org.jspecify.annotations.NullMarked;
