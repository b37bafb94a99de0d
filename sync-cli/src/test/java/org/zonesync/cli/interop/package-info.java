// SPDX-License-Identifier: Apache-2.0
/**
 * Interoperability tests against a real BIND 9 {@code named} and a real Knot DNS {@code knotd}
 * started on loopback ports: {@link org.zonesync.cli.interop.BindInteropTest} (AXFR, TSIG, the
 * CLI) and {@link org.zonesync.cli.interop.IxfrInteropTest} (IXFR against both) are the entry
 * points, {@link org.zonesync.cli.interop.NamedProcess} and {@link
 * org.zonesync.cli.interop.KnotProcess} run the servers and {@link
 * org.zonesync.cli.interop.BindTools} finds and runs dig and the named-check tools. Tagged
 * {@code interop}; CI installs bind9 and knot so these always run there.
 */
@NullMarked
package org.zonesync.cli.interop;

import org.jspecify.annotations.NullMarked;
