// SPDX-License-Identifier: Apache-2.0
/**
 * Incoming NOTIFY (RFC 1996) for the secondary side. {@link
 * org.zonesync.core.internal.notify.NotifyHandler} turns one received message into an {@link
 * org.zonesync.core.internal.notify.Outcome}: the answer to send (if any) and, for a NOTIFY that
 * passed every check, the {@link org.zonesync.core.internal.notify.Accepted} fact that the refresh
 * engine acts on. The engine supplies the per-zone access rules through {@link
 * org.zonesync.core.internal.notify.NotifyPolicy} and {@link
 * org.zonesync.core.internal.notify.ZoneAcl}. {@link
 * org.zonesync.core.internal.notify.NotifyListener} binds UDP and TCP on one port for standalone
 * use and feeds the handler. Nothing here starts a refresh: an accepted NOTIFY is only a hint
 * (RFC 1996 section 3.11), and coalescing and rate limits belong to the engine (TESTPLAN D7).
 */
@NullMarked
package org.zonesync.core.internal.notify;

import org.jspecify.annotations.NullMarked;
