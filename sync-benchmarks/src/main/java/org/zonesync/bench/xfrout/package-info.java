// SPDX-License-Identifier: Apache-2.0
/**
 * Benchmarks of outgoing zone transfers: {@link org.zonesync.bench.xfrout.AxfrOutBenchmark}
 * encodes a snapshot as a TSIG-signed, many-answers AXFR response (zonesync's {@code AxfrWriter}
 * against dnsjava {@code Message} plus {@code TSIG.StreamGenerator}) from the inputs of
 * {@link org.zonesync.bench.xfrout.AxfrOutFixture}, whose {@code check()} (also runnable alone as
 * {@link org.zonesync.bench.xfrout.AxfrOutCheck}) proves both encoders produce a valid stream;
 * {@link org.zonesync.bench.xfrout.AxfrOutEndToEnd} times a whole {@code dig} AXFR over loopback
 * from zonesync's {@code TransferServer} and from Knot DNS {@code knotd}.
 */
@NullMarked
package org.zonesync.bench.xfrout;

import org.jspecify.annotations.NullMarked;
