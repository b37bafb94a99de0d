// SPDX-License-Identifier: Apache-2.0
package org.zonesync.journal;

import org.zonesync.api.spi.ReplicaStore;

final class MemoryReplicaStoreTest extends ReplicaStoreContractTest {
  @Override
  ReplicaStore newStore(int depth) {
    return MemoryReplicaStore.create(depth);
  }
}
