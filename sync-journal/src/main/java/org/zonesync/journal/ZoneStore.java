// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.xbill.DNS.Name;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.WireRecordSink;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.spi.ReplicaStore;

/**
 * One zone's directory: what is committed there (read once, then kept in memory as an index)
 * and every operation on it. Callers hold {@link #lock}. After a failed write the in-memory
 * view is dropped and read again from disk at the next call; after a failure that may have
 * touched a live file the journal is distrusted and the next write is a full snapshot.
 */
final class ZoneStore {
  private static final String SNAPSHOT = ZoneFiles.SNAPSHOT;
  private static final String JOURNAL = ZoneFiles.JOURNAL;
  private static final Logger LOG = ZoneFiles.LOG;

  final ReentrantLock lock = new ReentrantLock();
  /** The zone's refresh timers, beside its data but independent of it. */
  final TimersFile timers;
  private final Name zone;
  private final byte[] apex;
  private final Path dir;
  private final FileReplicaStore.Config cfg;
  private final StoreFiles files;
  private final ZoneFiles zf;

  private boolean opened;
  private boolean hasSnapshot;
  private long epoch;
  private long baseSeq;
  private SerialNumber baseSerial = SerialNumber.of(0);
  private JournalFormat.@Nullable Header journal;
  private final List<JournalFormat.Entry> entries = new ArrayList<>();
  private long journalEnd;
  /** A write failed in a way that may have left a live file in doubt (E8). */
  private boolean mustRewrite;

  ZoneStore(Name zone, Path dir, FileReplicaStore.Config cfg) {
    this.zone = zone;
    this.apex = RecordCodec.canonical(zone);
    this.dir = dir;
    this.cfg = cfg;
    this.files = cfg.files();
    this.zf = new ZoneFiles(zone, dir, cfg);
    this.timers = new TimersFile(zone, apex, zf, files);
  }

  private Path path(String name) {
    return zf.path(name);
  }

  // ---------------------------------------------------------------- reading

  Optional<ReplicaStore.Stored> load(WireRecordSink sink) throws ReplicaStoreException {
    boolean fresh = ensureOpen();
    if (!hasSnapshot) {
      return Optional.empty();
    }
    List<ZoneDelta> pending = journal == null ? List.of()
        : readEntries((int) (baseSeq - journal.startSeq()));
    if (pending == null) {
      pending = List.of();
    }
    try (StoreFiles.Handle h = files.openRead(path(SNAPSHOT))) {
      if (!fresh) { // verified when opened, but the sink must never see part of a bad file
        try {
          if (!isBase(SnapshotFormat.read(h, apex, null, cfg.bufferSize()))) {
            opened = false; // replaced under the store: read the directory again
            return load(sink);
          }
        } catch (StoreFormatException e) {
          quarantineAll("snapshot unreadable: " + e.getMessage());
          return Optional.empty();
        }
      }
      if (!isBase(SnapshotFormat.read(h, apex, sink, cfg.bufferSize()))) {
        throw new StoreFormatException("another snapshot");
      }
    } catch (StoreFormatException e) {
      opened = false;
      throw new ReplicaStoreException("snapshot changed while being read: " + e.getMessage(),
          zone, e);
    } catch (IOException e) {
      opened = false;
      throw new ReplicaStoreException("cannot read " + path(SNAPSHOT) + ": " + e, zone, e);
    }
    return Optional.of(new ReplicaStore.Stored(baseSerial, pending));
  }

  private boolean isBase(SnapshotFormat.Info info) {
    return info.epoch() == epoch && info.seq() == baseSeq && info.serial().equals(baseSerial);
  }

  Optional<List<ZoneDelta>> deltasSince(SerialNumber from) throws ReplicaStoreException {
    ensureOpen();
    if (!hasSnapshot) {
      return Optional.empty();
    }
    if (latest().equals(from)) {
      return Optional.of(List.of());
    }
    JournalFormat.Header j = journal;
    if (j == null) {
      return Optional.empty();
    }
    int match = -1;
    for (int p = 0; p < entries.size(); p++) {
      if (entries.get(p).from().equals(from)) {
        if (match >= 0) {
          return Optional.empty(); // the serial recurs (RFC 1982 wrap): ambiguous, so AXFR
        }
        match = p;
      }
    }
    return match < 0 ? Optional.empty() : Optional.ofNullable(readEntries(match));
  }

