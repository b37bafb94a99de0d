// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigKey;

/** Shared test data: keys, clocks, dnsjava messages and dnsjava's TSIG as the reference. */
final class Fixtures {
  static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");
  static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
  static final Name ZONE = Name.fromConstantString("example.");
  /** Shares a suffix with the zone, so dnsjava compresses the TSIG owner name. */
  static final Name KEY_NAME = Name.fromConstantString("xfr-key.example.");
  /** Shares nothing with the zone: dnsjava writes the owner uncompressed. */
  static final Name PLAIN_KEY_NAME = Name.fromConstantString("tsig-key.");

  private Fixtures() {}

  static Clock at(long secondsFromT0) {
    return Clock.fixed(T0.plusSeconds(secondsFromT0), ZoneOffset.UTC);
  }

  static byte[] secret(TsigAlgorithm a) {
    byte[] s = new byte[a.macLength()];
    for (int i = 0; i < s.length; i++) {
      s[i] = (byte) (i * 7 + a.ordinal() + 1);
    }
    return s;
  }

  static TsigKey key(TsigAlgorithm a) {
    return TsigKey.of(KEY_NAME, a, secret(a));
  }

  static TsigKey key(Name name, TsigAlgorithm a) {
    return TsigKey.of(name, a, secret(a));
  }

  /** dnsjava's TSIG for the same key. */
  static TSIG dnsjava(TsigKey k, Clock clock) {
    String jce = switch (k.algorithm()) {
      case HMAC_MD5 -> "HmacMD5";
      case HMAC_SHA1 -> "HmacSHA1";
      case HMAC_SHA224 -> "HmacSHA224";
      case HMAC_SHA256 -> "HmacSHA256";
      case HMAC_SHA384 -> "HmacSHA384";
      case HMAC_SHA512 -> "HmacSHA512";
    };
    return new TSIG(k.algorithm().algorithmName(), k.name(), new SecretKeySpec(k.secret(), jce),
        clock);
  }

  static Message axfrQuery(int id) {
    Message q = Message.newQuery(Record.newRecord(ZONE, Type.AXFR, DClass.IN));
    q.getHeader().setID(id);
    return q;
  }

  /** An AXFR answer split over {@code messages} messages: SOA, A records, SOA. */
  static List<Message> axfrResponse(int id, int messages, int recordsPerMessage) {
    List<Message> out = new ArrayList<>();
    SOARecord soa = new SOARecord(ZONE, DClass.IN, 3600, Name.fromConstantString("ns.example."),
        Name.fromConstantString("admin.example."), 2026030401L, 7200, 900, 1209600, 300);
    int n = 0;
    for (int m = 0; m < messages; m++) {
      Message msg = new Message(id);
      msg.getHeader().setFlag(Flags.QR);
      msg.getHeader().setFlag(Flags.AA);
      msg.addRecord(Record.newRecord(ZONE, Type.AXFR, DClass.IN), Section.QUESTION);
      if (m == 0) {
        msg.addRecord(soa, Section.ANSWER);
      }
      for (int r = 0; r < recordsPerMessage; r++, n++) {
        msg.addRecord(a("h" + n, n), Section.ANSWER);
      }
      if (m == messages - 1) {
        msg.addRecord(soa, Section.ANSWER);
      }
      out.add(msg);
    }
    return out;
  }

  static ARecord a(String label, int n) {
    try {
      return new ARecord(Name.fromConstantString(label + ".example."), DClass.IN, 3600,
          InetAddress.getByAddress(new byte[] {10, (byte) (n >> 16), (byte) (n >> 8), (byte) n}));
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static TXTRecord txt(String label, String text) {
    return new TXTRecord(Name.fromConstantString(label + ".example."), DClass.IN, 60, text);
  }

  /** dnsjava's package-private StreamGenerator(TSIG, TSIGRecord, signEveryNthMessage). */
  static Object streamGenerator(TSIG tsig, TSIGRecord query, int signEvery) throws Exception {
    Constructor<TSIG.StreamGenerator> c = TSIG.StreamGenerator.class
        .getDeclaredConstructor(TSIG.class, TSIGRecord.class, int.class);
    c.setAccessible(true);
    return c.newInstance(tsig, query, signEvery);
  }

  /** dnsjava's package-private StreamGenerator.generate(Message, boolean isLastMessage). */
  static void generate(Object generator, Message m, boolean last) throws Exception {
    Method g = TSIG.StreamGenerator.class.getDeclaredMethod("generate", Message.class,
        boolean.class);
    g.setAccessible(true);
    g.invoke(generator, m, last);
  }

  /** Flips the given bits of one byte of a copy. */
  static byte[] flip(byte[] b, int index, int mask) {
    byte[] c = b.clone();
    c[index] ^= (byte) mask;
    return c;
  }

  /** Signs a response stream with our signer: message i is signed iff signed[i]. */
  static List<byte[]> signStream(TsigStreamSigner signer, List<Message> messages,
      boolean... signed) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      byte[] wire = messages.get(i).toWire();
      if (signed.length == 0 || signed[i]) {
        byte[] buf = java.util.Arrays.copyOf(wire, wire.length + Tsig.maxRecordLength(signer.key()));
        int len = signer.sign(buf, 0, wire.length);
        out.add(java.util.Arrays.copyOf(buf, len));
      } else {
        signer.addUnsigned(wire, 0, wire.length);
        out.add(wire);
      }
    }
    return out;
  }
}
