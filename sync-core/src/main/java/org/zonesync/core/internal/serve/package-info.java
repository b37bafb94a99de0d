// SPDX-License-Identifier: Apache-2.0
/**
 * Admission for zone transfers served onward (AXFR/IXFR out, RFC 5936 section 6). {@link
 * org.zonesync.core.internal.serve.TransferAcl} is the per-zone allow-transfer list, an ordered,
 * first-match-wins list of address prefixes and TSIG key names in the manner of BIND's
 * address_match_list, denying by default; it is checked before anything is reserved. {@link
 * org.zonesync.core.internal.serve.OutQuota} then bounds concurrent transfers out, in total and
 * per client, handing out {@link org.zonesync.core.internal.serve.OutQuota.Slot}s that are
 * released exactly once. Neither class does I/O or logging; the server that serves transfers
 * wires them together and logs the {@link
 * org.zonesync.core.internal.serve.TransferAcl.Decision}.
 */
@NullMarked
package org.zonesync.core.internal.serve;

import org.jspecify.annotations.NullMarked;
