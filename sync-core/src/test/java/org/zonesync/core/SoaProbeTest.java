// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.zonesync.api.Primary;
import org.zonesync.core.internal.refresh.SoaQuery;

/** The network SOA probe against a primary that answers FORMERR to EDNS (TESTPLAN B7). */
final class SoaProbeTest {

  @Test
  void aPrimaryWithoutEdns_isAskedAgainWithoutIt() throws Exception {
    Name zone = Name.fromConstantString("old.example.");
    SOARecord soa = new SOARecord(zone, DClass.IN, 3600, zone, zone, 42, 3600, 900, 1209600,
        300);
    List<Message> seen = new ArrayList<>();
    try (DatagramSocket primary = new DatagramSocket(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      Thread t = new Thread(() -> {
        try {
          for (int i = 0; i < 2; i++) {
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            primary.receive(p);
            Message q = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
            seen.add(q);
            Message a = new Message(q.getHeader().getID());
            a.getHeader().setFlag(Flags.QR);
            a.addRecord(q.getQuestion(), Section.QUESTION);
            if (q.getOPT() != null) {
              a.getHeader().setRcode(Rcode.FORMERR); // an old server: no EDNS
            } else {
              a.getHeader().setFlag(Flags.AA);
              a.addRecord(soa, Section.ANSWER);
            }
            byte[] out = a.toWire();
            primary.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
          }
        } catch (Exception e) {
          // the test fails on the missing answer
        }
      });
      t.setDaemon(true);
      t.start();
      SoaQuery.Result r = SoaProbe.network(InstantSource.system(), System::nanoTime).query(zone,
          Primary.of((InetSocketAddress) primary.getLocalSocketAddress()), Duration.ofSeconds(5),
          cancel -> { });
      t.join(5000);
      assertEquals(42, r.serial().value());
      assertEquals(Optional.empty(), r.expire());
      assertEquals(2, seen.size());
      assertNotNull(seen.get(0).getOPT(), "asked with EDNS first");
      assertNull(seen.get(1).getOPT(), "then without");
    }
  }
}
