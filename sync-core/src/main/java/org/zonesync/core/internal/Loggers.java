// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The category loggers, modelled on BIND's categories (DESIGN.md, "Logging"). */
public final class Loggers {
  public static final Logger XFER_IN = LoggerFactory.getLogger("zonesync.xfer-in");
  public static final Logger XFER_OUT = LoggerFactory.getLogger("zonesync.xfer-out");
  public static final Logger NOTIFY = LoggerFactory.getLogger("zonesync.notify");
  public static final Logger JOURNAL = LoggerFactory.getLogger("zonesync.journal");
  public static final Logger TSIG = LoggerFactory.getLogger("zonesync.tsig");

  private Loggers() {
  }
}
