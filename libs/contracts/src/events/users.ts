import { z } from 'zod';
import { UserEventSubject } from './subjects.js';

/**
 * Every change of a user's kubeconfig or allowed contexts, and the user's deletion. Carries the version
 * that only grows, never the kubeconfig itself: consumers drop what they cached for older versions.
 */
export const UserEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('kubeconfig.changed'),
    userId: z.number().int().positive(),
    kubeconfigVersion: z.number().int().positive(),
    occurredAt: z.string().datetime(),
  }),
  z.object({
    type: z.literal('user.deleted'),
    userId: z.number().int().positive(),
    kubeconfigVersion: z.number().int().nonnegative(),
    occurredAt: z.string().datetime(),
  }),
]);
export type UserEvent = z.infer<typeof UserEvent>;
export type UserEventType = UserEvent['type'];

export const subjectOfUserEvent = (event: UserEvent): string => (event.type === 'user.deleted' ? UserEventSubject.deleted : UserEventSubject.kubeconfigChanged);

/** JetStream message id: a relay that publishes the same event twice stores it once. */
export const userEventMessageId = (event: UserEvent): string => `${event.userId}:${event.kubeconfigVersion}:${event.type}`;
