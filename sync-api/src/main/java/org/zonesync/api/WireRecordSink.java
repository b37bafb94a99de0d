// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

/**
 * Receives resource records in uncompressed wire form, one call per record, so that zones of
 * millions of records move between a store and the engine without an object per record.
 * Arrays are only valid during the call.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface WireRecordSink {

  /**
   * Takes one record.
   *
   * @param owner array holding the owner name, uncompressed wire form, case kept
   * @param ownerOff where the name starts
   * @param ownerLen its length
   * @param type the RR type
   * @param dclass the class
   * @param ttl the TTL, 0..2^32-1
   * @param rdata array holding the RDATA, names uncompressed
   * @param rdataOff where it starts
   * @param rdataLen its length
   */
  void record(byte[] owner, int ownerOff, int ownerLen, int type, int dclass, long ttl,
      byte[] rdata, int rdataOff, int rdataLen);
}