  /** Reads entries {@code from..} of the journal; null if the journal turned out damaged. */
  private @Nullable List<ZoneDelta> readEntries(int from) throws ReplicaStoreException {
    List<ZoneDelta> out = new ArrayList<>(entries.size() - from);
    if (from == entries.size()) {
      return out;
    }
    try (StoreFiles.Handle h = files.openRead(path(JOURNAL))) {
      for (int i = from; i < entries.size(); i++) {
        out.add(JournalFormat.read(h, entries.get(i), apex));
      }
      return out;
    } catch (StoreFormatException e) {
      zf.quarantine(JOURNAL, "journal entry unreadable: " + e.getMessage());
      dropJournal();
      return null;
    } catch (NoSuchFileException e) {
      LOG.error("zone {}: journal disappeared; using the snapshot at serial {} only", zone,
          baseSerial);
      dropJournal();
      return null;
    } catch (IOException e) {
      opened = false;
      throw new ReplicaStoreException("cannot read " + path(JOURNAL) + ": " + e, zone, e);
    }
  }

  private void dropJournal() {
    journal = null;
    entries.clear();
    journalEnd = 0;
  }

  SerialNumber latest() {
    JournalFormat.Header j = journal;
    if (j == null) {
      return baseSerial;
    }
    return entries.isEmpty() ? j.startSerial() : entries.get(entries.size() - 1).to();
  }

  private long latestSeq() {
    JournalFormat.Header j = journal;
    return j == null ? baseSeq : j.startSeq() + entries.size();
  }

  // ---------------------------------------------------------------- opening

  /** Reads the directory unless already done; returns true if it read it now. */
  private boolean ensureOpen() throws ReplicaStoreException {
    if (opened) {
      return false;
    }
    hasSnapshot = false;
    dropJournal();
    List<String> names;
    try {
      names = files.list(dir);
    } catch (IOException e) {
      throw new ReplicaStoreException("cannot list " + dir + ": " + e, zone, e);
    }
    for (String n : names) {
      if (n.endsWith(ZoneFiles.TMP)) { // a write that never reached its rename (E9)
        try {
          files.delete(path(n));
        } catch (IOException e) {
          LOG.warn("zone {}: cannot remove stray temporary file {}: {}", zone, n, e.toString());
        }
      }
    }
    opened = true;
    if (!names.contains(SNAPSHOT)) {
      if (names.contains(JOURNAL)) {
        zf.quarantine(JOURNAL, "journal without a snapshot");
      }
      return true;
    }
    SnapshotFormat.Info info;
    try (StoreFiles.Handle h = files.openRead(path(SNAPSHOT))) {
      info = SnapshotFormat.read(h, apex, null, cfg.bufferSize());
    } catch (StoreFormatException e) {
      quarantineAll("snapshot unreadable: " + e.getMessage());
      return true;
    } catch (IOException e) {
      opened = false;
      throw new ReplicaStoreException("cannot read " + path(SNAPSHOT) + ": " + e, zone, e);
    }
    hasSnapshot = true;
    epoch = info.epoch();
    baseSeq = info.seq();
    baseSerial = info.serial();
    if (names.contains(JOURNAL)) {
      openJournal();
    }
    return true;
  }

  private void openJournal() throws ReplicaStoreException {
    JournalFormat.Scan s;
    try (StoreFiles.Handle h = files.openRead(path(JOURNAL))) {
      s = JournalFormat.scan(h, apex, cfg.bufferSize());
    } catch (StoreFormatException e) {
      zf.quarantine(JOURNAL, e.getMessage() + "; using the snapshot at serial " + baseSerial);
      return;
    } catch (IOException e) {
      opened = false;
      throw new ReplicaStoreException("cannot read " + path(JOURNAL) + ": " + e, zone, e);
    }
    JournalFormat.Header h = s.header();
    if (h.epoch() != epoch) {
      // Left behind when a full snapshot replaced the zone and the process stopped before the
      // new journal was in place: it describes an earlier version, not this one.
      LOG.info("zone {}: removing the journal of an earlier version (snapshot serial {})", zone,
          baseSerial);
      zf.deleteQuietly(JOURNAL);
      return;
    }
    long k = baseSeq - h.startSeq();
    List<JournalFormat.Entry> found = s.entries();
    if (k < 0 || k > found.size()) {
      zf.quarantine(JOURNAL, "journal out of sync with zone: snapshot is version " + baseSeq
          + " (serial " + baseSerial + "), journal holds versions " + h.startSeq() + ".."
          + (h.startSeq() + found.size()) + (s.stop() == null ? "" : " (" + s.stop() + ")"));
      return;
    }
    SerialNumber at = k == 0 ? h.startSerial() : found.get((int) k - 1).to();
    if (!at.equals(baseSerial)) {
      zf.quarantine(JOURNAL, "journal out of sync with zone: expected serial " + baseSerial
          + " at version " + baseSeq + ", journal has " + at);
      return;
    }
    journal = h;
    entries.addAll(found);
    journalEnd = s.end();
    if (s.stop() != null) {
      if (s.torn()) {
        LOG.info("zone {}: ignoring {} bytes of uncommitted journal tail ({}); latest serial {}",
            zone, s.fileSize() - s.end(), s.stop(), latest());
      } else {
        repairJournal(s);
      }
    }
  }

