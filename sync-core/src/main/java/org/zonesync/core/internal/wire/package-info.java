// SPDX-License-Identifier: Apache-2.0
/**
 * The DNS wire layer of the transfer hot paths: allocation-free reading and compressed writing
 * of RFC 1035 messages. Entry points: {@link org.zonesync.core.internal.wire.TcpMessageInput}
 * (length-prefixed messages from a TCP stream, RFC 7766 section 8), {@link
 * org.zonesync.core.internal.wire.MessageReader} (a pull reader that decompresses owner names and
 * the names RFC 3597 section 4 lets a sender compress, and validates every bound), {@link
 * org.zonesync.core.internal.wire.MessageWriter} (a size-bounded message builder with name
 * compression, RFC 1035 section 4.1.4), {@link org.zonesync.core.internal.wire.WireNames}
 * (canonical order and comparisons of uncompressed names), {@link
 * org.zonesync.core.internal.wire.EdnsExpire} (the OPT record of a query and the EDNS EXPIRE
 * option of an answer, RFC 6891 and RFC 7314) and {@link
 * org.zonesync.core.internal.wire.WireFormatException}. Names are uncompressed wire form with
 * their case kept; dnsjava is the reference codec in the tests. This package is not exported.
 */
@NullMarked
package org.zonesync.core.internal.wire;

import org.jspecify.annotations.NullMarked;
