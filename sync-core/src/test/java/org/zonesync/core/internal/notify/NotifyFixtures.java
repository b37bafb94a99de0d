// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.notify;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.tsig.TsigKeyring;

/** Shared test data: the zone, its primaries and key, NOTIFY messages built with dnsjava. */
final class NotifyFixtures {
  static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");
  static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
  static final Name ZONE = Name.fromConstantString("example.");
  static final Name OTHER_ZONE = Name.fromConstantString("example.net.");
  static final Name KEY_NAME = Name.fromConstantString("notify-key.");
  static final InetSocketAddress PRIMARY = socket("192.0.2.1", 53);
  static final InetSocketAddress STRANGER = socket("198.51.100.7", 5353);
  static final TsigKey KEY = TsigKey.of(KEY_NAME, TsigAlgorithm.HMAC_SHA256, secret(1));
  /** The same name as {@link #KEY} but another secret: its MACs do not verify. */
  static final TsigKey WRONG_SECRET = TsigKey.of(KEY_NAME, TsigAlgorithm.HMAC_SHA256, secret(2));
  static final TsigKey UNKNOWN_KEY = TsigKey.of(Name.fromConstantString("other-key."),
      TsigAlgorithm.HMAC_SHA256, secret(3));
  static final ZoneAcl ACL = new ZoneAcl(
      Set.of(PRIMARY.getAddress(), InetAddress.getLoopbackAddress()), TsigKeyring.of(KEY));
  /** Knows only {@link #ZONE}; OTHER_ZONE is unknown. */
  static final NotifyPolicy POLICY = zone -> Optional.ofNullable(Map.of(ZONE, ACL).get(zone));

  private NotifyFixtures() {}

  static byte[] secret(int seed) {
    byte[] s = new byte[32];
    for (int i = 0; i < s.length; i++) {
      s[i] = (byte) (i * 13 + seed);
    }
    return s;
  }

  static InetSocketAddress socket(String ip, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(ip), port);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** A clock the test moves by hand. */
  static final class MutableClock implements InstantSource {
    private Instant now = T0;

    @Override
    public Instant instant() {
      return now;
    }

    void advanceMillis(long ms) {
      now = now.plusMillis(ms);
    }
  }

  static SOARecord soa(Name owner, long serial) {
    return new SOARecord(owner, DClass.IN, 3600, Name.fromConstantString("ns.example."),
        Name.fromConstantString("admin.example."), serial, 7200, 900, 1209600, 300);
  }

  /** A NOTIFY for {@code zone} (RFC 1996 section 3.7): question SOA, AA set. */
  static Message notifyMsg(int id, Name zone) {
    Message m = new Message(id);
    m.getHeader().setOpcode(Opcode.NOTIFY);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(Record.newRecord(zone, Type.SOA, DClass.IN), Section.QUESTION);
    return m;
  }

  /** A NOTIFY carrying the zone's SOA with {@code serial} in the answer section. */
  static Message notifyMsg(int id, Name zone, long serial) {
    Message m = notifyMsg(id, zone);
    m.addRecord(soa(zone, serial), Section.ANSWER);
    return m;
  }

  /** dnsjava's TSIG for a key, signing at the given time. */
  static TSIG dnsjava(TsigKey key, InstantSource at) {
    return new TSIG(key.algorithm().algorithmName(), key.name(),
        new SecretKeySpec(key.secret(), "HmacSHA256"), Clock.fixed(at.instant(), ZoneOffset.UTC));
  }

  /** Signs the message in place with dnsjava and returns its wire form. */
  static byte[] signed(Message m, TsigKey key, InstantSource at) {
    dnsjava(key, at).apply(m, null);
    return m.toWire();
  }

  /** Raw bytes: one question and one answer record with the given type, class and rdata. */
  static byte[] raw(int id, Name qname, Name owner, int type, int dclass, byte[] rdata) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    put16(out, id);
    put16(out, Opcode.NOTIFY << 11 | 0x0400);
    put16(out, 1);
    put16(out, 1);
    put16(out, 0);
    put16(out, 0);
    out.writeBytes(qname.toWire());
    put16(out, Type.SOA);
    put16(out, DClass.IN);
    out.writeBytes(owner.toWire());
    put16(out, type);
    put16(out, dclass);
    put16(out, 0);
    put16(out, 3600);
    put16(out, rdata.length);
    out.writeBytes(rdata);
    return out.toByteArray();
  }

  static void put16(ByteArrayOutputStream out, int v) {
    out.write(v >>> 8);
    out.write(v);
  }
}
