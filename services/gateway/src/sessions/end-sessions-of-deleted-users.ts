import { UserEventsConsumer } from '@platform/contracts';
import type { EventBus } from '@platform/service-kit';
import type { RedisTokenVerdicts } from '../adapters/redis-token-verdicts.js';
import type { SessionStore } from './session-store.js';

/** The part of the event bus the gateway uses. */
export type UserEventSource = Pick<EventBus, 'subscribeUserEvents'> & Partial<Pick<EventBus, 'isConnected'>>;

/**
 * Deleting a user ends every session of theirs and drops their cached token verdicts, on every gateway
 * replica's shared Redis. The consumer is durable: deletions that happened while the gateway was down are
 * applied when it comes back, and a Redis failure here is retried (the message is redelivered).
 */
export function endSessionsOfDeletedUsers(events: UserEventSource, store: SessionStore, tokenVerdicts: Pick<RedisTokenVerdicts, 'forgetUser'>): void {
  events.subscribeUserEvents({ durable: UserEventsConsumer.gatewaySessions }, async (event) => {
    if (event.type !== 'user.deleted') return;
    await tokenVerdicts.forgetUser(event.userId);
    await store.deleteAllOfUser(event.userId);
  });
}
