// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.xfr;

import static org.zonesync.core.internal.xfr.XfrFixtures.ID;
import static org.zonesync.core.internal.xfr.XfrFixtures.ZONE;
import static org.zonesync.core.internal.xfr.XfrFixtures.name;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.zonesync.core.internal.zone.CompactZone;
import org.zonesync.core.internal.zone.CompactZoneBuilder;
import org.zonesync.core.internal.zone.ZoneContentException;
import org.zonesync.tsig.SignedMessage;
import org.zonesync.tsig.Tsig;

/** IXFR answers for tests, built with dnsjava records so that faults are easy to make. */
final class IxfrFixtures {

  /** Our version in most tests: serial 7, 30 hosts. */
  static final long OURS = 7;

  private IxfrFixtures() {
  }

  /** One delta as records: the SOAs are made by {@link XfrFixtures#soa}. */
  record Step(SOARecord from, List<Record> deleted, SOARecord to, List<Record> added) {
    Step(long from, List<Record> deleted, long to, List<Record> added) {
      this(XfrFixtures.soa(from), deleted, XfrFixtures.soa(to), added);
    }
  }

  static ARecord a(String host, int last) {
    return new ARecord(name(host + ".example.com."), DClass.IN, 300,
        XfrFixtures.addr(new byte[] {10, 0, 0, (byte) last}));
  }

  static TXTRecord txt(String host, String text) {
    return new TXTRecord(name(host + ".example.com."), DClass.IN, 300, text);
  }

  /** The base zone: {@code XfrFixtures.zone(serial, 30)}. */
  static List<Record> base(long serial) {
    return XfrFixtures.zone(serial, 30);
  }

  /**
   * Three steps 7 -> 8 -> 9 -> 10 over {@link #base}: renumber a host, add one, add and then
   * delete a TXT, delete an AAAA; one step changes only the SOA.
   */
  static List<Step> chain() {
    List<Step> s = new ArrayList<>();
    s.add(new Step(7, List.of(a("host1", 1)), 8, List.of(a("host1", 201), a("new8", 8))));
    s.add(new Step(8, List.of(), 9, List.of(txt("new8", "added in 9"))));
    s.add(new Step(9, List.of(txt("new8", "added in 9"), a("host2", 2)), 10, List.of()));
    return s;
  }

  /** The zone after applying the steps to {@code zone}, by list operations. */
  static List<Record> apply(List<Record> zone, List<Step> steps) {
    List<Record> out = new ArrayList<>(zone);
    for (Step s : steps) {
      out.removeIf(r -> r.getType() == Type.SOA);
      out.removeAll(s.deleted());
      out.addAll(s.added());
      out.add(0, s.to());
    }
    return out;
  }

  /** The single condensed step equivalent to {@code steps} applied to {@code zone}. */
  static Step condense(List<Record> zone, List<Step> steps) {
    List<Record> after = apply(zone, steps);
    List<Record> deleted = new ArrayList<>(zone);
    deleted.removeIf(r -> r.getType() == Type.SOA || after.contains(r));
    List<Record> added = new ArrayList<>(after);
    added.removeIf(r -> r.getType() == Type.SOA || zone.contains(r));
    return new Step((SOARecord) zone.get(0), deleted, steps.get(steps.size() - 1).to(), added);
  }

  /** The answer records of an IXFR: newest SOA, each step, newest SOA (RFC 1995 section 4). */
  static List<Record> answers(List<Step> steps) {
    SOARecord newest = steps.get(steps.size() - 1).to();
    List<Record> out = new ArrayList<>();
    out.add(newest);
    for (Step s : steps) {
      out.add(s.from());
      out.addAll(s.deleted());
      out.add(s.to());
      out.addAll(s.added());
    }
    out.add(newest);
    return out;
  }

  /** Splits answer records into IXFR response messages of {@code perMessage} records. */
  static List<Message> messages(List<Record> answers, int perMessage) {
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < answers.size() || i == 0; i += perMessage) {
      Message m = new Message(ID);
      m.getHeader().setFlag(Flags.QR);
      m.getHeader().setFlag(Flags.AA);
      if (i == 0) {
        m.addRecord(Record.newRecord(ZONE, Type.IXFR, DClass.IN), Section.QUESTION);
      }
      for (Record r : answers.subList(i, Math.min(answers.size(), i + perMessage))) {
        m.addRecord(r, Section.ANSWER);
      }
      out.add(m);
    }
    return out;
  }

  static CompactZone compact(List<Record> records) {
    CompactZoneBuilder b = new CompactZoneBuilder(ZONE, 0, 0);
    for (Record r : records) {
      b.add(r);
    }
    try {
      return b.build();
    } catch (ZoneContentException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A signed IXFR query carrying {@code soa}, and its MAC, as the client would send it. */
  static SignedMessage signedQuery(SOARecord soa) {
    Message q = Message.newQuery(Record.newRecord(ZONE, Type.IXFR, DClass.IN));
    q.getHeader().setID(ID);
    q.getHeader().unsetFlag(Flags.RD);
    q.addRecord(soa, Section.AUTHORITY);
    byte[] b = q.toWire();
    return Tsig.signRequest(XfrFixtures.KEY, b, 0, b.length, XfrFixtures.CLOCK);
  }
}
