// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.Name;
import org.zonesync.api.TsigKey;

/**
 * A real Knot DNS {@code knotd}, run as a child process on 127.0.0.1 and a free port, from a
 * generated {@code knot.conf} in a fresh temporary directory that also holds its databases
 * ({@code storage/}: journal, timers), run directory and control socket. Zones are configured
 * with {@code zonefile-load: difference}: {@link #reload} ({@code knotc zone-reload}) diffs the
 * edited master file against the served zone and journals the difference, which Knot serves by
 * IXFR; {@code zonefile-sync: -1} keeps Knot from rewriting the test's files. The log goes to
 * {@code knotd.log} and into every failure message. {@link #close()} stops it (SIGTERM, then
 * SIGKILL after 5 s) and deletes the directory.
 */
final class KnotProcess implements PrimaryServer {

  /** What provides knotd and knotc on Debian. */
  static final String KNOT_PACKAGES = "knot (knotd, knotc)";

  private static final int ATTEMPTS = 3;
  private static final long READY_MILLIS = 20_000;
  private static final long POLL_MILLIS = 50;
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** Keys and primary zones for one knot.conf. */
  static final class Config {
    private int fixedPort;

    /**
     * Listens on this port instead of a free one picked at start.
     *
     * @param port the port
     */
    Config port(int port) {
      this.fixedPort = port;
      return this;
    }

    private final List<TsigKey> keys = new ArrayList<>();
    private final List<Name> zones = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private final List<TsigKey> transferKeys = new ArrayList<>();
    private final java.util.Map<Integer, InetSocketAddress> notifyTargets =
        new java.util.TreeMap<>();
    private final List<Name> secondaries = new ArrayList<>();
    private final List<InetSocketAddress> secondaryPrimaries = new ArrayList<>();
    private final List<java.util.Optional<TsigKey>> secondaryKeys = new ArrayList<>();

    /**
     * Adds a primary zone loaded from {@code file}, transferable with {@code key} only.
     *
     * @param zone the zone apex
     * @param file the master file
     * @param key the TSIG key that transfers must be signed with
     */
    Config primaryZone(Name zone, Path file, TsigKey key) {
      if (!keys.contains(key)) {
        keys.add(key);
      }
      zones.add(zone);
      files.add(file.toAbsolutePath());
      transferKeys.add(key);
      return this;
    }

    /**
     * Makes knotd send NOTIFY for {@code zone} (a zone already added) to {@code target} after
     * every load, signed with the zone's transfer key (RFC 1996; Knot's {@code notify:}).
     *
     * @param zone the zone apex
     * @param target the secondary's address and port
     */
    Config notify(Name zone, InetSocketAddress target) {
      int i = zones.indexOf(zone);
      if (i < 0) {
        throw new IllegalArgumentException("zone " + zone + " is not added");
      }
      notifyTargets.put(i, target);
      return this;
    }

    /**
     * Adds a secondary zone transferred from {@code primary} ({@code master:} in Knot 3.2),
     * signed with {@code key} when given, accepting NOTIFY from the primary's address (with the
     * key when given) and transferable with any added key. Not waited for by {@link #start}: a
     * test polls for the serial it expects.
     *
     * @param zone the zone apex
     * @param primary the primary's address and port
     * @param key the TSIG key for SOA queries, transfers and NOTIFY, if any
     */
    Config secondaryZone(Name zone, InetSocketAddress primary, java.util.Optional<TsigKey> key) {
      key.filter(k -> !keys.contains(k)).ifPresent(keys::add);
      secondaries.add(zone);
      secondaryPrimaries.add(primary);
      secondaryKeys.add(key);
      return this;
    }

