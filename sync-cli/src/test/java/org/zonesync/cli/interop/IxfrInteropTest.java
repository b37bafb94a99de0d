// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.zonesync.api.ReplicaEvent;
import org.zonesync.api.ReplicaState;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TransferKind;
import org.zonesync.api.TransferOutcome;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.tsig.TsigKeyFiles;

/**
 * zonesync's IXFR client (RFC 1995) against real primaries, BIND 9 ({@code
 * ixfr-from-differences yes}, reloaded by SIGHUP) and Knot DNS ({@code zonefile-load:
 * difference}, reloaded by {@code knotc zone-reload}). Each primary journals the difference
 * between successive master files that the test writes; before blaming zonesync, every test
 * shows with {@code dig} that the primary really serves the deltas (or really lost them). The
 * replica keeps its zone in a {@code FileReplicaStore} and is compared with {@code dig AXFR} of
 * the same primary. One process per kind of primary serves every test of the class; each test
 * has its own zone.
 */
@Tag("interop")
final class IxfrInteropTest {

  /** The kinds of primary. */
  enum Kind { BIND, KNOT }

  private static final Name INCREMENTAL = Name.fromConstantString("incremental.ixfr.test.");
  private static final Name REOPENED = Name.fromConstantString("reopened.ixfr.test.");
  private static final Name NO_JOURNAL = Name.fromConstantString("no-journal.ixfr.test.");
  private static final List<Name> ZONES = List.of(INCREMENTAL, REOPENED, NO_JOURNAL);

  private static final TsigKey KEY = TsigKeyFiles.generate(
      Name.fromConstantString("ixfr-interop."), TsigAlgorithm.HMAC_SHA256, new SecureRandom());
  private static final Map<Kind, PrimaryServer> SERVERS = new EnumMap<>(Kind.class);

  @TempDir
  static Path work;

