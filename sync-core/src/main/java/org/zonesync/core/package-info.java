// SPDX-License-Identifier: Apache-2.0
/**
 * The zonesync engine's entry points: {@link org.zonesync.core.ZoneSync} (a set of secondary
 * zones kept up to date), {@link org.zonesync.core.SecondaryZone} (one zone's configuration),
 * {@link org.zonesync.core.TransferLimits}, {@link org.zonesync.core.Zones} (snapshots from
 * records or master files) and {@link org.zonesync.core.TransferServer} (serves AXFR of
 * snapshots over TCP).
 */
@NullMarked
package org.zonesync.core;

import org.jspecify.annotations.NullMarked;
