// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;

/** Small zones for tests. */
public final class TestZones {

  private TestZones() {
  }

  /**
   * A zone: SOA, two apex NS, an MX, and per host an A, every second an AAAA, every third a TXT.
   *
   * @param origin the apex
   * @param serial the serial
   * @param hosts how many hosts
   * @return the records, SOA first
   */
  public static List<Record> records(Name origin, long serial, int hosts) {
    List<Record> r = new ArrayList<>();
    r.add(new SOARecord(origin, DClass.IN, 3600, child("ns1", origin), child("hostmaster",
        origin), serial, 3600, 900, 1209600, 300));
    r.add(new NSRecord(origin, DClass.IN, 3600, child("ns1", origin)));
    r.add(new NSRecord(origin, DClass.IN, 3600, child("ns2", origin)));
    r.add(new MXRecord(origin, DClass.IN, 3600, 10, child("mail", origin)));
    for (int i = 0; i < hosts; i++) {
      Name h = child("Host" + i, origin);
      r.add(new ARecord(h, DClass.IN, 300, addr(new byte[] {10, 0, (byte) (i >> 8), (byte) i})));
      if (i % 2 == 0) {
        byte[] v6 = new byte[16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[14] = (byte) (i >> 8);
        v6[15] = (byte) i;
        r.add(new AAAARecord(h, DClass.IN, 300, addr(v6)));
      }
      if (i % 3 == 0) {
        r.add(new TXTRecord(h, DClass.IN, 300, "serial " + serial + " host " + i));
      }
    }
    return r;
  }

  static Name child(String label, Name origin) {
    try {
      return Name.concatenate(Name.fromString(label), origin);
    } catch (Exception e) {
      throw new IllegalArgumentException(label, e);
    }
  }

  static InetAddress addr(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