  /** Sets a journal with damage in the middle aside and keeps its committed prefix (E2). */
  private void repairJournal(JournalFormat.Scan s) {
    Path aside = zf.quarantinePath(JOURNAL);
    try {
      zf.writeJournal(copyOfHeader(), journal().length(), journalEnd, true);
      zf.swapJournalKeepingOld(aside);
      LOG.error("zone {}: journal corrupt: {}; kept {} entries up to serial {}, moved the "
          + "damaged file aside as {}", zone, s.stop(), entries.size(), latest(),
          aside.getFileName());
    } catch (IOException e) {
      LOG.error("zone {}: journal corrupt: {}; could not repair it ({}), using the snapshot at "
          + "serial {}", zone, s.stop(), e.toString(), baseSerial);
      dropJournal(); // the next delta starts a new journal over the damaged one
    }
  }

  private byte[] copyOfHeader() {
    JournalFormat.Header h = journal();
    return JournalFormat.header(h.epoch(), h.startSeq(), h.startSerial(), h.seed(), apex);
  }

  private JournalFormat.Header journal() {
    JournalFormat.Header j = journal;
    if (j == null) {
      throw new IllegalStateException("no journal");
    }
    return j;
  }

  // ---------------------------------------------------------------- writing

  void replace(ZoneSnapshot s) throws ReplicaStoreException {
    ensureOpen();
    writeBase(s);
  }

  void append(ZoneDelta delta, ZoneSnapshot after) throws ReplicaStoreException {
    ensureOpen();
    if (!hasSnapshot) {
      throw new ReplicaStoreException("no version of the zone is stored to apply a delta to",
          zone, null);
    }
    if (!latest().equals(delta.from())) {
      throw new ReplicaStoreException("serial gap: stored version is " + latest()
          + ", delta starts at " + delta.from(), zone, null);
    }
    if (mustRewrite) {
      LOG.warn("zone {}: the journal is distrusted after a failed write; storing serial {} as "
          + "a full snapshot", zone, after.serial());
      writeBase(after);
      return;
    }
    if (journal == null) {
      try {
        startJournal(baseSeq, baseSerial);
      } catch (IOException e) {
        opened = false;
        throw new ReplicaStoreException("cannot start the journal: " + e, zone, e);
      }
    }
    long seq = latestSeq() + 1;
    int prev = entries.isEmpty() ? journal().seed() : entries.get(entries.size() - 1).crc();
    byte[] data;
    try {
      data = JournalFormat.entry(delta, seq, prev, apex);
    } catch (IllegalArgumentException e) {
      throw new ReplicaStoreException("delta refused: " + e.getMessage(), zone, e);
    }
    int crc = (int) Buf.u32(data, data.length - 4);
    long at = journalEnd;
    StoreFiles.Handle h = null;
    try {
      h = files.openWrite(path(JOURNAL), false);
      long size = h.size();
      if (size < at) {
        throw new IOException("journal is " + size + " bytes, its entries end at " + at);
      }
      if (size > at) {
        h.truncate(at); // an uncommitted tail; the force below makes the cut durable
      }
      // Commit protocol: data, force, marker, force. Only the marker makes an entry count.
      h.write(ByteBuffer.wrap(data), at);
      h.force();
      h.write(ByteBuffer.wrap(JournalFormat.marker(crc)), at + data.length);
      h.force();
    } catch (IOException e) {
      mustRewrite = true;
      opened = false;
      throw new ReplicaStoreException("journal append failed: " + e, zone, e);
    } finally {
      zf.closeQuietly(h);
    }
    entries.add(new JournalFormat.Entry(at, data.length - JournalFormat.ENTRY_HEADER - 4, seq,
        delta.from(), delta.to(), crc));
    journalEnd = at + data.length + 8;
    if (entries.size() > cfg.maxJournalDepth()
        || journalEnd - journal().length() > cfg.maxJournalBytes()) {
      compact(after);
    }
  }

