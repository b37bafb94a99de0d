// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.zone;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Shared inputs for the zone tests: record text, wire tuples and jqwik generators. */
final class ZoneTestData {

  /** One record in wire form, as a transfer would hand it to the builder. */
  record WireRr(byte[] owner, int type, int dclass, long ttl, byte[] rdata) {
    void addTo(CompactZoneBuilder b) {
      b.add(owner, 0, owner.length, type, dclass, ttl, rdata, 0, rdata.length);
    }

    /** Owner lower-cased, type, class and rdata: the identity the builder dedups on. */
    String key() {
      byte[] lower = owner.clone();
      for (int i = 0; i < lower.length; i++) {
        lower[i] = (byte) CanonicalNames.lower(lower[i] & 0xFF);
      }
      return Arrays.toString(lower) + "/" + type + "/" + dclass + "/" + Arrays.toString(rdata);
    }

    Name name() {
      try {
        return new Name(owner);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A random zone: its origin, class and records (the SOA first). */
  record RandomZone(Name origin, int dclass, List<WireRr> records) {
    /**
     * Returns the zone with one case form per owner name (the first one seen). dnsjava's {@code
     * Master} gives a record the previous record's owner when the two are equal ignoring case,
     * so case variants of one name cannot survive a dnsjava read of a master file.
     */
    RandomZone withOneCasePerName() {
      java.util.Map<String, byte[]> first = new java.util.HashMap<>();
      List<WireRr> out = new ArrayList<>();
      for (WireRr r : records) {
        byte[] owner = first.computeIfAbsent(new WireRr(r.owner(), 0, 0, 0, new byte[0]).key(),
            k -> r.owner());
        out.add(new WireRr(owner, r.type(), r.dclass(), r.ttl(), r.rdata()));
      }
      return new RandomZone(origin, dclass, out);
    }

    CompactZone build() throws ZoneContentException {
      CompactZoneBuilder b = new CompactZoneBuilder(origin, 0, 0);
      records.forEach(r -> r.addTo(b));
      return b.build();
    }

    @Override
    public String toString() {
      return origin + " " + DClass.string(dclass) + " " + records.size() + " records";
    }
  }

  private ZoneTestData() {}

  static Name name(String text) {
    try {
      return Name.fromString(text);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Record rr(String line) {
    try (Master m = new Master(new ByteArrayInputStream(
        line.getBytes(StandardCharsets.US_ASCII)), Name.root)) {
      return m.nextRecord();
    } catch (IOException e) {
      throw new IllegalArgumentException(line, e);
    }
  }

  /** Parses master-file text with dnsjava. */
  static List<Record> parseMaster(String text) throws IOException {
    List<Record> out = new ArrayList<>();
    try (Master m = new Master(new ByteArrayInputStream(
        text.getBytes(StandardCharsets.UTF_8)))) {
      Record r;
      while ((r = m.nextRecord()) != null) {
        out.add(r);
      }
    }
    return out;
  }

  static CompactZone build(Name origin, List<Record> records) throws ZoneContentException {
    CompactZoneBuilder b = new CompactZoneBuilder(origin, 0, 0);
    records.forEach(b::add);
    return b.build();
  }

  static CompactZone build(String origin, String... lines) throws ZoneContentException {
    List<Record> records = new ArrayList<>();
    for (String l : lines) {
      records.add(rr(l));
    }
    return build(name(origin), records);
  }

  static String soaLine(String origin) {
    return origin + " 3600 IN SOA ns1." + origin + " hostmaster." + origin
        + " 2024010101 7200 3600 1209600 300";
  }

  // ---- jqwik generators ----

  /** A label of 1..10 octets: mostly letters of both cases and digits, sometimes any octet. */
  static Arbitrary<byte[]> label() {
    Byte[] hostChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"
        .chars().mapToObj(c -> (byte) c).toArray(Byte[]::new);
    Arbitrary<Byte> octet = Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.of(hostChars)), Tuple.of(1, Arbitraries.bytes()));
    return octet.array(byte[].class).ofMinSize(1).ofMaxSize(10);
  }

  /** Wire form of 0..3 random labels followed by {@code suffix}. */
  static Arbitrary<byte[]> nameWire(byte[] suffix) {
    return label().list().ofMaxSize(3).map(labels -> {
      int len = suffix.length;
      for (byte[] l : labels) {
        len += 1 + l.length;
      }
      byte[] w = new byte[len];
      int p = 0;
      for (byte[] l : labels) {
        w[p++] = (byte) l.length;
        System.arraycopy(l, 0, w, p, l.length);
        p += l.length;
      }
      System.arraycopy(suffix, 0, w, p, suffix.length);
      return w;
    });
  }

  /** A name anywhere, for names inside rdata. */
  static Arbitrary<byte[]> anyNameWire() {
    return Arbitraries.of("com.", "Example.ORG.", "example.com.", ".").flatMap(
        s -> nameWire(name(s).toWire()));
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  static Arbitrary<byte[]> bytes(int min, int max) {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max);
  }

  private static Arbitrary<byte[]> characterStrings() {
    return bytes(0, 20).list().ofMinSize(1).ofMaxSize(3).map(list -> {
      byte[][] parts = new byte[list.size() * 2][];
      for (int i = 0; i < list.size(); i++) {
        parts[2 * i] = new byte[] {(byte) list.get(i).length};
        parts[2 * i + 1] = list.get(i);
      }
      return concat(parts);
    });
  }

  /** Types the generators cover, with well-formed rdata for each. */
  static final int[] TYPES = {Type.A, Type.AAAA, Type.NS, Type.CNAME, Type.PTR, Type.MX, Type.TXT,
      Type.SRV, Type.DS, Type.DNSKEY, Type.RRSIG, 65280, 65534, 4000};

  /** Well-formed rdata for {@code type}; names in it have random case. */
  static Arbitrary<byte[]> rdata(int type) {
    switch (type) {
      case Type.A:
        return bytes(4, 4);
      case Type.AAAA:
        return bytes(16, 16);
      case Type.NS:
      case Type.CNAME:
      case Type.PTR:
        return anyNameWire();
      case Type.MX:
        return Combinators.combine(bytes(2, 2), anyNameWire()).as(ZoneTestData::concat);
      case Type.SRV:
        return Combinators.combine(bytes(6, 6), anyNameWire()).as(ZoneTestData::concat);
      case Type.TXT:
        return characterStrings();
      case Type.DS:
      case Type.DNSKEY:
        return bytes(5, 40);
      case Type.RRSIG:
        return Combinators.combine(bytes(18, 18), anyNameWire(), bytes(1, 40))
            .as(ZoneTestData::concat);
      default:
        return bytes(0, 30);
    }
  }

  static Arbitrary<Integer> type() {
    return Arbitraries.of(Arrays.stream(TYPES).boxed().toArray(Integer[]::new));
  }

  static Arbitrary<Long> ttl() {
    return Arbitraries.longs().between(0, 0x7FFF_FFFFL);
  }

  /** A random zone: apex SOA plus up to {@code max} records at owners drawn from a small pool. */
  static Arbitrary<RandomZone> zones(int max) {
    Arbitrary<String> origins = Arbitraries.of("example.com.", "Example.COM.", "zone.", "a.b.c.d.");
    Arbitrary<Integer> classes = Arbitraries.frequency(
        Tuple.of(5, DClass.IN), Tuple.of(1, DClass.CH));
    return Combinators.combine(origins, classes).flatAs((o, cls) -> {
      Name origin = name(o);
      byte[] originWire = origin.toWire();
      Arbitrary<List<byte[]>> owners = nameWire(originWire).list().ofMinSize(1).ofMaxSize(12);
      return owners.flatMap(pool -> {
        Arbitrary<WireRr> one = Combinators.combine(
            Arbitraries.of(pool), type(), ttl()).flatAs((owner, t, ttl) ->
                rdata(t).map(rd -> new WireRr(owner, t, cls, ttl, rd)));
        Arbitrary<WireRr> soa = Combinators.combine(anyNameWire(), anyNameWire(), bytes(20, 20),
            ttl()).as((m, r, nums, ttl) ->
                new WireRr(caseVariant(originWire), Type.SOA, cls, ttl, concat(m, r, nums)));
        return Combinators.combine(soa, one.list().ofMaxSize(max)).as((s, rest) -> {
          List<WireRr> all = new ArrayList<>();
          all.add(s);
          all.addAll(rest);
          return new RandomZone(origin, cls, all);
        });
      });
    });
  }

  /** The same name with its letters upper-cased, so the SOA owner differs in case. */
  static byte[] caseVariant(byte[] wire) {
    byte[] out = wire.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] >= 'a' && out[i] <= 'z') {
        out[i] -= 32;
      }
    }
    return out;
  }
}
