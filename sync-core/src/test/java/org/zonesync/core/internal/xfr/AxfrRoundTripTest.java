// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.zonesync.core.internal.xfr.XfrFixtures.CLOCK;
import static org.zonesync.core.internal.xfr.XfrFixtures.ID;
import static org.zonesync.core.internal.xfr.XfrFixtures.KEY;
import static org.zonesync.core.internal.xfr.XfrFixtures.REMOTE;
import static org.zonesync.core.internal.xfr.XfrFixtures.ZONE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.zonesync.core.TransferLimits;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.CompactZoneBuilder;
import org.zonesync.tsig.SignedMessage;
import org.zonesync.tsig.TsigStreamSigner;
import org.zonesync.tsig.TsigStreamVerifier;

/** snapshot -> AXFR stream (our writer) -> snapshot is the identity, signed or not, any size. */
final class AxfrRoundTripTest {

  static CompactZone zone(long serial, int hosts, long seed) throws Exception {
    List<Record> records = new ArrayList<>(XfrFixtures.zone(serial, hosts));
    java.util.Random rnd = new java.util.Random(seed);
    for (int i = 0; i < hosts / 4; i++) {
      byte[] rdata = new byte[rnd.nextInt(300)];
      rnd.nextBytes(rdata);
      Name owner = Name.fromString("Unk" + i + ".Example.COM.");
      records.add(Record.newRecord(owner, 65280 + rnd.nextInt(10), DClass.IN, 60, rdata));
    }
    java.util.Collections.shuffle(records, rnd);
    CompactZoneBuilder b = new CompactZoneBuilder(ZONE, 0, 0);
    for (Record r : records) {
      b.add(r);
    }
    return b.build();
  }

  static List<byte[]> encode(CompactZone z, int size, TsigStreamSigner signer) throws Exception {
    List<byte[]> out = new ArrayList<>();
    AxfrWriter w = new AxfrWriter(size, signer, signer == null ? null : KEY);
    w.write(z, ID, ZONE.toWire(), (m, n) -> out.add(Arrays.copyOf(m, n)));
    assertEquals(out.size(), w.messages());
    assertEquals(z.recordCount() + 1, w.records());
    return out;
  }

  @Property(tries = 40)
  void unsigned_roundTrip_isIdentity(@ForAll @IntRange(min = 512, max = 65535) int size,
      @ForAll @IntRange(min = 0, max = 400) int hosts, @ForAll long seed) throws Exception {
    CompactZone z = zone(seed & 0xFFFFFFFFL, hosts, seed);
    List<byte[]> ms = encode(z, size, null);
    for (byte[] m : ms) {
      assertTrue(m.length <= size, "message of " + m.length + " > " + size);
    }
    CompactZone back = AxfrStreamTest.run(ms, TransferLimits.DEFAULTS, null);
    assertTrue(z.contentEquals(back));
  }

  @Property(tries = 25)
  void signed_roundTrip_isIdentity(@ForAll @IntRange(min = 512, max = 65535) int size,
      @ForAll @IntRange(min = 0, max = 300) int hosts) throws Exception {
    CompactZone z = zone(1, hosts, hosts);
    SignedMessage q = XfrFixtures.signedQuery();
    List<byte[]> ms = encode(z, size, new TsigStreamSigner(KEY, q.mac(), CLOCK));
    for (byte[] m : ms) {
      assertTrue(m.length <= size, "signed message of " + m.length + " > " + size);
    }
    CompactZone back = AxfrStreamTest.run(ms, TransferLimits.DEFAULTS,
        new TsigStreamVerifier(KEY, q.mac(), CLOCK));
    assertTrue(z.contentEquals(back));
  }

  /** dnsjava parses and verifies what we write: same records, and its TSIG accepts the MACs. */
  @Property(tries = 10)
  void dnsjava_readsAndVerifiesOurStream(@ForAll @IntRange(min = 512, max = 8192) int size,
      @ForAll @IntRange(min = 1, max = 200) int hosts) throws Exception {
    CompactZone z = zone(1, hosts, 7);
    SignedMessage q = XfrFixtures.signedQuery();
    List<byte[]> ms = encode(z, size, new TsigStreamSigner(KEY, q.mac(), CLOCK));
    TSIG tsig = new TSIG(TSIG.HMAC_SHA256, KEY.name(),
        new javax.crypto.spec.SecretKeySpec(KEY.secret(), "HmacSHA256"),
        java.time.Clock.fixed(CLOCK.instant(), java.time.ZoneOffset.UTC));
    Message query = new Message(q.message());
    TSIG.StreamVerifier v = new TSIG.StreamVerifier(tsig, query.getTSIG());
    List<Record> seen = new ArrayList<>();
    for (byte[] m : ms) {
      Message msg = new Message(m);
      assertEquals(0, v.verify(msg, m), "dnsjava rejects our MAC");
      seen.addAll(msg.getSection(Section.ANSWER));
    }
    assertEquals(z.recordCount() + 1, seen.size());
    List<Record> expected = new ArrayList<>();
    z.forEach(expected::add);
    assertEquals(expected.size(), seen.size() - 1);
    assertTrue(seen.containsAll(expected));
  }
}
