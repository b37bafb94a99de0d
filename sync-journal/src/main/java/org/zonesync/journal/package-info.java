// SPDX-License-Identifier: Apache-2.0
/**
 * Replica stores. Entry points: {@link org.zonesync.journal.FileReplicaStore}, the durable
 * store (a directory per zone holding the latest base version and a checksummed journal of
 * the deltas after it, crash-safe and self-repairing on start-up), and
 * {@link org.zonesync.journal.MemoryReplicaStore}, which keeps the latest version of each zone
 * in memory (tests, and embedders that re-transfer on start-up).
 *
 * <h2>On-disk format, version 1</h2>
 *
 * <p>All integers are big-endian. CRC32C is the Castagnoli CRC of {@link java.util.zip.CRC32C}.
 * A version is numbered by its <em>sequence</em> in a <em>lineage</em>: a full version stored
 * by {@code replace} starts a new lineage (random 64-bit epoch) at sequence 0, and every
 * committed delta adds one. The snapshot and the journal name their lineage, so that a journal
 * left over from an earlier lineage is never applied to a newer snapshot, and sequences (not
 * serials, which may wrap or repeat, RFC 1982) tie the snapshot to its place in the journal.
 *
 * <pre>
 * &lt;store&gt;/&lt;zone&gt;/           zone directory: labels lower-cased, joined by '.', bytes other
 *                               than [a-z0-9_-] as %xx; the root zone is "@"
 *   snapshot.zs                 the base version
 *   journal.zsj                 deltas; its chain contains the base version
 *   timers.zst                  refresh timers; independent of the two files above
 *   *.tmp                       a write that did not reach its rename; removed on open
 *   *.corrupt-&lt;utc time&gt;[-n]  damage set aside, kept for the operator
 *
 * snapshot.zs
 *   0   4  magic "ZSNP"
 *   4   2  format version (1)
 *   6   2  flags (0)
 *   8   8  lineage epoch
 *   16  8  sequence of this version in the lineage
 *   24  4  SOA serial
 *   28  1  zone name length N, then N bytes: canonical wire name of the apex
 *   ..  4  CRC32C of the header bytes above
 *   records, the apex SOA first, each:
 *       u8 flags: 0x00 owner follows | 0x01 same owner as the previous record
 *       [u8 owner length, owner wire name (case kept)]
 *       u16 type, u16 class, u32 ttl, u16 rdlength, rdata (uncompressed)
 *   u8  0x80 end of records
 *   u64 record count
 *   u32 CRC32C of every byte of the file before it; nothing follows
 *
 * journal.zsj
 *   0   4  magic "ZJNL"
 *   4   2  format version (1)
 *   6   2  flags (0)
 *   8   8  lineage epoch (equal to the snapshot's, or the journal is stale)
 *   16  8  start sequence: the version the first entry applies to
 *   24  4  start serial: that version's SOA serial
 *   28  4  chain seed: the "previous CRC" of the first entry
 *   32  1  zone name length N, then N bytes: canonical wire name of the apex
 *   ..  4  CRC32C of the header bytes above
 *   entries, each (40 + P bytes):
 *     0     4  magic "ZJEN"
 *     4     4  payload length P
 *     8     8  sequence of the version the entry produces (previous + 1)
 *     16    4  from serial
 *     20    4  to serial (RFC 1982 newer than from)
 *     24    4  previous entry's CRC (or the chain seed)
 *     28    P  payload: u32 deleted count D, u32 added count A, from SOA, to SOA,
 *                       D deleted records, A added records (record encoding as above)
 *     28+P  4  CRC32C of bytes 0 .. 28+P of the entry
 *     32+P  4  commit magic "ZCMT"
 *     36+P  4  CRC32C of the 4 entry-CRC bytes (binds the marker to this entry)
 *
 * timers.zst (at most 4096 bytes; times are u64 signed seconds since 1970 UTC, u32 nanos)
 *   0   4  magic "ZTMR"
 *   4   2  format version (1)
 *   6   2  flags: 0x01 expiry present, 0x02 expired (needs 0x01), 0x04 primary present,
 *               0x08 last success present; other bits 0
 *   8   1  zone name length N, then N bytes: canonical wire name of the apex
 *   ..  12 next refresh
 *       4  consecutive failures (0 .. 2^31-1)
 *       [12 expiry] [12 last success]
 *       [primary: u8 address length L (4 or 16), L bytes, if 16: u32 scope id (0 none),
 *        u16 port]
 *   u32 CRC32C of every byte of the file before it; nothing follows
 * </pre>
 *
 * <p>Append: data (header, payload, CRC), force, commit marker, force. The scan on open stops at
 * the first entry that is incomplete, fails its CRC, lacks its marker, or does not continue the
 * chain (sequence, previous CRC, from serial); the entries before it are the committed journal.
 * A bad tail reaching the end of the file is an interrupted append and is ignored (overwritten
 * by the next append); damage with data after it is set aside and the committed prefix copied
 * into a fresh journal. The snapshot's sequence must fall within the journal's chain with the
 * same serial there, or the journal is set aside and the snapshot alone is used; a damaged
 * snapshot sets both files aside and the zone reads as empty.
 *
 * <p>Full version (replace, compaction, and the first write after a failed force): temp file,
 * write, force, rename over the live file, force the directory; then a new journal the same
 * way. Compaction keeps the lineage, so the journal still contains the new base.
 *
 * <p>Timers: temp file, write, force, rename over {@code timers.zst}, force the directory. A
 * timers file that is damaged, too large, of another zone or of an unknown version is set
 * aside ({@code timers.zst.corrupt-<utc time>}), logged at WARN, and read as "no timers".
 */
@NullMarked
package org.zonesync.journal;

import org.jspecify.annotations.NullMarked;
