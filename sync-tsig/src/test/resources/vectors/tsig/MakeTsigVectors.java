// SPDX-License-Identifier: Apache-2.0
// Writes the TSIG golden vectors with dnsjava; see HOW.txt. Not compiled by the build.

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
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
import org.xbill.DNS.Type;

public class MakeTsigVectors {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Clock clock = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC);
    byte[] secret = new byte[32];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) (0xa0 + i);
    }
    Name keyName = Name.fromString("xfr-key.example.");
    Name zone = Name.fromString("example.");
    TSIG tsig = new TSIG(TSIG.HMAC_SHA256, keyName, new SecretKeySpec(secret, "HmacSHA256"), clock);
    Files.writeString(dir.resolve("key.conf"), "key \"xfr-key.example\" {\n\talgorithm hmac-sha256;\n"
        + "\tsecret \"" + Base64.getEncoder().encodeToString(secret) + "\";\n};\n");

    Message query = Message.newQuery(Record.newRecord(zone, Type.AXFR, DClass.IN));
    query.getHeader().setID(0x1234);
    tsig.apply(query, null);
    byte[] request = query.toWire();
    Files.write(dir.resolve("request.bin"), request);

    TSIG.StreamGenerator generator = new TSIG.StreamGenerator(tsig, new Message(request).getTSIG());
    SOARecord soa = new SOARecord(zone, DClass.IN, 3600, Name.fromString("ns.example."),
        Name.fromString("admin.example."), 2026030401L, 7200, 900, 1209600, 300);
    int host = 0;
    for (int m = 1; m <= 3; m++) {
      Message r = new Message(0x1234);
      r.getHeader().setFlag(Flags.QR);
      r.getHeader().setFlag(Flags.AA);
      r.addRecord(Record.newRecord(zone, Type.AXFR, DClass.IN), Section.QUESTION);
      if (m == 1) {
        r.addRecord(soa, Section.ANSWER);
      }
      for (int i = 0; i < 4; i++, host++) {
        r.addRecord(new ARecord(Name.fromString("h" + host + ".example."), DClass.IN, 3600,
            InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) host})), Section.ANSWER);
      }
      if (m == 3) {
        r.addRecord(soa, Section.ANSWER);
      }
      generator.generate(r);
      Files.write(dir.resolve("response-" + m + ".bin"), r.toWire());
    }
  }
}
