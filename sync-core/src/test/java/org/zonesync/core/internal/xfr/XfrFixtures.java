// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;
import org.zonesync.core.internal.wire.EdnsExpire;
import org.zonesync.tsig.SignedMessage;
import org.zonesync.tsig.Tsig;
import org.zonesync.tsig.TsigStreamSigner;

/** Zones and AXFR response streams for tests, built with dnsjava so faults are easy to make. */
final class XfrFixtures {

  static final Name ZONE = Name.fromConstantString("example.com.");
  static final InetSocketAddress REMOTE = new InetSocketAddress(InetAddress.getLoopbackAddress(),
      5300);
  static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-24T12:00:00Z"));
  static final TsigKey KEY = TsigKey.of(Name.fromConstantString("xfr-key."),
      TsigAlgorithm.HMAC_SHA256, "0123456789abcdef0123456789abcdef".getBytes(
          java.nio.charset.StandardCharsets.US_ASCII));
  static final int ID = 4242;

  private XfrFixtures() {
  }

  static Name name(String s) {
    return Name.fromConstantString(s);
  }

  static SOARecord soa(long serial) {
    return new SOARecord(ZONE, DClass.IN, 3600, name("ns1.example.com."),
        name("hostmaster.example.com."), serial, 3600, 900, 1209600, 300);
  }

  /** A small zone: SOA first, then NS, A, AAAA, MX, TXT records. */
  static List<Record> zone(long serial, int hosts) {
    List<Record> r = new ArrayList<>();
    r.add(soa(serial));
    r.add(new NSRecord(ZONE, DClass.IN, 3600, name("ns1.example.com.")));
    r.add(new NSRecord(ZONE, DClass.IN, 3600, name("ns2.example.com.")));
    r.add(new MXRecord(ZONE, DClass.IN, 3600, 10, name("mail.example.com.")));
    for (int i = 0; i < hosts; i++) {
      Name h = name("host" + i + ".example.com.");
      r.add(new ARecord(h, DClass.IN, 300, addr(new byte[] {10, 0, (byte) (i >> 8), (byte) i})));
      if (i % 2 == 0) {
        byte[] v6 = new byte[16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[15] = (byte) i;
        r.add(new AAAARecord(h, DClass.IN, 300, addr(v6)));
      }
      if (i % 3 == 0) {
        r.add(new TXTRecord(h, DClass.IN, 300, "text for host " + i));
      }
    }
    return r;
  }

  static InetAddress addr(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The answer records of an AXFR: the zone, then its SOA again. */
  static List<Record> axfrAnswers(List<Record> zone) {
    List<Record> all = new ArrayList<>(zone);
    all.add(zone.get(0));
    return all;
  }

  /** Splits answer records into response messages of {@code perMessage} records. */
  static List<Message> messages(List<Record> answers, int perMessage) {
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < answers.size(); i += perMessage) {
      Message m = new Message(ID);
      m.getHeader().setFlag(Flags.QR);
      m.getHeader().setFlag(Flags.AA);
      if (i == 0) {
        m.addRecord(Record.newRecord(ZONE, Type.AXFR, DClass.IN), Section.QUESTION);
      }
      for (Record r : answers.subList(i, Math.min(answers.size(), i + perMessage))) {
        m.addRecord(r, Section.ANSWER);
      }
      out.add(m);
    }
    return out;
  }

  static List<byte[]> wire(List<Message> messages) {
    List<byte[]> out = new ArrayList<>();
    for (Message m : messages) {
      out.add(m.toWire(65535));
    }
    return out;
  }

  /** A signed AXFR query and its MAC, as the client would send it. */
  static SignedMessage signedQuery() {
    Message q = Message.newQuery(Record.newRecord(ZONE, Type.AXFR, DClass.IN));
    q.getHeader().setID(ID);
    q.getHeader().unsetFlag(Flags.RD);
    byte[] b = q.toWire();
    return Tsig.signRequest(KEY, b, 0, b.length, CLOCK);
  }

  /** Signs every message for which {@code sign[i]} holds (all when the array is short). */
  static List<byte[]> sign(List<byte[]> unsigned, byte[] requestMac, boolean... sign) {
    TsigStreamSigner signer = new TsigStreamSigner(KEY, requestMac, CLOCK);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < unsigned.size(); i++) {
      byte[] m = unsigned.get(i);
      if (i < sign.length && !sign[i]) {
        signer.addUnsigned(m, 0, m.length);
        out.add(m);
        continue;
      }
      byte[] buf = java.util.Arrays.copyOf(m, m.length + Tsig.maxRecordLength(KEY));
      int n = signer.sign(buf, 0, m.length);
      out.add(java.util.Arrays.copyOf(buf, n));
    }
    return out;
  }

  /** An OPT record (payload 1232, version 0) carrying an EXPIRE option of {@code seconds}. */
  static OPTRecord expireOpt(long seconds) {
    byte[] v = {(byte) (seconds >>> 24), (byte) (seconds >>> 16), (byte) (seconds >>> 8),
        (byte) seconds};
    return new OPTRecord(1232, 0, 0, 0, new GenericEDNSOption(EdnsExpire.OPTION_CODE, v));
  }

  /**
   * Replaces the RDATA of the message's last record, which is {@code oldLength} bytes long, with
   * {@code rdata} and fixes its RDLENGTH: for OPT RDATA that dnsjava will not build.
   */
  static byte[] withLastRdata(byte[] wire, int oldLength, byte[] rdata) {
    int start = wire.length - oldLength;
    byte[] out = java.util.Arrays.copyOf(wire, start + rdata.length);
    System.arraycopy(rdata, 0, out, start, rdata.length);
    out[start - 2] = (byte) (rdata.length >>> 8);
    out[start - 1] = (byte) rdata.length;
    return out;
  }

  /** Concatenates messages with their two-octet length prefixes, as sent over TCP. */
  static byte[] framed(List<byte[]> messages) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] m : messages) {
      out.write(m.length >>> 8);
      out.write(m.length);
      out.write(m);
    }
    return out.toByteArray();
  }
}
