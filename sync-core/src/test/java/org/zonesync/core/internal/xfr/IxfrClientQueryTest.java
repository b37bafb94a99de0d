// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.xfr.XfrFixtures.REMOTE;
import static org.zonesync.core.internal.xfr.XfrFixtures.ZONE;

import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.zonesync.api.Primary;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.zone.CompactZone;

/** The IXFR query, read by dnsjava: RFC 1995 section 3. */
final class IxfrClientQueryTest {

  @Test
  void query_asksForIxfr_withOurSoaInTheAuthoritySection() throws Exception {
    CompactZone current = IxfrFixtures.compact(XfrFixtures.zone(0xFFFF_FFFFL, 2));
    IxfrClient c = new IxfrClient(ZONE, Primary.of(REMOTE), current, TransferLimits.DEFAULTS,
        1, false, InstantSource.system(), System::nanoTime);
    Message q = new Message(c.query(4711));
    assertEquals(4711, q.getHeader().getID());
    assertFalse(q.getHeader().getFlag(Flags.QR));
    assertFalse(q.getHeader().getFlag(Flags.RD));
    assertEquals(Opcode.QUERY, q.getHeader().getOpcode());
    assertEquals(Record.newRecord(ZONE, Type.IXFR, org.xbill.DNS.DClass.IN), q.getQuestion());
    assertEquals(List.of(current.soa()), q.getSection(Section.AUTHORITY));
    assertEquals(current.soa().getTTL(), q.getSection(Section.AUTHORITY).get(0).getTTL());
    assertTrue(q.getSection(Section.ANSWER).isEmpty());
    // only the OPT record asking for EDNS EXPIRE (RFC 7314; XfrExpireClientTest has the rest)
    assertEquals(List.of(Type.OPT), q.getSection(Section.ADDITIONAL).stream()
        .map(Record::getType).toList());
  }
}
