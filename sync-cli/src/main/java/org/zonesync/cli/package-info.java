// SPDX-License-Identifier: Apache-2.0
/**
 * The {@code zonesync} tool: {@link org.zonesync.cli.Main} with the sub-commands
 * {@code demo}, {@code mirror} and {@code keygen}.
 */
@NullMarked
package org.zonesync.cli;

import org.jspecify.annotations.NullMarked;