    String render(Path dir, int port) {
      String d = dir.toAbsolutePath().toString();
      StringBuilder b = new StringBuilder();
      b.append("server:\n")
          .append("  rundir: ").append(quote(d)).append('\n')
          .append("  user: ").append(owner(dir)).append('\n')
          .append("  listen: 127.0.0.1@").append(port).append('\n')
          .append("log:\n  - target: stderr\n    any: info\n")
          // Small maps: the LMDB defaults reserve gigabytes of address space.
          .append("database:\n  storage: ").append(quote(d + "/storage")).append('\n')
          .append("  journal-db-max-size: 256M\n  timer-db-max-size: 16M\n")
          .append("  kasp-db-max-size: 16M\n  catalog-db-max-size: 16M\n")
          .append("control:\n  listen: ").append(quote(d + "/knot.sock")).append('\n');
      b.append("key:\n");
      for (TsigKey k : keys) {
        b.append("  - id: ").append(quote(k.name().toString())).append('\n')
            .append("    algorithm: ").append(k.algorithm().keyword()).append('\n')
            .append("    secret: ").append(k.secretBase64()).append('\n');
      }
      b.append("acl:\n");
      for (int i = 0; i < keys.size(); i++) {
        b.append("  - id: transfer-").append(i).append('\n')
            .append("    key: ").append(quote(keys.get(i).name().toString())).append('\n')
            .append("    action: transfer\n");
      }
      for (int i = 0; i < secondaries.size(); i++) {
        b.append("  - id: notify-from-").append(i).append('\n')
            .append("    address: ")
            .append(secondaryPrimaries.get(i).getAddress().getHostAddress()).append('\n');
        secondaryKeys.get(i).ifPresent(k -> b.append("    key: ")
            .append(quote(k.name().toString())).append('\n'));
        b.append("    action: notify\n");
      }
      if (!notifyTargets.isEmpty() || !secondaries.isEmpty()) {
        b.append("remote:\n");
        for (int i = 0; i < secondaries.size(); i++) {
          InetSocketAddress p = secondaryPrimaries.get(i);
          b.append("  - id: primary-").append(i).append('\n')
              .append("    address: ").append(p.getAddress().getHostAddress()).append('@')
              .append(p.getPort()).append('\n');
          secondaryKeys.get(i).ifPresent(k -> b.append("    key: ")
              .append(quote(k.name().toString())).append('\n'));
        }
        for (var t : notifyTargets.entrySet()) {
          b.append("  - id: notify-").append(t.getKey()).append('\n')
              .append("    address: ").append(t.getValue().getAddress().getHostAddress())
              .append('@').append(t.getValue().getPort()).append('\n')
              .append("    key: ").append(quote(transferKeys.get(t.getKey()).name().toString()))
              .append('\n');
        }
      }
      b.append("zone:\n");
      for (int i = 0; i < zones.size(); i++) {
        b.append("  - domain: ").append(quote(zones.get(i).toString())).append('\n')
            .append("    file: ").append(quote(files.get(i).toString())).append('\n')
            .append("    journal-content: changes\n")
            .append("    zonefile-load: difference\n")
            .append("    zonefile-sync: -1\n")
            .append("    semantic-checks: off\n")
            .append("    acl: transfer-").append(keys.indexOf(transferKeys.get(i)))
            .append('\n');
        if (notifyTargets.containsKey(i)) {
          b.append("    notify: notify-").append(i).append('\n');
        }
      }
      for (int i = 0; i < secondaries.size(); i++) {
        b.append("  - domain: ").append(quote(secondaries.get(i).toString())).append('\n')
            .append("    master: primary-").append(i).append('\n')
            .append("    file: ").append(quote(d + "/secondary-" + i + ".zone")).append('\n')
            .append("    semantic-checks: off\n")
            .append("    acl: [notify-from-").append(i);
        for (int k = 0; k < keys.size(); k++) {
          b.append(", transfer-").append(k);
        }
        b.append("]\n");
      }
      return b.toString();
    }

    /** The owner of the new directory: knotd would otherwise switch to root:root. */
    private static String owner(Path dir) {
      try {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
        return a.owner().getName() + ":" + a.group().getName();
      } catch (IOException | UnsupportedOperationException e) {
        return "root:root";
      }
    }

    private static String quote(String s) {
      return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
  }

  private Process process;
  private final Path dir;
  private final Path conf;
  private Path log;
  private final int port;
  private final Config config;
  private int restarts;

  private KnotProcess(Process process, Path dir, Path conf, Path log, int port, Config config) {
    this.process = process;
    this.dir = dir;
    this.conf = conf;
    this.log = log;
    this.port = port;
    this.config = config;
  }

  /** Returns the knotd binary: skips the test when it is missing, fails it when CI=true. */
  static Path locate() {
    return BindTools.require("knotd", KNOT_PACKAGES);
  }

