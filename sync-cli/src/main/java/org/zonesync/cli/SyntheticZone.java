// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;

/**
 * Generates a zone with the record mix of a real one (A, AAAA, TXT, MX, CNAME, NS, SRV) from a
 * seed, for the demo and the benchmarks. The same seed and size give the same zone.
 */
public final class SyntheticZone {

  private SyntheticZone() {
  }

  /**
   * Generates the records of a zone: the SOA first, then {@code size - 1} others.
   *
   * @param origin the apex
   * @param size how many records in all, at least 3
   * @param serial the SOA serial
   * @param seed the random seed
   * @return the records
   */
  public static List<Record> generate(Name origin, int size, long serial, long seed) {
    if (size < 3) {
      throw new IllegalArgumentException("size must be at least 3: " + size);
    }
    Random rnd = new Random(seed);
    List<Record> out = new ArrayList<>(size);
    Name ns1 = name("ns1", origin);
    Name ns2 = name("ns2", origin);
    out.add(new SOARecord(origin, DClass.IN, 3600, ns1, name("hostmaster", origin), serial,
        3600, 900, 1209600, 300));
    out.add(new NSRecord(origin, DClass.IN, 3600, ns1));
    out.add(new NSRecord(origin, DClass.IN, 3600, ns2));
    for (int i = 0; out.size() < size; i++) {
      Name host = name("host" + i, origin);
      out.add(new ARecord(host, DClass.IN, 300, v4(rnd)));
      if (i % 2 == 0) {
        out.add(new AAAARecord(host, DClass.IN, 300, v6(rnd)));
      }
      if (i % 5 == 0) {
        out.add(new TXTRecord(host, DClass.IN, 300, "v=spf1 ip4:192.0.2." + (i % 256)
            + " -all id=" + Long.toHexString(rnd.nextLong())));
      }
      if (i % 10 == 0) {
        out.add(new MXRecord(host, DClass.IN, 3600, 10, name("mx" + (i % 7), origin)));
      }
      if (i % 7 == 0) {
        out.add(new CNAMERecord(name("www" + i, origin), DClass.IN, 300, host));
      }
      if (i % 20 == 0) {
        out.add(new SRVRecord(name("_sip._tcp.host" + i, origin), DClass.IN, 300, 10, 5,
            5060, host));
      }
      if (i % 50 == 0) {
        out.add(new NSRecord(name("sub" + i, origin), DClass.IN, 3600, ns1));
      }
    }
    while (out.size() > size) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  private static Name name(String label, Name origin) {
    try {
      return Name.concatenate(Name.fromString(label), origin);
    } catch (Exception e) {
      throw new IllegalArgumentException(label, e);
    }
  }

  private static InetAddress v4(Random rnd) {
    byte[] b = {10, (byte) rnd.nextInt(256), (byte) rnd.nextInt(256), (byte) rnd.nextInt(256)};
    return addr(b);
  }

  private static InetAddress v6(Random rnd) {
    byte[] b = new byte[16];
    rnd.nextBytes(b);
    b[0] = 0x20;
    b[1] = 0x01;
    b[2] = 0x0d;
    b[3] = (byte) 0xb8;
    return addr(b);
  }

  private static InetAddress addr(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
