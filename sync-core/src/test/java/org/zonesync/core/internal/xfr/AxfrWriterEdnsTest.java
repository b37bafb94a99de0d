// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.CompactZoneBuilder;

/**
 * The OPT record of a transfer's answer (RFC 6891 section 7, RFC 7314 section 2): in the first
 * message only, after its answers, within the message size; the zone's records are unchanged by
 * it, checked by dnsjava on the bytes.
 */
final class AxfrWriterEdnsTest {

  private static final byte[] EXPIRE = {0, 9, 0, 4, 0, 1, 0x51, (byte) 0x80}; // 86400

  @ParameterizedTest
  @ValueSource(ints = {512, 1024, 16384})
  void firstMessageCarriesTheOpt_withinTheSize_andTheRecordsAreThoseWithout(int size)
      throws Exception {
    CompactZoneBuilder b = new CompactZoneBuilder(XfrFixtures.ZONE, 0, 0);
    for (Record r : XfrFixtures.zone(7, 300)) {
      b.add(r);
    }
    CompactZone zone = b.build();
    List<byte[]> with = write(zone, size, EXPIRE);
    List<byte[]> without = write(zone, size, null);
    List<Record> a = new ArrayList<>();
    List<Record> c = new ArrayList<>();
    for (int i = 0; i < with.size(); i++) {
      assertTrue(with.get(i).length <= size, "message " + i + " of " + with.get(i).length);
      Message m = new Message(with.get(i));
      OPTRecord opt = m.getOPT();
      if (i == 0) {
        assertNotNull(opt, "the first message answers the OPT");
        assertEquals(1232, opt.getPayloadSize());
        assertEquals(86400, java.nio.ByteBuffer.wrap(Arrays.copyOfRange(
            opt.rdataToWireCanonical(), 4, 8)).getInt());
      } else {
        assertNull(opt, "message " + i);
      }
      a.addAll(m.getSection(Section.ANSWER));
    }
    for (byte[] w : without) {
      c.addAll(new Message(w).getSection(Section.ANSWER));
    }
    assertEquals(c, a);
    assertEquals(Type.SOA, a.get(0).getType());
  }

  private static List<byte[]> write(CompactZone zone, int size, byte[] options)
      throws Exception {
    List<byte[]> out = new ArrayList<>();
    AxfrWriter w = new AxfrWriter(size, null, null);
    if (options != null) {
      w.edns(options);
    }
    w.write(zone, 4242, XfrFixtures.ZONE.toWire(), Type.AXFR,
        (m, n) -> out.add(Arrays.copyOf(m, n)));
    return out;
  }

  @org.junit.jupiter.api.Test
  void oneAnswer_sendsEveryRecordInAMessageOfItsOwn_theOptInTheFirst() throws Exception {
    CompactZoneBuilder b = new CompactZoneBuilder(XfrFixtures.ZONE, 0, 0);
    for (Record r : XfrFixtures.zone(7, 30)) {
      b.add(r);
    }
    CompactZone zone = b.build();
    List<byte[]> out = new ArrayList<>();
    AxfrWriter w = new AxfrWriter(16384, null, null);
    w.edns(EXPIRE);
    w.oneAnswer();
    w.write(zone, 7, XfrFixtures.ZONE.toWire(), Type.AXFR, (m, n) -> out.add(Arrays.copyOf(m, n)));
    assertEquals(zone.recordCount() + 1, out.size(), "the zone and the closing SOA");
    for (int i = 0; i < out.size(); i++) {
      Message m = new Message(out.get(i));
      assertEquals(1, m.getSection(Section.ANSWER).size(), "message " + i);
      assertEquals(i == 0, m.getOPT() != null, "OPT in message " + i);
    }
  }

  @org.junit.jupiter.api.Test
  void recordLargerThanTheMessageSize_goesAloneInALargerMessage_andTheRestAsBefore()
      throws Exception {
    CompactZoneBuilder b = new CompactZoneBuilder(XfrFixtures.ZONE, 0, 0);
    for (Record r : XfrFixtures.zone(7, 40)) {
      b.add(r);
    }
    String[] parts = new String[120]; // about 30 KB of TXT: more than a 16 KiB message
    Arrays.fill(parts, "x".repeat(250));
    b.add(new org.xbill.DNS.TXTRecord(org.xbill.DNS.Name.fromString("big", XfrFixtures.ZONE),
        org.xbill.DNS.DClass.IN, 300, Arrays.asList(parts)));
    CompactZone zone = b.build();
    List<byte[]> out = write(zone, 16384, EXPIRE);
    List<Record> got = new ArrayList<>();
    int big = 0;
    for (byte[] m : out) {
      List<Record> answers = new Message(m).getSection(Section.ANSWER);
      if (m.length > 16384) {
        big++;
        assertEquals(1, answers.size(), "the big record alone");
        assertEquals(Type.TXT, answers.get(0).getType());
      }
      got.addAll(answers);
    }
    assertEquals(1, big);
    assertEquals(zone.recordCount() + 1, got.size(), "every record and the closing SOA");
    for (byte[] m : out) {
      assertTrue(new Message(m).getSection(Section.ANSWER).size() > 0, "no empty message");
    }
  }
}
