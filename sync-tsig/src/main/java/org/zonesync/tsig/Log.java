// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The category logger of this module (STYLE section 5). Never log key material. */
final class Log {
  static final Logger TSIG = LoggerFactory.getLogger("zonesync.tsig");

  private Log() {}
}
