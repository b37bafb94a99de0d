// SPDX-License-Identifier: Apache-2.0
package org.zonesync.bench.xfrout;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.zonesync.api.TsigKey;
import org.zonesync.bench.xfr.AxfrFixture;
import org.zonesync.cli.SyntheticZone;
import org.zonesync.core.TransferServer;
import org.zonesync.core.Zones;
import org.zonesync.core.internal.xfr.AxfrWriter;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.tsig.TsigStreamSigner;

/**
 * End to end transfer out: the wall time of a real client ({@code kdig} or {@code dig}) fetching
 * a TSIG-signed (hmac-sha256) AXFR of the {@link AxfrFixture} zone over loopback TCP, from
 * zonesync's {@link TransferServer} and from Knot DNS {@code knotd} serving the same zone.
 *
 * <p><b>Setup (not timed).</b> The zone is {@link SyntheticZone} with {@link AxfrFixture}'s
 * origin, serial and seed, built with {@link Zones#of}; the key is {@link AxfrOutFixture}'s
 * ({@code bench-key.}, same secret). The zone is written with {@code writeMasterFile} into a
 * temporary directory, where a minimal {@code knot.conf} ({@code zonefile-load: whole},
 * {@code journal-content: none}, {@code semantic-checks: off}, transfers allowed with the key
 * only) makes knotd load it; readiness is polled with a TCP SOA query, bounded. The key reaches
 * the client through a key file ({@code -k}), never the command line or the output.
 *
 * <p><b>What one measurement is.</b> {@code client -k keyfile @127.0.0.1 -p PORT bench.example.
 * AXFR +noall +stats} as a child process, from {@link ProcessBuilder#start} to its exit; the
 * client verifies every message's TSIG (RFC 8945 section 5.3.1). The reported record count must
 * be the zone's plus the closing SOA, and from zonesync the message count must be the one
 * {@link AxfrWriter} produces for that message size (65,535 bytes unless given). Both servers
 * run at once and transfers alternate between them (zonesync, knotd, zonesync, ...), so that
 * load from other processes on the machine hits both alike: two warm-up transfers, then five
 * (or the given number of) timed ones per server; the table shows the median wall time (and
 * records per second from it) and the best one, which other load disturbs least. Also shown, per
 * transfer: the client's CPU time (user+sys, from this process's reaped-children times in
 * {@code /proc/self/stat}) and the server's (zonesync: the whole JVM's process CPU time, so GC
 * included; knotd: its {@code /proc/PID/stat} utime+stime), which tell which side bounds the
 * wall time.
 *
 * <p><b>Which client.</b> Both are bound by the client's own CPU time on loopback, and
 * {@code dig +noall} (BIND 9) parses about three times faster than {@code kdig +noall} (Knot
 * 3.2), so {@code dig} is the default: it leaves more of the wall time to the server. Note that
 * {@code dig} sends EDNS and {@code kdig} does not, so Knot's byte count differs between them
 * (an 11-byte OPT record in every message) while zonesync's does not (it sends no OPT).
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.zonesync.bench.xfrout.AxfrOutEndToEnd [records
 * [dig|kdig [message-size [runs]]]]} (default 1000000, dig, 65535, 5). Linux only
 * ({@code /proc}).
 */
public final class AxfrOutEndToEnd {

  private static final int WARMUP = 2;
  private static final int RUNS = 5;
  private static final long READY_MILLIS = 180_000;
  private static final long CLIENT_TIMEOUT_SECONDS = 600;
  private static final Pattern DIG_SIZE =
      Pattern.compile(";; XFR size: (\\d+) records \\(messages (\\d+), bytes (\\d+)\\)");
  private static final Pattern KDIG_SIZE =
      Pattern.compile(";; Received (\\d+) B \\((\\d+) messages, (\\d+) records\\)");
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private AxfrOutEndToEnd() {
  }

  /** What the client reported for one transfer, and what it cost. */
  private record Run(long nanos, long records, long messages, long bytes, long clientCpuMillis,
      long serverCpuMillis) {
  }

  /** A started knotd and the port it answers on. */
  private record Knot(Process process, int port) {
  }

  /** Measures a server's CPU time in milliseconds, monotonically. */
  private interface CpuClock {
    long millis() throws IOException;
  }

