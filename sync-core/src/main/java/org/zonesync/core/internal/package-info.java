// SPDX-License-Identifier: Apache-2.0
/** Internals shared by the engine's packages: the category loggers. Not exported. */
@NullMarked
package org.zonesync.core.internal;

import org.jspecify.annotations.NullMarked;
