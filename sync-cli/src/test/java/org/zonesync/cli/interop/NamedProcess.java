// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.zonesync.api.TsigKey;
import org.zonesync.tsig.TsigKeyFiles;

/**
 * A real BIND 9 {@code named}, run as a child process on 127.0.0.1 and a free port, from a
 * generated {@code named.conf} in a fresh temporary directory. {@code -g} keeps it in the
 * foreground with its log on stderr, which goes to {@code named.log} and into every failure
 * message. {@link #close()} stops it (SIGTERM, then SIGKILL after 5 s) and deletes the directory.
 * {@link #reload} sends SIGHUP (named re-reads its configuration and every changed master file).
 */
final class NamedProcess implements PrimaryServer {

  /** Ports tried before giving up: another process may take the probed port meanwhile. */
  private static final int ATTEMPTS = 3;
  /** How long named may take to answer a SOA query for every configured zone. */
  private static final long READY_MILLIS = 20_000;
  private static final long POLL_MILLIS = 50;
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** Keys and primary zones for one named.conf. */
  static final class Config {
    private final List<String> keyStatements = new ArrayList<>();
    private int fixedPort;

    /**
     * Listens on this port instead of a free one picked at start (a test that must configure a
     * peer with the port first reserves it with {@link NamedProcess#freePort()}).
     *
     * @param port the port
     */
    Config port(int port) {
      this.fixedPort = port;
      return this;
    }

    int portOr(int free) {
      return fixedPort > 0 ? fixedPort : free;
    }
    private final List<String> zoneStatements = new ArrayList<>();
    private final List<Name> zones = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();

    /** Adds a key from a BIND {@code key} statement, verbatim. */
    Config keyStatement(String statement) {
      keyStatements.add(statement);
      return this;
    }

    /** Adds a key, written with {@link TsigKeyFiles#toBindStatement}. */
    Config key(TsigKey key) {
      return keyStatement(TsigKeyFiles.toBindStatement(key));
    }

    /**
     * Adds a primary zone loaded from a master file.
     *
     * @param zone the zone apex
     * @param file the master file
     * @param allowTransfer the address match list elements, e.g. {@code none;} or
     *     {@code key "k";}
     */
    Config primaryZone(Name zone, Path file, String allowTransfer) {
      return primaryZone(zone, file, allowTransfer, false);
    }

    /**
     * Adds a primary zone loaded from a master file.
     *
     * @param zone the zone apex
     * @param file the master file; its journal is {@code file.jnl}
     * @param allowTransfer the address match list elements
     * @param ixfrFromDifferences whether named journals the difference when it loads a changed
     *     file, so that it can answer IXFR for edits made to the file
     */
    Config primaryZone(Name zone, Path file, String allowTransfer,
        boolean ixfrFromDifferences) {
      zones.add(zone);
      files.add(file.toAbsolutePath());
      zoneStatements.add("zone " + quote(zone.toString(true)) + " {\n  type primary;\n  file "
          + quote(file.toAbsolutePath().toString()) + ";\n  allow-transfer { " + allowTransfer
          + " };\n" + (ixfrFromDifferences ? "  ixfr-from-differences yes;\n" : "")
          + "};\n");
      return this;
    }

    /**
     * Adds a primary zone with further zone options, e.g. {@code notify explicit;} and an
     * {@code also-notify} list (they override the global {@code notify no;}).
     *
     * @param zone the zone apex
     * @param file the master file; its journal is {@code file.jnl}
     * @param allowTransfer the address match list elements
     * @param ixfrFromDifferences whether named journals the difference of a changed file
     * @param zoneOptions zone statements, verbatim, each ending with {@code ;}
     */
    Config primaryZone(Name zone, Path file, String allowTransfer,
        boolean ixfrFromDifferences, String zoneOptions) {
      zones.add(zone);
      files.add(file.toAbsolutePath());
      zoneStatements.add("zone " + quote(zone.toString(true)) + " {\n  type primary;\n  file "
          + quote(file.toAbsolutePath().toString()) + ";\n  allow-transfer { " + allowTransfer
          + " };\n" + (ixfrFromDifferences ? "  ixfr-from-differences yes;\n" : "")
          + "  " + zoneOptions + "\n};\n");
      return this;
    }

