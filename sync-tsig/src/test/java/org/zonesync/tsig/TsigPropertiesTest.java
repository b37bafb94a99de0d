// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.api.TsigError;
import org.zonesync.api.TsigKey;

/** Sign → verify round trips for random keys and messages; single-bit corruption fails. */
final class TsigPropertiesTest {

  @Provide
  Arbitrary<TsigKey> keys() {
    Arbitrary<Name> names = Arbitraries.strings().withCharRange('a', 'z').withChars('-', 'Q')
        .ofMinLength(1).ofMaxLength(20).list().ofMinSize(1).ofMaxSize(4)
        .map(labels -> name(String.join(".", labels) + "."));
    return Combinators.combine(names, Arbitraries.of(TsigAlgorithm.class),
        Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(130))
        .as(TsigKey::of);
  }

  @Provide
  Arbitrary<Message> messages() {
    Arbitrary<Integer> ids = Arbitraries.integers().between(0, 0xffff);
    Arbitrary<List<String>> texts = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars(' ', '.', ';').ofMaxLength(200).list().ofMaxSize(12);
    return Combinators.combine(ids, texts).as((id, ts) -> {
      Message m = Fixtures.axfrResponse(id, 1, 0).get(0);
      m.getHeader().unsetFlag(Flags.AA);
      for (int i = 0; i < ts.size(); i++) {
        m.addRecord(Fixtures.txt("t" + i, ts.get(i)), i % 3 == 2 ? Section.ADDITIONAL
            : Section.ANSWER);
      }
      return m;
    });
  }

  private static Name name(String s) {
    try {
      return Name.fromString(s);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Property(tries = 200)
  void signRequest_verifiesWithUsAndDnsjava(@ForAll("keys") TsigKey key,
      @ForAll("messages") Message message) throws Exception {
    byte[] wire = message.toWire();
    SignedMessage s = Tsig.signRequest(key, wire, 0, wire.length, Fixtures.CLOCK);
    byte[] m = s.message();
    assertEquals(wire.length, Tsig.locate(m, 0, m.length));
    assertEquals(Optional.empty(), Tamper.runRequest(TsigKeyring.of(key), Fixtures.CLOCK, m));
    assertEquals(Rcode.NOERROR,
        Fixtures.dnsjava(key, Fixtures.CLOCK).verify(new Message(m), m, null));
  }

  @Property(tries = 100)
  void signedStream_verifies_withAnyLegalSigningPattern(@ForAll("keys") TsigKey key,
      @ForAll @IntRange(min = 1, max = 40) int messages, @ForAll @IntRange(min = 1, max = 100)
      int signEvery) {
    byte[] q = Fixtures.axfrQuery(77).toWire();
    SignedMessage query = Tsig.signRequest(key, q, 0, q.length, Fixtures.CLOCK);
    boolean[] signed = new boolean[messages];
    for (int i = 0; i < messages; i++) {
      signed[i] = i % signEvery == 0 || i == messages - 1;
    }
    List<byte[]> wires = Fixtures.signStream(new TsigStreamSigner(key, query.mac(),
        Fixtures.CLOCK), Fixtures.axfrResponse(77, messages, 2), signed);
    assertEquals(Optional.empty(), Tamper.runStream(key, query.mac(), Fixtures.CLOCK, wires));
  }

  @Property(tries = 300)
  void oneFlippedBit_fails(@ForAll("keys") TsigKey key, @ForAll("messages") Message message,
      @ForAll @IntRange(min = 0, max = 100_000) int position, @ForAll @IntRange(max = 7) int bit)
      throws Exception {
    byte[] q = Fixtures.axfrQuery(message.getHeader().getID()).toWire();
    SignedMessage query = Tsig.signRequest(key, q, 0, q.length, Fixtures.CLOCK);
    List<byte[]> wires = Fixtures.signStream(new TsigStreamSigner(key, query.mac(),
        Fixtures.CLOCK), List.of(message));
    byte[] good = wires.get(0);
    int index = position % good.length;
    byte[] bad = Fixtures.flip(good, index, 1 << bit);
    Optional<TsigError> r = Tamper.runStream(key, query.mac(), Fixtures.CLOCK, bad);
    if (Tamper.isCaseChangeInTsigNames(good, index, 1 << bit)) {
      assertEquals(Optional.empty(), r, "names are compared and digested canonically");
    } else {
      assertTrue(r.isPresent(), "bit " + bit + " of byte " + index + " accepted");
    }
  }

  @Property(tries = 200)
  void locate_agreesWithDnsjava(@ForAll("messages") Message message, @ForAll boolean sign)
      throws Exception {
    if (sign) {
      Fixtures.dnsjava(Fixtures.key(TsigAlgorithm.HMAC_SHA1), Fixtures.CLOCK).apply(message,
          null);
    }
    byte[] w = message.toWire();
    int t = Tsig.locate(w, 0, w.length);
    assertEquals(new Message(w).getTSIG() != null, t >= 0);
  }
}
