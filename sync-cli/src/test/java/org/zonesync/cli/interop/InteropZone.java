// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli.interop;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The zones the interop tests serve, parsed by dnsjava from master-file text so that the
 * records are dnsjava's and not zonesync's. The large zone mixes the types and presentation
 * corners that a transfer must carry unchanged: TXT with quotes, backslashes, runs of spaces
 * and non-printable bytes; an owner with an escaped dot and space; mixed-case owners; a
 * delegation with glue; CAA; SRV; a wildcard; RFC 3597 unknown types, one with empty RDATA.
 *
 * <p>Every label keeps one spelling of its case across the zone: BIND keeps the case of the
 * first spelling it loads for a node, so two spellings would make BIND differ from the source
 * for reasons that are not zonesync's.
 */
final class InteropZone {

  /** The mixed-case owner whose spelling must survive the transfer. */
  static final String MIXED_OWNER = "MiXeD-CaSe";

  /** Generated hosts; each has A, AAAA and TXT, so the zone has about 3 * HOSTS records. */
  static final int HOSTS = 1000;

  private InteropZone() {
  }

  /** The large zone, with about 3,000 records and the presentation corners. */
  static List<Record> large(Name origin, long serial) throws IOException {
    StringBuilder z = new StringBuilder(200_000);
    z.append("$TTL 300\n")
        .append("@ 3600 IN SOA ns1 hostmaster ").append(serial).append(" 3600 600 864000 300\n")
        .append("@ NS ns1\n")
        .append("@ NS ns2.elsewhere.example.\n")
        .append("@ MX 10 mail\n")
        .append("@ MX 20 mail2.elsewhere.example.\n")
        .append("@ TXT \"v=spf1 -all\"\n")
        .append("@ CAA 0 issue \"ca.example.net\"\n")
        .append("@ CAA 0 iodef \"mailto:security@example.net\"\n")
        .append("@ CAA 128 tbs \"Unknown\"\n")
        .append("ns1 A 192.0.2.1\n")
        .append("ns1 AAAA 2001:db8::1\n")
        .append("mail 600 A 192.0.2.25\n")
        .append(MIXED_OWNER).append(" A 192.0.2.77\n")
        .append(MIXED_OWNER).append(" TXT \"mixed case owner\"\n")
        .append("www CNAME ").append(MIXED_OWNER).append('\n')
        .append("_sip._tcp SRV 10 60 5060 sip\n")
        .append("_sip._tcp SRV 20 0 5061 sip\n")
        .append("sip A 192.0.2.80\n")
        .append("txt TXT \"a \\\"quoted\\\" word\" \"semi;colon\" \"back\\\\slash\""
            + " \"tab\\009here\" \"\\255\\000\"\n")
        .append("txt TXT \"with  two  spaces\" \"\"\n")
        .append("we\\.ird\\032label TXT \"escaped dot and space in the owner\"\n")
        .append("sub NS ns.sub\n")
        .append("sub NS ns2.elsewhere.example.\n")
        .append("ns.sub A 192.0.2.53\n")
        .append("ns.sub AAAA 2001:db8::53\n")
        .append("unknown TYPE65280 \\# 4 0A0B0C0D\n")
        .append("unknown TYPE65281 \\# 0\n")
        .append("*.wild A 192.0.2.99\n");
    for (int i = 0; i < HOSTS; i++) {
      // Every seventh host has a mixed-case owner; TTLs vary per RRset.
      String owner = String.format(Locale.ROOT, i % 7 == 0 ? "HoSt-%04d" : "host-%04d", i);
      int ttl = 60 * (1 + i % 4);
      z.append(owner).append(' ').append(ttl).append(" A 10.").append(i >> 8).append('.')
          .append(i & 0xff).append(".1\n");
      z.append(owner).append(' ').append(ttl).append(" AAAA 2001:db8:1::")
          .append(Integer.toHexString(i + 1)).append('\n');
      z.append(owner).append(' ').append(ttl).append(" TXT \"host ").append(i)
          .append(" of ").append(HOSTS).append("\" \"second string\"\n");
    }
    return parse(origin, z.toString());
  }

  /** A minimal zone: SOA, NS and the name server's address. */
  static List<Record> small(Name origin, long serial) throws IOException {
    return parse(origin, "$TTL 300\n@ IN SOA ns1 hostmaster " + serial
        + " 3600 600 864000 300\n@ NS ns1\nns1 A 192.0.2.1\nwww A 192.0.2.2\n");
  }

  static List<Record> parse(Name origin, String text) throws IOException {
    List<Record> out = new ArrayList<>();
    try (Master m = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        origin)) {
      Record r;
      while ((r = m.nextRecord()) != null) {
        out.add(r);
      }
    }
    return out;
  }
}
