// SPDX-License-Identifier: Apache-2.0
/**
 * The compact zone: immutable zone versions held in wire form, in DNSSEC canonical order (RFC
 * 4034 section 6), in chunks that a copy-on-write delta replaces one by one. Entry points:
 * {@link org.zonesync.core.internal.zone.CompactZoneBuilder} (records in, checks, sort), {@link
 * org.zonesync.core.internal.zone.CompactZone} (the {@link org.zonesync.api.ZoneSnapshot}
 * implementation, with {@code apply} and {@code diff} for IXFR), {@link
 * org.zonesync.core.internal.zone.WireDelta} (one IXFR step in wire form), {@link
 * org.zonesync.core.internal.zone.ZoneCursor} (allocation-free walk for transfers out) and {@link
 * org.zonesync.core.internal.zone.ZoneContentException}. Internal: not exported by the module.
 */
@NullMarked
package org.zonesync.core.internal.zone;

import org.jspecify.annotations.NullMarked;
