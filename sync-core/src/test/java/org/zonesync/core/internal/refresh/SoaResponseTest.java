// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.refresh.SoaResponder.SERIAL;
import static org.zonesync.core.internal.refresh.SoaResponder.ZONE;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.MalformedTransferException;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferRefusedException;

/** The answer judgement without sockets: cases the scripted primary does not reach. */
final class SoaResponseTest {

  private static final int ID = 0x1234;
  private static final InetSocketAddress REMOTE =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 53);

  private static Message answer(int id) {
    Message m = new Message(id);
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(Record.newRecord(ZONE, Type.SOA, DClass.IN), Section.QUESTION);
    m.addRecord(SoaResponder.soa(SERIAL), Section.ANSWER);
    return m;
  }

  private static SoaResponse.Verdict check(Message m, boolean expire, boolean overTcp)
      throws TransferException {
    byte[] b = m.toWire();
    return new SoaResponse(ZONE, ID, null, expire, REMOTE).check(b, b.length, overTcp);
  }

  @Test
  void query_isParsedByDnsjavaAsSoaQueryWithOpt() throws IOException {
    Message q = new Message(SoaResponse.query(ZONE, ID, true, true));
    assertEquals(ID, q.getHeader().getID());
    assertEquals(Opcode.QUERY, q.getHeader().getOpcode());
    assertEquals(Record.newRecord(ZONE, Type.SOA, DClass.IN), q.getQuestion());
    List<EDNSOption> options = q.getOPT().getOptions(SoaResponse.EXPIRE_OPTION);
    assertEquals(1, options.size());
  }

  @Test
  void check_acceptsBindCapture_andAgreesWithDnsjava() throws Exception {
    byte[] tcp;
    try (InputStream in = SoaResponseTest.class.getResourceAsStream(
        "/vectors/wire/bind-soa-response.tcp")) {
      tcp = in.readAllBytes();
    }
    byte[] msg = Arrays.copyOfRange(tcp, 2, tcp.length);
    int id = ((msg[0] & 0xFF) << 8) | (msg[1] & 0xFF);
    SoaResponse.Verdict v = new SoaResponse(ZONE, id, null, false, REMOTE)
        .check(msg, msg.length, true);
    SOARecord expected = (SOARecord) new Message(msg).getSection(Section.ANSWER).get(0);
    assertEquals(expected, assertInstanceOf(SoaResponse.Answer.class, v).soa());
  }

  @Test
  void check_ignoresQrClearAndOtherOpcode() throws Exception {
    Message m = answer(ID);
    m.getHeader().unsetFlag(Flags.QR);
    assertInstanceOf(SoaResponse.Ignored.class, check(m, false, false));
    Message n = answer(ID);
    n.getHeader().setOpcode(Opcode.NOTIFY);
    assertInstanceOf(SoaResponse.Ignored.class, check(n, false, false));
  }

  @Test
  void check_ignoresWrongTypeOrClassInQuestion() throws Exception {
    Message m = answer(ID);
    m.removeAllRecords(Section.QUESTION);
    m.addRecord(Record.newRecord(ZONE, Type.A, DClass.IN), Section.QUESTION);
    assertInstanceOf(SoaResponse.Ignored.class, check(m, false, false));
    Message n = answer(ID);
    n.removeAllRecords(Section.QUESTION);
    n.addRecord(Record.newRecord(ZONE, Type.SOA, DClass.CH), Section.QUESTION);
    assertInstanceOf(SoaResponse.Ignored.class, check(n, false, false));
  }

  @Test
  void check_throwsRefused_onExtendedRcodeInOpt() throws Exception {
    Message m = answer(ID);
    m.addRecord(new OPTRecord(1232, Rcode.BADVERS >>> 4, 0, 0), Section.ADDITIONAL);
    TransferRefusedException e = assertThrows(TransferRefusedException.class,
        () -> check(m, false, false));
    assertEquals(Rcode.BADVERS, e.rcode());
  }

  @Test
  void check_ignoresTwoOptRecords() throws Exception {
    Message m = answer(ID);
    m.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
    byte[] one = m.toWire();
    byte[] opt = new OPTRecord(1232, 0, 0, 0).toWire(Section.ADDITIONAL);
    byte[] two = Arrays.copyOf(one, one.length + opt.length);
    System.arraycopy(opt, 0, two, one.length, opt.length);
    two[11]++;
    assertInstanceOf(SoaResponse.Ignored.class,
        new SoaResponse(ZONE, ID, null, false, REMOTE).check(two, two.length, false));
  }

  @Test
  void check_throwsMalformed_onTwoApexSoas() throws Exception {
    Message m = answer(ID);
    m.addRecord(SoaResponder.soa(SERIAL + 1), Section.ANSWER);
    MalformedTransferException e = assertThrows(MalformedTransferException.class,
        () -> check(m, false, false));
    assertTrue(e.getMessage().contains("2 soa records"), e.getMessage());
  }

  @Test
  void check_throwsMalformed_whenOnlySoaIsBelowApex() throws Exception {
    Message m = answer(ID);
    m.removeAllRecords(Section.ANSWER);
    m.addRecord(new SOARecord(org.xbill.DNS.Name.fromConstantString("sub.example.com."),
        DClass.IN, 3600, ZONE, ZONE, 1, 2, 3, 4, 5), Section.ANSWER);
    assertThrows(MalformedTransferException.class, () -> check(m, false, false));
  }

  @Test
  void check_truncatedOverUdpAsksForTcp_overTcpIsMalformed() throws Exception {
    Message m = answer(ID);
    m.getHeader().setFlag(Flags.TC);
    assertInstanceOf(SoaResponse.Truncated.class, check(m, false, false));
    assertThrows(MalformedTransferException.class, () -> check(m, false, true));
  }

  @Test
  void check_disregardsExpireOfWrongLength() throws Exception {
    Message m = answer(ID);
    m.addRecord(new OPTRecord(1232, 0, 0, 0, new GenericEDNSOption(SoaResponse.EXPIRE_OPTION,
        new byte[] {0, 0, 2})), Section.ADDITIONAL);
    SoaResponse.Answer a = assertInstanceOf(SoaResponse.Answer.class, check(m, true, false));
    assertEquals(Optional.empty(), a.expire());
  }

  @Test
  void check_readsExpireAmongOtherOptions_fullUnsignedRange() throws Exception {
    Message m = answer(ID);
    m.addRecord(new OPTRecord(1232, 0, 0, 0, new GenericEDNSOption(10, new byte[8]),
        new GenericEDNSOption(SoaResponse.EXPIRE_OPTION, new byte[] {-1, -1, -1, -1})),
        Section.ADDITIONAL);
    SoaResponse.Answer a = assertInstanceOf(SoaResponse.Answer.class, check(m, true, false));
    assertEquals(Optional.of(Duration.ofSeconds(0xFFFF_FFFFL)), a.expire());
  }
}
