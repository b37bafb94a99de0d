// SPDX-License-Identifier: Apache-2.0
package org.zonesync.bench.xfrout;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link AxfrOutFixture#check()} without JMH, to validate both encoders quickly.
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.zonesync.bench.xfrout.AxfrOutCheck [records...]}
 * (default 10000).
 */
public final class AxfrOutCheck {

  private static final Logger LOG = LoggerFactory.getLogger(AxfrOutCheck.class);

  private AxfrOutCheck() {
  }

  /**
   * Checks the fixture at each size given.
   *
   * @param args zone sizes in records, the SOA included
   * @throws IOException if a stream does not parse or verify
   */
  public static void main(String[] args) throws IOException {
    String[] sizes = args.length == 0 ? new String[] {"10000"} : args;
    for (String s : sizes) {
      LOG.info("check passed: {}", AxfrOutFixture.create(Integer.parseInt(s)).check());
    }
  }
}
