// SPDX-License-Identifier: Apache-2.0
/**
 * The {@code zonesync} tool: {@link org.zonesync.cli.Main} with the sub-commands {@code demo}
 * (primary, stealth secondary and downstream replica in one process), {@code mirror} ({@code
 * MirrorCommand}: {@code --once}, or a running secondary in {@code MirrorDaemon} configured by
 * the command line or a YAML file read by {@code ConfigParser}, serving its zones onward with
 * {@code --serve} or {@code serve:} blocks), {@code serve} ({@code ServeCommand}: a hidden
 * primary for a zone file, {@code ServeDaemon}), {@code keygen}, and {@code status}, {@code
 * refresh} and {@code retransfer} ({@code ControlCommands}), which talk to a running mirror's or
 * server's {@code ControlServer}.
 */
@NullMarked
package org.zonesync.cli;

import org.jspecify.annotations.NullMarked;