  /**
   * Runs the measurement and prints the table.
   *
   * @param args the zone size in records, the SOA included (default 1000000), and the client,
   *     {@code dig} (default) or {@code kdig}, zonesync's largest message (default 65535) and
   *     the timed transfers per server (default 5)
   * @throws Exception if a server does not start or a transfer fails or reports wrong counts
   */
  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    String client = args.length > 1 ? args[1] : "dig";
    int messageSize = args.length > 2 ? Integer.parseInt(args[2]) : AxfrFixture.MESSAGE_SIZE;
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : RUNS;
    if (runs < 1) {
      throw new IllegalArgumentException("runs must be at least 1: " + runs);
    }
    if (!client.equals("kdig") && !client.equals("dig")) {
      throw new IllegalArgumentException("client must be kdig or dig: " + client);
    }
    TsigKey key = AxfrFixture.benchKey();
    Name origin = AxfrFixture.ORIGIN;
    long t0 = System.nanoTime();
    CompactZone zone = (CompactZone) Zones.of(origin,
        SyntheticZone.generate(origin, records, AxfrFixture.SERIAL, AxfrFixture.SEED));
    // The MAC only changes the signature bytes, not their length: any request MAC gives the
    // message split the server will use.
    AxfrWriter probe = new AxfrWriter(messageSize,
        new TsigStreamSigner(key, new byte[32], Clock.systemUTC()), key);
    probe.write(zone, 0, origin.toWire(), Type.AXFR, (buf, len) -> { });
    long expectedRecords = zone.recordCount() + 1;
    System.out.printf(Locale.ROOT, "zone: %d records (+1 closing SOA), zonesync sends %d "
        + "messages of at most %d bytes, %d bytes in all; built in %d ms; client %s%n",
        zone.recordCount(), probe.messages(), messageSize, probe.bytes(),
        (System.nanoTime() - t0) / 1_000_000, client);

