// SPDX-License-Identifier: Apache-2.0
/**
 * Service-provider interfaces: {@link org.zonesync.api.spi.ReplicaStore}, where a replica keeps
 * its zones between restarts.
 */
@NullMarked
package org.zonesync.api.spi;

import org.jspecify.annotations.NullMarked;