    /**
     * Adds a secondary zone that transfers from {@code primary} (signed with {@code key} when
     * given; the key must be added too) into {@code file}, accepts NOTIFY from the primary's
     * address and lets {@code allowTransfer} transfer it. Not waited for by {@link #start}: a
     * test polls for the serial it expects.
     *
     * @param zone the zone apex
     * @param file where named writes the transferred zone
     * @param primary the primary's address and port
     * @param key the TSIG key named signs its SOA queries and transfers with, if any
     * @param allowTransfer the address match list elements, e.g. {@code key "k";}
     */
    Config secondaryZone(Name zone, Path file, InetSocketAddress primary,
        java.util.Optional<TsigKey> key, String allowTransfer) {
      String keyClause = key.map(k -> " key " + quote(k.name().toString(true))).orElse("");
      zoneStatements.add("zone " + quote(zone.toString(true)) + " {\n  type secondary;\n"
          + "  primaries { " + primary.getAddress().getHostAddress() + " port "
          + primary.getPort() + keyClause + "; };\n  file "
          + quote(file.toAbsolutePath().toString()) + ";\n  allow-notify { "
          + primary.getAddress().getHostAddress() + "; };\n  allow-transfer { " + allowTransfer
          + " };\n};\n");
      return this;
    }

    String render(Path dir, int port) {
      String d = dir.toAbsolutePath().toString();
      StringBuilder b = new StringBuilder();
      b.append("options {\n")
          .append("  directory ").append(quote(d)).append(";\n")
          .append("  listen-on port ").append(port).append(" { 127.0.0.1; };\n")
          .append("  listen-on-v6 { none; };\n")
          .append("  pid-file ").append(quote(d + "/named.pid")).append(";\n")
          .append("  session-keyfile ").append(quote(d + "/session.key")).append(";\n")
          .append("  managed-keys-directory ").append(quote(d)).append(";\n")
          .append("  recursion no;\n")
          .append("  dnssec-validation no;\n")
          .append("  notify no;\n")
          .append("  allow-transfer { none; };\n")
          .append("};\n")
          .append("controls { };\n");
      keyStatements.forEach(b::append);
      zoneStatements.forEach(b::append);
      return b.toString();
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

  private NamedProcess(Process process, Path dir, Path conf, Path log, int port, Config config) {
    this.process = process;
    this.dir = dir;
    this.conf = conf;
    this.log = log;
    this.port = port;
    this.config = config;
  }

  /**
   * Returns the named binary: skips the test when it is missing, fails it when {@code CI} is
   * {@code true}.
   */
  static Path locate() {
    return BindTools.require("named");
  }

  /**
   * Starts named with {@code config} and waits until it answers a SOA query for every zone.
   *
   * @throws org.opentest4j.AssertionFailedError with named's log if it does not come up
   */
  static NamedProcess start(Config config) throws IOException, InterruptedException {
    Path named = locate();
    Path dir = Files.createTempDirectory("zonesync-named-");
    String lastLog = "";
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      int port = config.portOr(freePort());
      Path conf = dir.resolve("named.conf");
      Path log = dir.resolve("named-" + attempt + ".log");
      Files.writeString(conf, config.render(dir, port), StandardCharsets.UTF_8);
      Process p = launch(named, dir, conf, log);
      NamedProcess n = new NamedProcess(p, dir, conf, log, port, config);
      switch (n.awaitReady(config.zones)) {
        case READY:
          return n;
        case PORT_TAKEN:
          lastLog = n.log();
          BindTools.stop(n.process);
          continue;
        default:
          String why = n.log();
          BindTools.stop(n.process);
          BindTools.deleteTree(dir);
          return fail("named did not come up on 127.0.0.1:" + port + " within " + READY_MILLIS
              + " ms (exit " + (p.isAlive() ? "none" : p.exitValue()) + ")" + hint(why)
              + "\n--- named.conf (secrets masked)\n" + mask(config.render(dir, port))
              + "--- named log\n" + why);
      }
    }
    BindTools.deleteTree(dir);
    return fail("named could not bind a free port in " + ATTEMPTS + " attempts\n" + lastLog);
  }

