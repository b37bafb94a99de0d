// SPDX-License-Identifier: Apache-2.0
/** Storage behind the {@link org.zonesync.api.spi.ReplicaStore} SPI. */
module org.zonesync.journal {
  requires transitive org.zonesync.api;
  requires org.slf4j;
  requires static org.jspecify;

  exports org.zonesync.journal;
}
