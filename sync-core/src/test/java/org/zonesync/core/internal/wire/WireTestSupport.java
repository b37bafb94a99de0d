// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NAPTRRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Random dnsjava records, entry snapshots of a {@link MessageReader}, and a byte builder. */
final class WireTestSupport {
  /** The types {@link #randomRecord} makes. */
  static final int[] TYPES = {
    Type.A, Type.AAAA, Type.NS, Type.CNAME, Type.SOA, Type.MX, Type.TXT, Type.SRV, Type.PTR,
    Type.NAPTR, Type.CAA, Type.DS, 65280, Type.RP, Type.AFSDB, Type.RT, Type.PX, Type.MINFO,
    Type.HINFO, Type.SIG, Type.NXT, Type.RRSIG, Type.DNAME, Type.MB, Type.MG, Type.MR, Type.SPF
  };

  private WireTestSupport() {}

  /** A random label: mostly mixed-case letters and digits, sometimes any byte. */
  static byte[] randomLabel(Random r) {
    int n = 1 + r.nextInt(r.nextInt(10) == 0 ? 63 : 8);
    byte[] l = new byte[n];
    boolean binary = r.nextInt(12) == 0;
    String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";
    for (int i = 0; i < n; i++) {
      l[i] = binary ? (byte) r.nextInt(256) : (byte) chars.charAt(r.nextInt(chars.length()));
    }
    return l;
  }