    Path dir = Files.createTempDirectory("zonesync-e2e-");
    List<String> rows = new ArrayList<>();
    try {
      Path keyFile = writeKeyFile(dir, client, key);
      Path zoneFile = dir.resolve("zone.db");
      t0 = System.nanoTime();
      try (Writer w = Files.newBufferedWriter(zoneFile, StandardCharsets.US_ASCII)) {
        zone.writeMasterFile(w);
      }
      System.out.printf(Locale.ROOT, "master file: %d bytes in %d ms%n", Files.size(zoneFile),
          (System.nanoTime() - t0) / 1_000_000);
      Knot knot = startKnot(dir, zoneFile, origin, key);
      try (TransferServer server = TransferServer.builder()
          .listen(new InetSocketAddress(LOOPBACK, 0)).zone(zone).keys(key)
          .maxMessageSize(messageSize).start()) {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
            ManagementFactory.getOperatingSystemMXBean();
        long ticks = clockTicks();
        long pid = knot.process().pid();
        // Interleaved, so that load from other processes on the machine hits both alike.
        List<Run> ours = new ArrayList<>();
        List<Run> theirs = new ArrayList<>();
        for (int i = 0; i < WARMUP + runs; i++) {
          Run a = measureOne(client, keyFile, server.address().getPort(), origin,
              () -> os.getProcessCpuTime() / 1_000_000, expectedRecords, probe.messages(), dir,
              i);
          Run b = measureOne(client, keyFile, knot.port(), origin,
              () -> procCpuTicks(Path.of("/proc/" + pid + "/stat"), 11) * 1000 / ticks,
              expectedRecords, -1, dir, i);
          if (i >= WARMUP) {
            ours.add(a);
            theirs.add(b);
          }
        }
        rows.add(row("zonesync", ours));
        rows.add(row("knotd " + version("knotd"), theirs));
      } finally {
        stop(knot.process());
      }
    } finally {
      deleteTree(dir);
    }
    System.out.printf(Locale.ROOT, "%nAXFR of %d records over 127.0.0.1 with TSIG hmac-sha256, "
        + "client %s, median of %d after %d warm-up, interleaved%n", expectedRecords, client, runs,
        WARMUP);
    System.out.printf(Locale.ROOT, "%-16s %10s %10s %12s %9s %12s %12s %12s%n", "server",
        "wall ms", "best ms", "records/s", "messages", "bytes", "client cpu", "server cpu");
    rows.forEach(System.out::println);
  }

  private static String row(String server, List<Run> runs) {
    Run m = runs.stream().sorted(Comparator.comparingLong(Run::nanos)).toList()
        .get(runs.size() / 2);
    long clientCpu = runs.stream().mapToLong(Run::clientCpuMillis).sorted().toArray()[runs.size()
        / 2];
    long serverCpu = runs.stream().mapToLong(Run::serverCpuMillis).sorted().toArray()[runs.size()
        / 2];
    long best = runs.stream().mapToLong(Run::nanos).min().orElseThrow();
    return String.format(Locale.ROOT, "%-16s %10.1f %10.1f %12.0f %9d %12d %9d ms %9d ms",
        server, m.nanos() / 1e6, best / 1e6, m.records() / (m.nanos() / 1e9), m.messages(),
        m.bytes(), clientCpu, serverCpu);
  }

  private static Run measureOne(String client, Path keyFile, int port, Name origin,
      CpuClock server, long expectedRecords, long expectedMessages, Path dir, int i)
      throws IOException, InterruptedException {
    Run r = transfer(client, keyFile, port, origin, server, dir);
    if (r.records() != expectedRecords
        || (expectedMessages >= 0 && r.messages() != expectedMessages)) {
      throw new IllegalStateException(String.format(Locale.ROOT, "port %d: %s reports %d "
          + "records in %d messages, expected %d records%s", port, client, r.records(),
          r.messages(), expectedRecords,
          expectedMessages >= 0 ? " in " + expectedMessages + " messages" : ""));
    }
    System.out.printf(Locale.ROOT, "  port %d %s %d: %.1f ms, %d records, %d messages, "
        + "%d bytes, client cpu %d ms, server cpu %d ms%n", port,
        i < WARMUP ? "warm-up" : "run", i + 1, r.nanos() / 1e6, r.records(), r.messages(),
        r.bytes(), r.clientCpuMillis(), r.serverCpuMillis());
    return r;
  }

  private static Run transfer(String client, Path keyFile, int port, Name origin,
      CpuClock server, Path dir) throws IOException, InterruptedException {
    Path out = dir.resolve("client.out");
    List<String> cmd = List.of(client, "-k", keyFile.toString(), "@127.0.0.1", "-p",
        Integer.toString(port), origin.toString(), "AXFR", "+noall", "+stats");
    long ticks = clockTicks();
    long childBefore = childCpuTicks();
    long serverBefore = server.millis();
    long start = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(CLIENT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(client + " did not finish in " + CLIENT_TIMEOUT_SECONDS
          + " s");
    }
    long nanos = System.nanoTime() - start;
    long serverCpu = server.millis() - serverBefore;
    long clientCpu = (childCpuTicks() - childBefore) * 1000 / ticks;
    String text = Files.readString(out, StandardCharsets.UTF_8);
    String lower = text.toLowerCase(Locale.ROOT);
    if (p.exitValue() != 0 || lower.contains("error") || lower.contains("warning")
        || lower.contains("failed")) {
      throw new IllegalStateException(client + " exited " + p.exitValue() + ":\n" + text);
    }
    Matcher d = DIG_SIZE.matcher(text);
    if (d.find()) {
      return new Run(nanos, Long.parseLong(d.group(1)), Long.parseLong(d.group(2)),
          Long.parseLong(d.group(3)), clientCpu, serverCpu);
    }
    Matcher k = KDIG_SIZE.matcher(text);
    if (k.find()) {
      return new Run(nanos, Long.parseLong(k.group(3)), Long.parseLong(k.group(2)),
          Long.parseLong(k.group(1)), clientCpu, serverCpu);
    }
    throw new IllegalStateException(client + " printed no transfer size:\n" + text);
  }

  /** Writes the key in the client's format: kdig's {@code -y} syntax, or BIND's key clause. */
  private static Path writeKeyFile(Path dir, String client, TsigKey key) throws IOException {
    Path f = dir.resolve(client + ".key");
    String text = client.equals("kdig")
        ? "hmac-sha256:" + key.name() + ":" + key.secretBase64() + "\n"
        : "key \"" + key.name() + "\" {\n  algorithm hmac-sha256;\n  secret \""
            + key.secretBase64() + "\";\n};\n";
    Files.writeString(f, text, StandardCharsets.US_ASCII);
    return f;
  }

  private static Knot startKnot(Path dir, Path zoneFile, Name origin, TsigKey key)
      throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("storage"));
    int knotPort;
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      knotPort = s.getLocalPort(); // free now; knotd fails loudly if another process takes it
    }
    String d = dir.toAbsolutePath().toString();
    PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
    String conf = "server:\n"
        + "  rundir: \"" + d + "\"\n"
        + "  user: " + a.owner().getName() + ":" + a.group().getName() + "\n"
        + "  listen: 127.0.0.1@" + knotPort + "\n"
        + "log:\n  - target: stderr\n    any: info\n"
        + "database:\n  storage: \"" + d + "/storage\"\n"
        + "  journal-db-max-size: 256M\n  timer-db-max-size: 16M\n"
        + "  kasp-db-max-size: 16M\n  catalog-db-max-size: 16M\n"
        + "control:\n  listen: \"" + d + "/knot.sock\"\n"
        + "key:\n  - id: \"" + key.name() + "\"\n    algorithm: hmac-sha256\n"
        + "    secret: " + key.secretBase64() + "\n"
        + "acl:\n  - id: transfer\n    key: \"" + key.name() + "\"\n    action: transfer\n"
        + "zone:\n  - domain: \"" + origin + "\"\n    file: \"" + zoneFile.toAbsolutePath()
        + "\"\n    zonefile-load: whole\n    journal-content: none\n    zonefile-sync: -1\n"
        + "    semantic-checks: off\n    acl: transfer\n";
    Path confFile = dir.resolve("knot.conf");
    Files.writeString(confFile, conf, StandardCharsets.US_ASCII);
    Path log = dir.resolve("knotd.log");
    Process p = new ProcessBuilder("knotd", "-c", confFile.toString()).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    p.getOutputStream().close();
    long start = System.nanoTime();
    long deadline = start + READY_MILLIS * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("knotd exited " + p.exitValue() + ":\n"
            + Files.readString(log, StandardCharsets.UTF_8));
      }
      if (answersSoa(knotPort, origin)) {
        System.out.printf(Locale.ROOT, "knotd answers on 127.0.0.1:%d after %d ms%n", knotPort,
            (System.nanoTime() - start) / 1_000_000);
        return new Knot(p, knotPort);
      }
      Thread.sleep(100); // bounded by READY_MILLIS: knotd signals readiness only by answering
    }
    stop(p);
    throw new IllegalStateException("knotd did not answer within " + READY_MILLIS + " ms:\n"
        + Files.readString(log, StandardCharsets.UTF_8));
  }

  /** Whether the server answers a TCP SOA query for the zone with NOERROR and an answer. */
  private static boolean answersSoa(int port, Name origin) throws InterruptedException {
    try {
      SimpleResolver r = new SimpleResolver(
          new InetSocketAddress(LOOPBACK, port));
      r.setTCP(true);
      r.setTimeout(Duration.ofSeconds(1));
      Message m = r.send(Message.newQuery(
          Record.newRecord(origin, Type.SOA, DClass.IN)));
      return m.getRcode() == Rcode.NOERROR
          && !m.getSection(Section.ANSWER).isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String version(String program) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    Matcher m = Pattern.compile("version (\\S+)").matcher(text);
    return m.find() ? m.group(1) : "?";
  }

  /** The reaped children's user+sys ticks of this JVM ({@code cutime + cstime}). */
  private static long childCpuTicks() throws IOException {
    return procCpuTicks(Path.of("/proc/self/stat"), 13);
  }

  /**
   * Sums two adjacent tick fields of a {@code /proc/.../stat} file, indexed from the field after
   * the parenthesised command name (index 11 is utime, 13 cutime; proc(5) fields 14 and 16).
   */
  private static long procCpuTicks(Path stat, int index) throws IOException {
    String s = Files.readString(stat, StandardCharsets.US_ASCII);
    String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(f[index]) + Long.parseLong(f[index + 1]);
  }

  private static long clockTicks() {
    return 100; // USER_HZ on Linux (getconf CLK_TCK); /proc reports ticks in it
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

}
