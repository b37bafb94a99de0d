// SPDX-License-Identifier: Apache-2.0
/**
 * TSIG (RFC 8945) for zonesync: signing and verifying single messages and multi-message TCP
 * streams on raw wire bytes, keyrings, and BIND / Knot key files.
 */
module org.zonesync.tsig {
  requires transitive org.zonesync.api;
  requires org.bouncycastle.provider;
  requires org.slf4j;
  requires static org.jspecify;

  exports org.zonesync.tsig;
}