  /**
   * Writes the latest version as the new base and trims the journal to its newest entries,
   * at most half the limits so that compaction does not follow every append. The delta is
   * already committed: a failure here is logged, not thrown.
   */
  private void compact(ZoneSnapshot after) {
    long seq = latestSeq();
    try {
      writeSnapshotFile(after, epoch, seq);
    } catch (IllegalArgumentException e) {
      LOG.warn("zone {}: cannot compact the journal, the version at serial {} is not storable: "
          + "{}", zone, after.serial(), e.getMessage());
      return;
    } catch (IOException e) {
      compactionFailed(e);
      return;
    }
    baseSeq = seq;
    baseSerial = after.serial();
    int keep = entries.size();
    long bytes = 0;
    while (keep > 0 && entries.size() - keep < cfg.maxJournalDepth() / 2
        && bytes + entries.get(keep - 1).size() <= cfg.maxJournalBytes() / 2) {
      keep--;
      bytes += entries.get(keep).size();
    }
    JournalFormat.Header h = journal();
    byte[] header;
    long copyFrom;
    if (keep < entries.size()) {
      JournalFormat.Entry first = entries.get(keep);
      int seed = keep == 0 ? h.seed() : entries.get(keep - 1).crc();
      header = JournalFormat.header(epoch, first.seq() - 1, first.from(), seed, apex);
      copyFrom = first.offset();
    } else {
      header = JournalFormat.header(epoch, seq, latest(), (int) cfg.random().getAsLong(), apex);
      copyFrom = journalEnd;
    }
    try {
      writeJournalFile(header, copyFrom, journalEnd);
    } catch (IOException e) {
      compactionFailed(e);
      return;
    }
    journal = JournalFormat.parseHeader(header);
    entries.subList(0, keep).clear();
    long shift = header.length - copyFrom;
    entries.replaceAll(e -> new JournalFormat.Entry(e.offset() + shift, e.payload(), e.seq(),
        e.from(), e.to(), e.crc()));
    journalEnd += shift;
    LOG.debug("zone {}: compacted the journal at serial {}, {} entries kept", zone,
        baseSerial, entries.size());
  }

  private void compactionFailed(IOException e) {
    mustRewrite = true;
    opened = false;
    LOG.warn("zone {}: journal compaction failed, the delta is committed; the next write stores "
        + "a full snapshot: {}", zone, e.toString());
  }

  /** Stores a full version as the new base of a new lineage, with an empty journal. */
  private void writeBase(ZoneSnapshot s) throws ReplicaStoreException {
    long newEpoch = cfg.random().getAsLong();
    try {
      zf.ensureDirectory();
      writeSnapshotFile(s, newEpoch, 0);
    } catch (IllegalArgumentException e) {
      throw new ReplicaStoreException("version refused: " + e.getMessage(), zone, e);
    } catch (IOException e) {
      throw new ReplicaStoreException("snapshot write failed: " + e, zone, e);
    }
    hasSnapshot = true;
    epoch = newEpoch;
    baseSeq = 0;
    baseSerial = s.serial();
    dropJournal();
    mustRewrite = false;
    try {
      startJournal(0, baseSerial);
    } catch (IOException e) {
      // The snapshot is committed; the next delta starts the journal again.
      LOG.warn("zone {}: cannot start a new journal at serial {}: {}", zone, baseSerial,
          e.toString());
      dropJournal();
    }
  }

  /** Starts an empty journal at the latest version, replacing any journal file. */
  private void startJournal(long startSeq, SerialNumber startSerial) throws IOException {
    byte[] header = JournalFormat.header(epoch, startSeq, startSerial,
        (int) cfg.random().getAsLong(), apex);
    writeJournalFile(header, 0, 0);
    journal = JournalFormat.parseHeader(header);
    entries.clear();
    journalEnd = header.length;
  }

  private void writeSnapshotFile(ZoneSnapshot s, long ep, long seq) throws IOException {
    try {
      zf.writeSnapshot(s, ep, seq);
    } catch (ZoneFiles.InDoubtException e) {
      inDoubt();
      throw e;
    }
  }

  private void writeJournalFile(byte[] header, long from, long to) throws IOException {
    try {
      zf.writeJournal(header, from, to, false);
    } catch (ZoneFiles.InDoubtException e) {
      inDoubt();
      throw e;
    }
  }

  /** A live file may be old or new: read the disk again, and distrust the journal (E8). */
  private void inDoubt() {
    mustRewrite = true;
    opened = false;
  }

  /** A damaged snapshot: nothing is served; the zone is transferred again. */
  private void quarantineAll(String reason) {
    zf.quarantine(SNAPSHOT, reason + "; the zone will be transferred again");
    zf.quarantine(JOURNAL, "journal of a damaged snapshot");
    hasSnapshot = false;
    dropJournal();
  }
}
