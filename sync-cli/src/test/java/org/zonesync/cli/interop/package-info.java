// SPDX-License-Identifier: Apache-2.0
/**
 * Interoperability tests against a real BIND 9 {@code named} started on a loopback port:
 * {@link org.zonesync.cli.interop.BindInteropTest} is the entry point, {@link
 * org.zonesync.cli.interop.NamedProcess} runs {@code named} and {@link
 * org.zonesync.cli.interop.BindTools} finds and runs dig and the named-check tools. Tagged
 * {@code interop}; CI installs bind9 so these always run there.
 */
@NullMarked
package org.zonesync.cli.interop;

import org.jspecify.annotations.NullMarked;
