// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.ZoneSnapshot;

/**
 * A dig-like client for tests of {@link TransferServer}: queries built and answers parsed with
 * dnsjava, sent over UDP or TCP from 127.0.0.1. Every wait is bounded by {@link #WAIT_MILLIS},
 * which only turns a hang into a failure.
 */
final class Dig {

  static final int WAIT_MILLIS = 10_000;
  static final Name ZONE = Name.fromConstantString("example.com.");
  static final Name KEY_NAME = Name.fromConstantString("soa-key.");
  static final byte[] SECRET = new byte[32];
  static final byte[] OTHER_SECRET = new byte[32];

  static {
    for (int i = 0; i < 32; i++) {
      SECRET[i] = (byte) (7 * i + 1);
      OTHER_SECRET[i] = (byte) (5 * i + 3);
    }
  }

  /** The key as zonesync holds it. */
  static final org.zonesync.api.TsigKey KEY =
      org.zonesync.api.TsigKey.of(KEY_NAME, TsigAlgorithm.HMAC_SHA256, SECRET);
  /** The same key as dnsjava holds it, to sign queries and verify answers independently. */
  static final TSIG DNSJAVA_KEY = new TSIG(TSIG.HMAC_SHA256, KEY_NAME, SECRET);
  /** Same name and algorithm, another secret: BADSIG. */
  static final TSIG WRONG_SECRET = new TSIG(TSIG.HMAC_SHA256, KEY_NAME, OTHER_SECRET);
  /** A key the server does not know: BADKEY. */
  static final TSIG UNKNOWN_KEY = new TSIG(TSIG.HMAC_SHA256,
      Name.fromConstantString("other-key."), SECRET);

  /** The EDNS option code of EXPIRE, RFC 7314. */
  static final int EXPIRE = 9;

  private Dig() {
  }

  static ZoneSnapshot zone(long serial) {
    return Zones.of(ZONE, TestZones.records(ZONE, serial, 20));
  }

  static InetAddress loopback() {
    return InetAddress.getLoopbackAddress();
  }

  /** A query with RD set (dnsjava's default), optionally with an OPT record and EXPIRE. */
  static Message query(Name name, int type, boolean edns, boolean expire) {
    Message m = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    if (edns) {
      List<EDNSOption> options = expire ? List.of(new GenericEDNSOption(EXPIRE, new byte[0]))
          : List.of();
      m.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
    }
    return m;
  }

  /** Signs with {@code key}; returns the wire form. The TSIG record is then {@code m.getTSIG()}. */
  static byte[] signed(Message m, TSIG key) throws IOException {
    m.setTSIG(key);
    return m.toWire(65535);
  }

  /** The TSIG record of a message on the wire, as dnsjava parses it. */
  static org.xbill.DNS.TSIGRecord tsigOf(byte[] wire) throws IOException {
    return new Message(wire).getTSIG();
  }

  /** Sends one datagram from a fresh socket and returns the first datagram that comes back. */
  static byte[] udp(InetSocketAddress server, byte[] query) throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(loopback(), 0))) {
      s.setSoTimeout(WAIT_MILLIS);
      s.send(new DatagramPacket(query, query.length, server));
      return receive(s);
    }
  }

  static byte[] receive(DatagramSocket s) throws IOException {
    byte[] buf = new byte[65535];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    s.receive(p);
    return Arrays.copyOf(buf, p.getLength());
  }

  /** Sends the queries on one TCP connection, then reads one answer per query. */
  static List<byte[]> tcp(InetSocketAddress server, byte[]... queries) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(server, WAIT_MILLIS);
      s.setSoTimeout(WAIT_MILLIS);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      for (byte[] q : queries) {
        out.writeShort(q.length);
        out.write(q);
      }
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      List<byte[]> answers = new ArrayList<>();
      for (int i = 0; i < queries.length; i++) {
        byte[] a = new byte[in.readUnsignedShort()];
        in.readFully(a);
        answers.add(a);
      }
      return answers;
    }
  }

  /** Returns the EXPIRE option's data, or null when the answer's OPT lacks it (or has no OPT). */
  static byte[] expireOption(Message answer) {
    OPTRecord opt = answer.getOPT();
    if (opt == null) {
      return null;
    }
    for (EDNSOption o : opt.getOptions()) {
      if (o.getCode() == EXPIRE) {
        byte[] w = o.toWire(); // code, length, data
        return Arrays.copyOfRange(w, 4, w.length);
      }
    }
    return null;
  }

  /** Reads a 4-byte big-endian unsigned value. */
  static long u32(byte[] b) {
    return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
  }
}
