// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import org.xbill.DNS.Name;
import org.zonesync.api.ReplicaStoreException;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.WireRecordSink;
import org.zonesync.api.ZoneDelta;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.api.spi.ReplicaStore;
import org.zonesync.api.spi.ReplicaTimers;

/**
 * A durable {@link ReplicaStore}: per zone a directory holding the base version
 * ({@code snapshot.zs}) and an append-only journal of the deltas committed since
 * ({@code journal.zsj}), both checksummed; the layout is in the package documentation.
 *
 * <p>A delta is committed when its journal entry, then a commit marker, have each been forced
 * to disk; a full version is committed by an atomic rename of a forced temporary file and a
 * forced directory. On start-up an interrupted append is ignored, stray temporary files are
 * removed, and damage that cannot be repaired is renamed aside ({@code *.corrupt-<time>}),
 * logged at ERROR on {@code zonesync.journal}, and reported as "nothing stored" so that the zone
 * is transferred again. A store never serves a mix of versions.
 *
 * <p>When the journal holds more than {@link Options#maxJournalDepth()} deltas or more than
 * {@link Options#maxJournalBytes()} bytes, the latest version is written as the new base and
 * the journal keeps only its newest deltas, at most half of each limit; {@link #deltasSince}
 * answers from the deltas kept.
 *
 * <p>Refresh timers are kept per zone in {@code timers.zst} beside the data, written whole and
 * atomically like a snapshot, and independent of the data: storing a version never touches
 * them, and a damaged timers file is set aside (logged at WARN) and read as "no timers".
 *
 * <p>Safe for concurrent use: operations on one zone are serialised, zones proceed in
 * parallel. Every method does its I/O on the calling thread.
 *
 * @since 0.1
 */
public final class FileReplicaStore implements ReplicaStore {

  static final DateTimeFormatter STAMP = DateTimeFormatter
      .ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * Limits on a zone's journal.
   *
   * @param maxJournalBytes the journal size past which it is compacted, at least 1
   * @param maxJournalDepth the number of deltas past which it is compacted, at least 0
   */
  public record Options(long maxJournalBytes, int maxJournalDepth) {

    /** The default size limit, 100 MiB. */
    public static final long DEFAULT_MAX_JOURNAL_BYTES = 100L << 20;

    /** The default depth limit, 20 deltas. */
    public static final int DEFAULT_MAX_JOURNAL_DEPTH = 20;

    /**
     * Checks the limits.
     *
     * @throws IllegalArgumentException if a limit is out of range
     */
    public Options {
      if (maxJournalBytes < 1) {
        throw new IllegalArgumentException("maxJournalBytes must be at least 1: "
            + maxJournalBytes);
      }
      if (maxJournalDepth < 0) {
        throw new IllegalArgumentException("maxJournalDepth must be at least 0: "
            + maxJournalDepth);
      }
    }

    /** Returns the defaults: 100 MiB, 20 deltas. */
    public static Options defaults() {
      return new Options(DEFAULT_MAX_JOURNAL_BYTES, DEFAULT_MAX_JOURNAL_DEPTH);
    }

    /**
     * Returns these options with another size limit.
     *
     * @param bytes at least 1
     * @return the new options
     * @throws IllegalArgumentException if out of range
     */
    public Options withMaxJournalBytes(long bytes) {
      return new Options(bytes, maxJournalDepth);
    }

    /**
     * Returns these options with another depth limit.
     *
     * @param depth at least 0
     * @return the new options
     * @throws IllegalArgumentException if out of range
     */
    public Options withMaxJournalDepth(int depth) {
      return new Options(maxJournalBytes, depth);
    }
  }

  /** Everything a zone's store needs; tests swap the file layer, clock and randomness. */
  record Config(StoreFiles files, long maxJournalBytes, int maxJournalDepth, int bufferSize,
      Clock clock, LongSupplier random) {
  }

  private final Path root;
  private final Config cfg;
  private final ConcurrentMap<Name, ZoneStore> zones = new ConcurrentHashMap<>();
  private volatile boolean closed;

  FileReplicaStore(Path root, Config cfg) {
    this.root = requireNonNull(root, "root");
    this.cfg = requireNonNull(cfg, "cfg");
  }

  /**
   * Returns a store in {@code dir} with the default limits. Nothing is read or created until
   * a zone is used; the directory is created on the first write.
   *
   * @param dir the store's directory
   * @return the store
   */
  public static FileReplicaStore in(Path dir) {
    return in(dir, Options.defaults());
  }

