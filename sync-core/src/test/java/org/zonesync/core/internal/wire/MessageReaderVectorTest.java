// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.wire.WireTestSupport.dnsjavaEntries;
import static org.zonesync.core.internal.wire.WireTestSupport.readAll;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.wire.WireTestSupport.Entry;

/** Golden captures from BIND 9 (see src/test/resources/vectors/wire/HOW.txt). */
final class MessageReaderVectorTest {

  static byte[] resource(String name) throws IOException {
    try (InputStream in = MessageReaderVectorTest.class.getResourceAsStream("/vectors/wire/" + name)) {
      if (in == null) {
        throw new IOException("missing test vector " + name);
      }
      return in.readAllBytes();
    }
  }

  /** The messages of a captured length-prefixed TCP stream. */
  static List<byte[]> messages(byte[] stream) throws Exception {
    TcpMessageInput input = new TcpMessageInput(new ByteArrayInputStream(stream), 65535);
    byte[] buf = new byte[65535];
    List<byte[]> out = new ArrayList<>();
    for (int n; (n = input.next(buf)) >= 0; ) {
      out.add(Arrays.copyOf(buf, n));
    }
    assertEquals(stream.length, input.bytesRead());
    return out;
  }

  @Test
  void bindAxfr_decodesLikeDnsjava_andYieldsTheZoneFileWithItsCase() throws Exception {
    List<byte[]> msgs = messages(resource("bind-axfr-response.tcp"));
    assertEquals(2, msgs.size());
    List<String> answers = new ArrayList<>();
    for (byte[] m : msgs) {
      List<Entry> ours = readAll(m, 0, m.length);
      assertEquals(dnsjavaEntries(new Message(m)), ours);
      for (Entry e : ours) {
        if (e.section() == MessageReader.SECTION_ANSWER) {
          answers.add(HexFormat.of().formatHex(e.bytes()));
        }
      }
    }
    // RFC 5936: the stream is the zone framed by its SOA; the closing SOA repeats the opening.
    assertEquals(answers.get(0), answers.get(answers.size() - 1));
    List<String> zone = new ArrayList<>();
    try (Master master = new Master(new ByteArrayInputStream(resource("example.com.zone")))) {
      for (Record r; (r = master.nextRecord()) != null; ) {
        zone.add(HexFormat.of().formatHex(r.toWire(Section.ANSWER)));
      }
    }
    List<String> transferred = new ArrayList<>(answers.subList(0, answers.size() - 1));
    transferred.sort(null);
    zone.sort(null);
    assertEquals(zone, transferred);
  }

  @Test
  void bindSoaExchange_decodesLikeDnsjava() throws Exception {
    byte[] request = resource("bind-soa-request.bin");
    assertEquals(dnsjavaEntries(new Message(request)), readAll(request, 0, request.length));
    List<byte[]> msgs = messages(resource("bind-soa-response.tcp"));
    assertEquals(1, msgs.size());
    byte[] m = msgs.get(0);
    MessageReader reader = new MessageReader();
    reader.reset(m, 0, m.length);
    assertEquals(0x0b0e, reader.id());
    assertTrue(reader.qr() && reader.aa());
    assertEquals(1, reader.answerCount());
    assertTrue(reader.next());
    assertTrue(reader.next());
    assertEquals(Type.SOA, reader.type());
    assertTrue(reader.rdLength() < reader.rdataLength(), "BIND compressed the SOA rdata names");
    assertEquals(dnsjavaEntries(new Message(m)), readAll(m, 0, m.length));
  }
}