  @AfterAll
  static void stopServers() throws Exception {
    for (PrimaryServer s : SERVERS.values()) {
      s.close();
    }
    SERVERS.clear();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void refresh_appliesDelta_afterPrimaryChangesHundredRecords(Kind kind, @TempDir Path store)
      throws Exception {
    PrimaryServer server = server(kind);
    try (OpenReplica r = new OpenReplica(store, INCREMENTAL, server, KEY)) {
      assertFirstTransferFull(r, 0);

      edit(kind, INCREMENTAL, 1);
      assertEquals(List.of(IxfrZone.serial(0)), IxfrTools.deltaStarts(
          IxfrTools.digIxfr(server.port(), KEY, INCREMENTAL, IxfrZone.serial(0))),
          server.program() + " does not serve the one delta by IXFR (harness, not zonesync)");

      TransferOutcome outcome = r.await(r.replica.refresh());
      List<ReplicaEvent> events = r.transferEvents(outcome);
      TransferOutcome.Incremental inc = assertInstanceOf(TransferOutcome.Incremental.class,
          outcome, () -> "refresh after one change: " + outcome + "\n" + events);
      assertAll(
          () -> assertEquals(IxfrZone.serial(1), inc.serial().value()),
          () -> assertEquals(TransferKind.IXFR, inc.stats().kind()),
          () -> assertEquals(List.of(), failures(events), "failed transfers"));
      assertEqualsPrimary(server, INCREMENTAL, 1, r.replica.snapshot());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void reopenedReplica_servesStoredSerial_thenCatchesUpByOneIxfr_acrossThreeVersions(Kind kind,
      @TempDir Path store) throws Exception {
    PrimaryServer server = server(kind);
    try (OpenReplica r = new OpenReplica(store, REOPENED, server, KEY)) {
      assertFirstTransferFull(r, 0);
    }
    for (int v = 1; v <= 3; v++) {
      edit(kind, REOPENED, v);
    }
    assertEquals(List.of(IxfrZone.serial(0), IxfrZone.serial(1), IxfrZone.serial(2)),
        IxfrTools.deltaStarts(IxfrTools.digIxfr(server.port(), KEY, REOPENED,
            IxfrZone.serial(0))),
        server.program() + " does not serve the three deltas by IXFR (harness, not zonesync)");

    try (OpenReplica r = new OpenReplica(store, REOPENED, server, KEY)) {
      // Read before the first transfer could run: the gate holds it until the constructor ends.
      assertEquals(ReplicaState.SERVING, r.stateAtOpen, "state right after addSecondary");
      assertEquals(Optional.of(SerialNumber.of(IxfrZone.serial(0))), r.servedAtOpen,
          "serial served right after addSecondary");

      TransferOutcome outcome = r.awaitFirst();
      List<ReplicaEvent> events = r.transferEvents(outcome);
      TransferOutcome.Incremental inc = assertInstanceOf(TransferOutcome.Incremental.class,
          outcome, () -> "catch-up of three versions: " + outcome + "\n" + events);
      ReplicaEvent.TransferFinished finished = (ReplicaEvent.TransferFinished)
          events.get(events.size() - 1);
      assertAll(
          () -> assertEquals(IxfrZone.serial(3), inc.serial().value()),
          () -> assertEquals(TransferKind.IXFR, finished.stats().kind()),
          () -> assertEquals(SerialNumber.of(IxfrZone.serial(3)), finished.stats().serial()),
          () -> assertEquals(List.of(TransferKind.IXFR), started(events),
              "one transfer, an IXFR: " + events),
          () -> assertEquals(List.of(), failures(events), "failed transfers"));
      assertEqualsPrimary(server, REOPENED, 3, r.replica.snapshot());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void refresh_endsFull_whenPrimaryLostItsJournal(Kind kind, @TempDir Path store)
      throws Exception {
    PrimaryServer server = server(kind);
    try (OpenReplica r = new OpenReplica(store, NO_JOURNAL, server, KEY)) {
      assertFirstTransferFull(r, 0);

      server.restartWithoutJournals(() -> IxfrZone.write(NO_JOURNAL, 1, file(kind, NO_JOURNAL)));
      IxfrTools.awaitSerial(server.address(), NO_JOURNAL, IxfrZone.serial(1), () -> { },
          server::log);
      List<Record> dig = IxfrTools.digIxfr(server.port(), KEY, NO_JOURNAL, IxfrZone.serial(0));
      assertEquals(List.of(), IxfrTools.deltaStarts(dig), server.program()
          + " still serves a delta after losing its journal (harness, not zonesync)");
      assertEquals(IxfrZone.serial(1), ((SOARecord) dig.get(0)).getSerial());

      TransferOutcome outcome = r.await(r.replica.refresh());
      List<ReplicaEvent> events = r.transferEvents(outcome);
      TransferOutcome.Full full = assertInstanceOf(TransferOutcome.Full.class, outcome,
          () -> "refresh with no journal on the primary: " + outcome + "\n" + events);
      assertAll(
          () -> assertEquals(IxfrZone.serial(1), full.serial().value()),
          // Falling back from IXFR is allowed; any other failure is not.
          () -> assertTrue(failures(events).stream().allMatch(
              f -> f.kind() == TransferKind.IXFR), () -> "failures: " + failures(events)));
      assertEqualsPrimary(server, NO_JOURNAL, 1, r.replica.snapshot());
    }
  }

  // ---- helpers

  /** Returns the running primary of {@code kind}, started with version 0 of every zone. */
  private static PrimaryServer server(Kind kind) throws Exception {
    PrimaryServer running = SERVERS.get(kind);
    if (running != null) {
      return running;
    }
    BindTools.require("dig");
    Files.createDirectories(work.resolve(kind.name()));
    for (Name zone : ZONES) {
      IxfrZone.write(zone, 0, file(kind, zone));
    }
    PrimaryServer started;
    if (kind == Kind.BIND) {
      NamedProcess.Config config = new NamedProcess.Config().key(KEY);
      for (Name zone : ZONES) {
        config.primaryZone(zone, file(kind, zone),
            "key \"" + KEY.name().toString(true) + "\";", true);
      }
      started = NamedProcess.start(config);
    } else {
      KnotProcess.Config config = new KnotProcess.Config();
      for (Name zone : ZONES) {
        config.primaryZone(zone, file(kind, zone), KEY);
      }
      started = KnotProcess.start(config);
    }
    SERVERS.put(kind, started);
    return started;
  }

  private static Path file(Kind kind, Name zone) {
    return work.resolve(kind.name()).resolve(zone.toString(true) + ".zone");
  }

  /** Writes version {@code v} of {@code zone} and has the primary load it. */
  private static void edit(Kind kind, Name zone, int v) throws Exception {
    IxfrZone.write(zone, v, file(kind, zone));
    SERVERS.get(kind).reload(zone, IxfrZone.serial(v));
  }

  private static void assertFirstTransferFull(OpenReplica r, int version) throws Exception {
    TransferOutcome first = r.awaitFirst();
    List<ReplicaEvent> events = r.transferEvents(first);
    assertInstanceOf(TransferOutcome.Full.class, first, () -> "first transfer: " + first
        + "\n" + events);
    assertEquals(IxfrZone.serial(version), first.serial().value());
  }

  /**
   * Asserts that the replica holds what {@code dig AXFR} receives from the primary, and what
   * the test wrote (the primaries may fold owner case: that comparison ignores case).
   */
  private static void assertEqualsPrimary(PrimaryServer server, Name zone, int version,
      ZoneSnapshot replica) throws Exception {
    List<Record> dig = BindTools.digAxfr(server.port(), KEY, zone);
    assertEquals(dig.size(), new HashSet<>(dig).size(), "dig returned duplicates");
    assertEquals(new HashSet<>(dig), set(replica), "replica differs from dig's AXFR of "
        + server.program());
    // Records compare owners case-insensitively and ignore TTLs; their text does neither.
    assertEquals(text(dig), text(replica), "replica text differs from dig's");
    assertEquals(set(IxfrZone.version(zone, version)), set(replica),
        "replica differs from the version written");
  }

  private static List<TransferKind> started(List<ReplicaEvent> events) {
    List<TransferKind> kinds = new ArrayList<>();
    for (ReplicaEvent e : events) {
      if (e instanceof ReplicaEvent.TransferStarted s) {
        kinds.add(s.kind());
      }
    }
    return kinds;
  }

  private static List<ReplicaEvent.TransferFailed> failures(List<ReplicaEvent> events) {
    List<ReplicaEvent.TransferFailed> failed = new ArrayList<>();
    for (ReplicaEvent e : events) {
      if (e instanceof ReplicaEvent.TransferFailed f) {
        failed.add(f);
      }
    }
    return failed;
  }

  private static Set<Record> set(Iterable<Record> records) {
    Set<Record> s = new HashSet<>();
    records.forEach(s::add);
    return s;
  }

  private static Set<String> text(Iterable<Record> records) {
    Set<String> s = new TreeSet<>();
    records.forEach(r -> s.add(r.toString()));
    return s;
  }

  /** Waits for a refresh; its failure fails the test with the cause. */
  static TransferOutcome await(CompletableFuture<TransferOutcome> f, String context)
      throws InterruptedException {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null && e.getCause().getCause() != null
          && e.getCause() instanceof java.util.concurrent.CompletionException
          ? e.getCause().getCause() : e.getCause();
      return fail("refresh failed: " + cause + "\n" + context, cause);
    } catch (TimeoutException e) {
      return fail("refresh still running after 60 s\n" + context);
    }
  }
}
