// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Feeds the builder records whose every field comes from the fuzzer, as a hostile primary's
 * transfer would. Invariant: {@code build()} either throws {@link ZoneContentException} or
 * returns a zone whose every record can be handed out as a dnsjava record, whose cursor walks
 * exactly {@code recordCount()} records, and whose master file reads back to the same zone.
 */
final class CompactZoneFuzzTest {

  private static final Name ORIGIN = ZoneTestData.name("example.com.");
  private static final byte[] ORIGIN_WIRE = ORIGIN.toWire();
  private static final int[] TYPES = {Type.SOA, Type.A, Type.AAAA, Type.NS, Type.CNAME, Type.MX,
      Type.TXT, Type.SRV, Type.RRSIG, Type.NSEC, Type.DNSKEY, Type.DS, Type.NAPTR, Type.CAA,
      65280, Type.OPT};

  @FuzzTest(maxDuration = "30s")
  void build_throwsOnlyZoneContentException(FuzzedDataProvider data) throws IOException {
    CompactZoneBuilder b = new CompactZoneBuilder(ORIGIN, 5, 5);
    int records = data.consumeInt(0, 40);
    for (int i = 0; i < records; i++) {
      byte[] owner = owner(data);
      int type = data.consumeBoolean() ? data.pickValue(TYPES) : data.consumeInt(0, 0xFFFF);
      int dclass = data.consumeInt(0, 9) == 0 ? data.consumeInt(0, 0xFFFF) : DClass.IN;
      long ttl = data.consumeLong(0, 0xFFFF_FFFFL);
      byte[] rdata = data.consumeBytes(data.consumeInt(0, 64));
      b.add(owner, 0, owner.length, type, dclass, ttl, rdata, 0, rdata.length);
    }
    CompactZone zone;
    try {
      zone = b.build();
    } catch (ZoneContentException expected) {
      return;
    }
    long n = 0;
    for (Record r : zone) {
      n++;
      assertTrue(r.getName().subdomain(ORIGIN));
    }
    assertEquals(zone.recordCount(), n);
    ZoneCursor c = zone.cursor();
    long walked = 0;
    while (c.next()) {
      walked++;
    }
    assertEquals(n, walked);
    StringBuilder text = new StringBuilder();
    zone.writeMasterFile(text);
    assertEquals(n, ZoneTestData.parseMaster(text.toString()).size());
  }

  /** A well-formed name: fuzzer labels, usually under the origin. */
  private static byte[] owner(FuzzedDataProvider data) {
    int labels = data.consumeInt(0, 3);
    byte[] suffix = data.consumeInt(0, 15) == 0 ? Name.root.toWire() : ORIGIN_WIRE;
    byte[][] parts = new byte[labels * 2 + 1][];
    for (int i = 0; i < labels; i++) {
      byte[] label = data.consumeBytes(data.consumeInt(1, 20));
      if (label.length == 0) {
        label = new byte[] {'x'};
      }
      parts[2 * i] = new byte[] {(byte) label.length};
      parts[2 * i + 1] = label;
    }
    parts[labels * 2] = suffix;
    return ZoneTestData.concat(parts);
  }
}
