// SPDX-License-Identifier: Apache-2.0
/**
 * Public types of zonesync. Entry points: {@link org.zonesync.api.ZoneReplica} (one secondary
 * zone), {@link org.zonesync.api.ZoneSnapshot} (an immutable version of a zone),
 * {@link org.zonesync.api.SerialNumber} (RFC 1982 arithmetic), {@link org.zonesync.api.TsigKey}
 * and the {@link org.zonesync.api.ZoneSyncException} hierarchy. Nothing here does I/O or starts
 * threads; nothing accepts or returns null.
 */
@NullMarked
package org.zonesync.api;

import org.jspecify.annotations.NullMarked;
