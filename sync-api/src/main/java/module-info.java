// SPDX-License-Identifier: Apache-2.0
/**
 * The public vocabulary of zonesync: replicas, snapshots, serials, TSIG keys, events, the
 * exception hierarchy and the {@link org.zonesync.api.spi.ReplicaStore} SPI.
 */
module org.zonesync.api {
  requires transitive org.dnsjava;
  requires static org.jspecify;

  exports org.zonesync.api;
  exports org.zonesync.api.spi;
}