  private static Process launch(Path named, Path dir, Path conf, Path log) throws IOException {
    // -4: IPv4 only; -g: foreground, log to stderr, no setuid needed as root or not.
    Process p = new ProcessBuilder(named.toString(), "-g", "-4", "-c", conf.toString())
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    p.getOutputStream().close();
    return p;
  }

  @Override
  public String program() {
    return "named";
  }

  /** Sends SIGHUP (named reloads every changed zone) and waits for {@code serial}. */
  @Override
  public void reload(Name zone, long serial) throws IOException, InterruptedException {
    IxfrTools.Nudge hup = () -> {
      // No Java API sends SIGHUP; the shell's kill builtin is always there.
      BindTools.Exec k = BindTools.run(List.of("/bin/sh", "-c",
          "kill -HUP " + process.pid()));
      if (k.exitCode() != 0) {
        fail("cannot send SIGHUP to named: " + k.describe());
      }
    };
    hup.run();
    IxfrTools.awaitSerial(address(), zone, serial, hup, this::log);
  }

  @Override
  public void restartWithoutJournals(WhileStopped whileStopped)
      throws IOException, InterruptedException {
    BindTools.stop(process);
    for (Path file : config.files) {
      Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".jnl"));
    }
    whileStopped.run();
    log = dir.resolve("named-restart-" + ++restarts + ".log");
    process = launch(locate(), dir, conf, log);
    Startup s = awaitReady(config.zones);
    if (s != Startup.READY) {
      String why = log();
      BindTools.stop(process);
      fail("named did not come back on 127.0.0.1:" + port + " (" + s + ")" + hint(why)
          + "\n--- named log\n" + why);
    }
  }

  private enum Startup { READY, PORT_TAKEN, FAILED }

  private Startup awaitReady(List<Name> zones) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_MILLIS * 1_000_000;
    while (System.nanoTime() < deadline) {
      String text = log();
      if (text.contains("address in use")) {
        return Startup.PORT_TAKEN;
      }
      if (!process.isAlive()) {
        return Startup.FAILED;
      }
      if (zones.stream().allMatch(this::answersSoa)) {
        return Startup.READY;
      }
      // Bounded polling: named has no readiness signal other than answering.
      Thread.sleep(POLL_MILLIS);
    }
    return Startup.FAILED;
  }

  /** True if named answers a SOA query for {@code zone} over TCP with NOERROR and the SOA. */
  private boolean answersSoa(Name zone) {
    return IxfrTools.soaSerial(new InetSocketAddress(LOOPBACK, port), zone).isPresent();
  }

  /** Returns a loopback port free for both TCP and UDP when probed. */
  static int freePort() throws IOException {
    for (int i = 0; i < 10; i++) {
      int port;
      try (ServerSocket ss = new ServerSocket(0, 1, LOOPBACK)) {
        port = ss.getLocalPort();
      }
      // named needs the same number for UDP: skip ports whose UDP side is taken.
      try {
        new DatagramSocket(new InetSocketAddress(LOOPBACK, port)).close();
        return port;
      } catch (IOException e) {
        // taken for UDP: try another
      }
    }
    throw new IOException("no port free for both TCP and UDP on 127.0.0.1 after 10 tries");
  }

  private static String hint(String log) {
    if (log.contains("permission denied")) {
      return "; 'permission denied' in the log: an AppArmor profile for /usr/sbin/named may"
          + " confine it to /etc/bind and /var/cache/bind (aa-complain /usr/sbin/named)";
    }
    return "";
  }

  /** Hides the secrets of key statements. */
  static String mask(String conf) {
    return conf.replaceAll("secret\\s+\"[^\"]*\"", "secret \"<masked>\"");
  }

  /** Returns the loopback address and port named listens on (TCP and UDP). */
  @Override
  public InetSocketAddress address() {
    return new InetSocketAddress(LOOPBACK, port);
  }

  /** Returns the port named listens on. */
  @Override
  public int port() {
    return port;
  }

  /** Returns the generated named.conf (holds secrets: never print it unmasked). */
  Path configFile() {
    return conf;
  }

  /** Returns what named has logged so far. */
  @Override
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** True while the named process runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** Stops named (SIGTERM, SIGKILL after 5 s) and deletes its directory. */
  @Override
  public void close() throws IOException {
    try {
      BindTools.stop(process);
    } finally {
      BindTools.deleteTree(dir);
    }
  }
}
