// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.zonesync.api.Primary;
import org.zonesync.api.SerialNumber;
import org.zonesync.api.TransferException;
import org.zonesync.api.TransferTimeoutException;
import org.zonesync.core.internal.refresh.SoaQuery;

/**
 * SOA answers by script, for simulated time: per primary address, the SOA to answer (usually a
 * {@link FakePrimary}'s newest) or silence (a timeout), and an optional EDNS EXPIRE. Records
 * every query with the simulated time it was sent at.
 */
final class ScriptedProbe implements SoaProbe {

  /** One query: when, to whom, for which zone. */
  record Query(Duration at, InetSocketAddress primary, Name zone) {
  }

  private final SimulatedTime time;
  private final Map<InetSocketAddress, Function<Name, SOARecord>> answers = new ConcurrentHashMap<>();
  private final Map<InetSocketAddress, Duration> expire = new ConcurrentHashMap<>();
  private final List<Query> queries = new ArrayList<>();

  ScriptedProbe(SimulatedTime time) {
    this.time = time;
  }

  /** Answers for {@code primary} with its current newest SOA. */
  ScriptedProbe answer(FakePrimary primary) {
    answers.put(primary.address(), z -> primary.soa());
    return this;
  }

  /** Answers for {@code address} with the SOA the function gives for the zone asked. */
  ScriptedProbe answer(InetSocketAddress address, Function<Name, SOARecord> soa) {
    answers.put(address, soa);
    return this;
  }

  /** Makes {@code address} silent: every query times out. */
  ScriptedProbe silence(InetSocketAddress address) {
    answers.remove(address);
    return this;
  }

  /** Adds an EDNS EXPIRE to the answers of {@code address}. */
  ScriptedProbe expire(InetSocketAddress address, Duration value) {
    expire.put(address, value);
    return this;
  }

  synchronized List<Query> queries() {
    return List.copyOf(queries);
  }

  synchronized long count(InetSocketAddress primary) {
    return queries.stream().filter(q -> q.primary().equals(primary)).count();
  }

  @Override
  public SoaQuery.Result query(Name zone, Primary primary, Duration timeout,
      Consumer<Runnable> onCancel) throws TransferException {
    synchronized (this) {
      queries.add(new Query(time.elapsed(), primary.address(), zone));
    }
    Function<Name, SOARecord> s = answers.get(primary.address());
    if (s == null) {
      throw new TransferTimeoutException(TransferTimeoutException.Kind.TRANSFER, timeout, zone,
          primary.address());
    }
    SOARecord soa = s.apply(zone);
    return new SoaQuery.Result(SerialNumber.of(soa.getSerial()), soa,
        Optional.ofNullable(expire.get(primary.address())), false, 0);
  }
}