  /**
   * Returns a store in {@code dir}.
   *
   * @param dir the store's directory
   * @param options the journal limits
   * @return the store
   */
  public static FileReplicaStore in(Path dir, Options options) {
    requireNonNull(options, "options");
    SecureRandom random = new SecureRandom();
    return new FileReplicaStore(dir, new Config(ChannelFiles.INSTANCE, options.maxJournalBytes(),
        options.maxJournalDepth(), 64 * 1024, Clock.systemUTC(), random::nextLong));
  }

  /** Returns the store's directory. */
  public Path directory() {
    return root;
  }

  private ZoneStore zone(Name zone) {
    requireNonNull(zone, "zone");
    if (closed) {
      throw new IllegalStateException("store is closed");
    }
    if (!zone.isAbsolute()) {
      throw new IllegalArgumentException("zone name must be absolute: " + zone);
    }
    return zones.computeIfAbsent(zone,
        z -> new ZoneStore(z, root.resolve(ZoneDirs.name(z)), cfg));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Streams the base (the snapshot, verified whole before the first record goes to the
   * sink) and returns the deltas committed after it.
   */
  @Override
  public Optional<Stored> load(Name zone, WireRecordSink base) throws ReplicaStoreException {
    requireNonNull(base, "base");
    ZoneStore z = zone(zone);
    z.lock.lock();
    try {
      return z.load(base);
    } finally {
      z.lock.unlock();
    }
  }

  @Override
  public void replace(ZoneSnapshot snapshot) throws ReplicaStoreException {
    ZoneStore z = zone(snapshot.origin());
    z.lock.lock();
    try {
      z.replace(snapshot);
    } finally {
      z.lock.unlock();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Also refused: a delta of another zone than {@code after}, or whose end SOA differs from
   * the SOA of {@code after}. If a journal compaction follows and fails, the delta stays
   * committed and the failure is logged.
   */
  @Override
  public void append(ZoneDelta delta, ZoneSnapshot after) throws ReplicaStoreException {
    Name origin = after.origin();
    if (!delta.fromSoa().getName().equals(origin)) {
      throw new ReplicaStoreException("delta is for " + delta.fromSoa().getName()
          + ", the version after it for " + origin, origin, null);
    }
    if (!after.serial().equals(delta.to())) {
      throw new ReplicaStoreException("delta ends at serial " + delta.to()
          + " but the version after it has serial " + after.serial(), origin, null);
    }
    if (!after.soa().equals(delta.toSoa())) {
      throw new ReplicaStoreException("the version after the delta has another SOA than the "
          + "delta's", origin, null);
    }
    ZoneStore z = zone(origin);
    z.lock.lock();
    try {
      z.append(delta, after);
    } finally {
      z.lock.unlock();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Empty also when {@code from} occurs more than once in the journal (serial wrap-around),
   * since the answer would be ambiguous.
   */
  @Override
  public Optional<List<ZoneDelta>> deltasSince(Name zone, SerialNumber from)
      throws ReplicaStoreException {
    requireNonNull(from, "from");
    ZoneStore z = zone(zone);
    z.lock.lock();
    try {
      return z.deltasSince(from);
    } finally {
      z.lock.unlock();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads {@code timers.zst} of the zone's directory, at most
   * {@value TimersFormat#MAX_SIZE} bytes; a larger file, or one that is damaged, names another
   * zone or has an unknown format version, is set aside and reported as empty.
   */
  @Override
  public Optional<ReplicaTimers> loadTimers(Name zone) throws ReplicaStoreException {
    ZoneStore z = zone(zone);
    z.lock.lock();
    try {
      return z.timers.load();
    } finally {
      z.lock.unlock();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Creates the zone's directory if nothing is stored for the zone yet. Also refused: a
   * primary without an address ({@link java.net.InetSocketAddress#isUnresolved()}).
   */
  @Override
  public void saveTimers(Name zone, ReplicaTimers timers) throws ReplicaStoreException {
    requireNonNull(timers, "timers");
    ZoneStore z = zone(zone);
    z.lock.lock();
    try {
      z.timers.save(timers);
    } finally {
      z.lock.unlock();
    }
  }

  /** Marks the store closed; it holds no open files between calls. */
  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "FileReplicaStore[" + root + "]";
  }
}