  /**
   * Starts knotd with {@code config} and waits until it answers a SOA query for every zone.
   *
   * @throws org.opentest4j.AssertionFailedError with knotd's log if it does not come up
   */
  static KnotProcess start(Config config) throws IOException, InterruptedException {
    Path knotd = locate();
    BindTools.require("knotc", KNOT_PACKAGES);
    Path dir = Files.createTempDirectory("zonesync-knot-");
    Files.createDirectories(dir.resolve("storage")); // knotd does not create it
    String lastLog = "";
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      int port = config.fixedPort > 0 ? config.fixedPort : NamedProcess.freePort();
      Path conf = dir.resolve("knot.conf");
      Path log = dir.resolve("knotd-" + attempt + ".log");
      Files.writeString(conf, config.render(dir, port), StandardCharsets.UTF_8);
      KnotProcess k = new KnotProcess(launch(knotd, dir, conf, log), dir, conf, log, port,
          config);
      Startup s = k.awaitReady();
      if (s == Startup.READY) {
        return k;
      }
      lastLog = k.log();
      BindTools.stop(k.process);
      if (s == Startup.FAILED) {
        BindTools.deleteTree(dir);
        return fail("knotd did not come up on 127.0.0.1:" + port + " within " + READY_MILLIS
            + " ms\n--- knot.conf (secrets masked)\n" + mask(config.render(dir, port))
            + "--- knotd log\n" + lastLog);
      }
    }
    BindTools.deleteTree(dir);
    return fail("knotd could not bind a free port in " + ATTEMPTS + " attempts\n" + lastLog);
  }

  private static Process launch(Path knotd, Path dir, Path conf, Path log) throws IOException {
    Process p = new ProcessBuilder(knotd.toString(), "-c", conf.toString())
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    p.getOutputStream().close();
    return p;
  }

  private enum Startup { READY, PORT_TAKEN, FAILED }

  private Startup awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + READY_MILLIS * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (log().toLowerCase(Locale.ROOT).contains("address already in use")) {
        return Startup.PORT_TAKEN;
      }
      if (!process.isAlive()) {
        return Startup.FAILED;
      }
      if (config.zones.stream().allMatch(z -> IxfrTools.soaSerial(address(), z).isPresent())) {
        return Startup.READY;
      }
      Thread.sleep(POLL_MILLIS); // bounded: knotd signals readiness only by answering
    }
    return Startup.FAILED;
  }

  /** Hides the TSIG secrets of a rendered configuration. */
  static String mask(String conf) {
    return conf.replaceAll("secret: \\S+", "secret: <masked>");
  }

  @Override
  public String program() {
    return "knotd";
  }

  @Override
  public InetSocketAddress address() {
    return new InetSocketAddress(LOOPBACK, port);
  }

  /** Runs {@code knotc zone-reload} (blocking until the load ends) and waits for the serial. */
  @Override
  public void reload(Name zone, long serial) throws IOException, InterruptedException {
    IxfrTools.Nudge knotc = () -> {
      BindTools.Exec c = BindTools.run(List.of(
          BindTools.require("knotc", KNOT_PACKAGES).toString(), "-s",
          dir.resolve("knot.sock").toString(), "-b", "zone-reload", zone.toString()));
      if (c.exitCode() != 0) {
        fail("knotc zone-reload failed: " + c.describe() + "\n--- knotd log\n" + log());
      }
    };
    knotc.run();
    IxfrTools.awaitSerial(address(), zone, serial, knotc, this::log);
  }

  /** Deletes {@code storage/journal}, the journal database of every zone. */
  @Override
  public void restartWithoutJournals(WhileStopped whileStopped)
      throws IOException, InterruptedException {
    BindTools.stop(process);
    BindTools.deleteTree(dir.resolve("storage").resolve("journal"));
    whileStopped.run();
    log = dir.resolve("knotd-restart-" + ++restarts + ".log");
    process = launch(locate(), dir, conf, log);
    Startup s = awaitReady();
    if (s != Startup.READY) {
      String why = log();
      BindTools.stop(process);
      fail("knotd did not come back on 127.0.0.1:" + port + " (" + s + ")\n--- knotd log\n"
          + why);
    }
  }

  @Override
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** Stops knotd (SIGTERM, SIGKILL after 5 s) and deletes its directory. */
  @Override
  public void close() throws IOException {
    try {
      BindTools.stop(process);
    } finally {
      BindTools.deleteTree(dir);
    }
  }
}
