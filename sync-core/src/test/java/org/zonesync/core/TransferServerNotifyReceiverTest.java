// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.zonesync.core.Dig.KEY;
import static org.zonesync.core.Dig.ZONE;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.ZoneSnapshot;
import org.zonesync.core.internal.notify.Accepted;
import org.zonesync.core.internal.notify.NotifyHandler;
import org.zonesync.core.internal.notify.NotifyListener;
import org.zonesync.core.internal.notify.Outcome;
import org.zonesync.core.internal.notify.ZoneAcl;
import org.zonesync.tsig.TsigKeyring;

/**
 * Differential check of NOTIFY out against the engine's own NOTIFY receiver: the bytes
 * TransferServer sends are accepted by {@link NotifyHandler}, and its answer completes the
 * future; end to end through a {@link NotifyListener}.
 */
final class TransferServerNotifyReceiverTest {

  private static final ZoneSnapshot V1 = Dig.zone(2026112420L);

  /** Signed: the ACL knows only the key. Unsigned: it knows only the loopback address. */
  private static ZoneAcl acl(boolean signed) {
    return signed ? new ZoneAcl(Set.of(), TsigKeyring.of(KEY))
        : new ZoneAcl(Set.of(Dig.loopback()), TsigKeyring.of());
  }

  private static TransferServer server(boolean signed) throws Exception {
    TransferServer.Builder b = TransferServer.builder().zone(V1);
    return (signed ? b.notifyKey(KEY) : b).start();
  }

  @ParameterizedTest(name = "signed={0}")
  @ValueSource(booleans = {true, false})
  void notifyHandler_acceptsOurNotify_andItsAnswerCompletesTheFuture(boolean signed)
      throws Exception {
    NotifyHandler handler = new NotifyHandler(z -> z.equals(ZONE) ? Optional.of(acl(signed))
        : Optional.empty(), InstantSource.system());
    try (TransferServer server = server(signed);
        DatagramSocket secondary = new DatagramSocket(new InetSocketAddress(Dig.loopback(), 0))) {
      secondary.setSoTimeout(Dig.WAIT_MILLIS);
      CompletableFuture<Duration> f = server.notify(
          (InetSocketAddress) secondary.getLocalSocketAddress(), ZONE);
      byte[] buf = new byte[65535];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      secondary.receive(p);
      InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();

      Outcome o = handler.handle(Arrays.copyOf(buf, p.getLength()), p.getLength(), from);
      assertEquals(Outcome.Reason.ACCEPTED, o.reason());
      Accepted a = o.accepted().orElseThrow();
      assertEquals(ZONE, a.zone());
      assertEquals(Optional.of(V1.serial()), a.serial());
      assertEquals(signed ? Optional.of(KEY.name()) : Optional.empty(), a.keyName());

      byte[] answer = o.response().orElseThrow();
      secondary.send(new DatagramPacket(answer, answer.length, from));
      assertFalse(f.get(Dig.WAIT_MILLIS, TimeUnit.MILLISECONDS).isNegative());
    }
  }

  @ParameterizedTest(name = "signed={0}")
  @ValueSource(booleans = {true, false})
  void notifyListener_endToEnd_reportsTheSerialPublished(boolean signed) throws Exception {
    BlockingQueue<Accepted> accepted = new ArrayBlockingQueue<>(16);
    NotifyHandler handler = new NotifyHandler(z -> z.equals(ZONE) ? Optional.of(acl(signed))
        : Optional.empty(), InstantSource.system());
    try (TransferServer server = server(signed);
        NotifyListener listener = new NotifyListener(
            new InetSocketAddress(Dig.loopback(), 0), handler,
            (source, o) -> o.accepted().ifPresent(accepted::add))) {
      ZoneSnapshot v2 = Dig.zone(2026112421L);
      CompletableFuture<Duration> f = server.publishAndNotify(v2,
          java.util.List.of(listener.localAddress())).get(0);
      assertFalse(f.get(Dig.WAIT_MILLIS, TimeUnit.MILLISECONDS).isNegative());
      Accepted a = accepted.poll(Dig.WAIT_MILLIS, TimeUnit.MILLISECONDS);
      assertNotNull(a);
      assertEquals(Optional.of(SerialNumber.of(2026112421L)), a.serial());
      assertEquals(ZONE, a.zone());
    }
  }
}