  /** A random absolute name below one of a few mixed-case zones, so that suffixes repeat. */
  static Name randomName(Random r) {
    String[] zones = {"Example.COM.", "example.com.", "zone.EXAMPLE.org.", "b.c.d.", "."};
    try {
      Name name = Name.fromString(zones[r.nextInt(zones.length)]);
      int labels = r.nextInt(4);
      for (int i = 0; i < labels; i++) {
        byte[] l = randomLabel(r);
        if (name.length() + l.length + 1 > 255) {
          break;
        }
        byte[] wire = new byte[l.length + 1 + name.length()];
        wire[0] = (byte) l.length;
        System.arraycopy(l, 0, wire, 1, l.length);
        System.arraycopy(name.toWire(), 0, wire, l.length + 1, name.length());
        name = new Name(wire);
      }
      return name;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] randomBytes(Random r, int max) {
    byte[] b = new byte[r.nextInt(max + 1)];
    r.nextBytes(b);
    return b;
  }

  /** A random record of the given type, built by dnsjava's constructors or from wire RDATA. */
  static Record randomRecord(Random r, int type) {
    Name o = randomName(r);
    int c = DClass.IN;
    // dnsjava refuses TTLs above 2^31-1 (RFC 2181 section 8), so the random ones stay below.
    long ttl = r.nextInt(4) == 0 ? 0x7FFFFFFFL - r.nextInt(3) : r.nextInt(86400);
    try {
      switch (type) {
        case Type.A:
          return new ARecord(o, c, ttl, InetAddress.getByAddress(randomFixed(r, 4)));
        case Type.AAAA:
          return new AAAARecord(o, c, ttl, InetAddress.getByAddress(randomFixed(r, 16)));
        case Type.NS:
          return new NSRecord(o, c, ttl, randomName(r));
        case Type.CNAME:
          return new CNAMERecord(o, c, ttl, randomName(r));
        case Type.PTR:
          return new PTRRecord(o, c, ttl, randomName(r));
        case Type.SOA:
          return new SOARecord(o, c, ttl, randomName(r), randomName(r), u32(r), u32(r), u32(r),
              u32(r), u32(r));
        case Type.MX:
          return new MXRecord(o, c, ttl, r.nextInt(65536), randomName(r));
        case Type.TXT:
          return new TXTRecord(o, c, ttl, List.of("v=spf1 " + r.nextInt(), "Hello World", ""));
        case Type.SRV:
          return new SRVRecord(o, c, ttl, r.nextInt(65536), r.nextInt(65536), r.nextInt(65536),
              randomName(r));
        case Type.NAPTR:
          return new NAPTRRecord(o, c, ttl, r.nextInt(65536), r.nextInt(65536), "U", "E2U+sip",
              "!^.*$!sip:info@Example.com!", randomName(r));
        case Type.CAA:
          return new CAARecord(o, c, ttl, r.nextInt(2) * 128, "issue", "ca.Example.net");
        case Type.DS:
          return new DSRecord(o, c, ttl, r.nextInt(65536), 8, 2, randomFixed(r, 32));
        default:
          return Record.newRecord(o, type, c, ttl, randomRdata(r, type));
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Uncompressed wire RDATA for the types built from bytes. */
  static byte[] randomRdata(Random r, int type) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (type) {
      case Type.RP:
      case Type.MINFO:
        out.writeBytes(randomName(r).toWire());
        out.writeBytes(randomName(r).toWire());
        break;
      case Type.AFSDB:
      case Type.RT:
        out.writeBytes(randomFixed(r, 2));
        out.writeBytes(randomName(r).toWire());
        break;
      case Type.PX:
        out.writeBytes(randomFixed(r, 2));
        out.writeBytes(randomName(r).toWire());
        out.writeBytes(randomName(r).toWire());
        break;
      case Type.SIG:
      case Type.RRSIG:
        out.writeBytes(new byte[] {0, 1, 8, 2});
        out.writeBytes(randomFixed(r, 14));
        out.writeBytes(randomName(r).toWire());
        out.writeBytes(randomFixed(r, 1 + r.nextInt(64)));
        break;
      case Type.NXT:
        out.writeBytes(randomName(r).toWire());
        out.writeBytes(new byte[] {0x40, 0, 0, 8});
        break;
      case Type.HINFO:
        writeString(out, randomBytes(r, 20));
        writeString(out, randomBytes(r, 20));
        break;
      case Type.SPF:
      case Type.TXT:
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
          writeString(out, randomBytes(r, r.nextInt(5) == 0 ? 255 : 30));
        }
        break;
      case Type.DNAME:
      case Type.MB:
      case Type.MG:
      case Type.MR:
        out.writeBytes(randomName(r).toWire());
        break;
      default:
        out.writeBytes(randomBytes(r, r.nextInt(10) == 0 ? 1000 : 40));
    }
    return out.toByteArray();
  }

  static void writeString(ByteArrayOutputStream out, byte[] s) {
    out.write(s.length);
    out.writeBytes(s);
  }

  static byte[] randomFixed(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static long u32(Random r) {
    return r.nextLong() & 0xFFFFFFFFL;
  }

  /** The uncompressed RDATA of a dnsjava record, with its names in their original case. */
  static byte[] rdataOf(Record rec) {
    byte[] w = rec.toWire(Section.ANSWER);
    return Arrays.copyOfRange(w, rec.getName().length() + 10, w.length);
  }

  /** One entry as a reader saw it, in dnsjava's uncompressed {@code Record.toWire(section)} form. */
  static byte[] entryBytes(MessageReader reader) {
    DNSOutput out = new DNSOutput();
    out.writeByteArray(reader.owner(), 0, reader.ownerLength());
    out.writeU16(reader.type());
    out.writeU16(reader.dclass());
    if (reader.section() != MessageReader.SECTION_QUESTION) {
      out.writeU32(reader.ttl());
      out.writeU16(reader.rdataLength());
      out.writeByteArray(reader.rdata(), 0, reader.rdataLength());
    }
    return out.toByteArray();
  }

  /** A copy of every entry of a message: section, then the {@link #entryBytes} form. */
  record Entry(int section, byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && e.section == section && Arrays.equals(e.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return 31 * section + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Entry[" + section + ", " + java.util.HexFormat.of().formatHex(bytes) + "]";
    }
  }

  static List<Entry> readAll(byte[] msg, int off, int len) throws WireFormatException {
    return readAll(new MessageReader(), msg, off, len);
  }

  static List<Entry> readAll(MessageReader reader, byte[] msg, int off, int len)
      throws WireFormatException {
    reader.reset(msg, off, len);
    List<Entry> entries = new ArrayList<>();
    while (reader.next()) {
      entries.add(new Entry(reader.section(), entryBytes(reader)));
    }
    return entries;
  }

  /** The entries dnsjava parses from a message, in the same form. */
  static List<Entry> dnsjavaEntries(org.xbill.DNS.Message m) {
    List<Entry> entries = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      for (Record rec : m.getSection(s)) {
        entries.add(new Entry(s, rec.toWire(s)));
      }
    }
    return entries;
  }

  /** A little builder for hand-made (often hostile) messages. */
  static final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes header(int id, int flags, int qd, int an, int ns, int ar) {
      return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
    }

    Bytes u8(int... values) {
      for (int v : values) {
        out.write(v);
      }
      return this;
    }

    Bytes u16(int v) {
      return u8(v >>> 8, v & 0xFF);
    }

    Bytes u32(long v) {
      return u16((int) (v >>> 16) & 0xFFFF).u16((int) v & 0xFFFF);
    }

    /** Writes a dotted name ("www.example.com.") uncompressed. */
    Bytes name(String dotted) {
      for (String label : dotted.split("\\.")) {
        if (!label.isEmpty()) {
          out.write(label.length());
          out.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
      }
      out.write(0);
      return this;
    }

    Bytes pointer(int offset) {
      return u16(0xC000 | offset);
    }

    Bytes raw(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    int size() {
      return out.size();
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
