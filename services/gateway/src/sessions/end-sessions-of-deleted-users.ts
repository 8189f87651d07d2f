import { UserEventsConsumer } from '@platform/contracts';
import type { EventBus } from '@platform/service-kit';
import type { SessionStore } from './session-store.js';

/** The part of the event bus the gateway uses. */
export type UserEventSource = Pick<EventBus, 'subscribeUserEvents'> & Partial<Pick<EventBus, 'isConnected'>>;

/**
 * Deleting a user ends every session of theirs, on every gateway replica's shared Redis. The consumer is
 * durable: deletions that happened while the gateway was down are applied when it comes back.
 */
export function endSessionsOfDeletedUsers(events: UserEventSource, store: SessionStore): void {
  events.subscribeUserEvents({ durable: UserEventsConsumer.gatewaySessions }, async (event) => {
    if (event.type === 'user.deleted') await store.deleteAllOfUser(event.userId);
  });
}
