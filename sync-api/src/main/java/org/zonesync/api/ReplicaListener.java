// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

/**
 * Receives {@link ReplicaEvent}s. Implementations must be fast, must never throw and must never
 * call back into zonesync; they are called on zonesync's threads. An exception thrown anyway is
 * caught and logged at WARN.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ReplicaListener {

  /** A listener that ignores every event. */
  ReplicaListener NONE = event -> { };

  /**
   * Called once per event, in the order the events happened for a zone.
   *
   * @param event the event
   */
  void onEvent(ReplicaEvent event);
}
