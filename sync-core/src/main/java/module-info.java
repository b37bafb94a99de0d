// SPDX-License-Identifier: Apache-2.0
/**
 * The zonesync engine: wire reading and writing, the compact zone, AXFR in and out.
 * Exports only {@code org.zonesync.core}; everything under {@code internal} stays private.
 */
module org.zonesync.core {
  requires transitive org.zonesync.api;
  requires transitive org.zonesync.tsig;
  requires org.slf4j;
  requires static org.jspecify;

  exports org.zonesync.core;
}
