/** JetStream stream of user events; it keeps them so a consumer that was down misses nothing. */
export const UserEventsStream = {
  name: 'USER_EVENTS',
  subjects: ['users.>'],
  /** Events older than this are dropped; consumers that were away longer rebuild from the users service. */
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
  /** Window within which a repeated message id is stored once (relays may publish an event twice). */
  duplicateWindowMs: 2 * 60 * 1000,
} as const;

export const UserEventSubject = {
  kubeconfigChanged: 'users.kubeconfig.changed',
  deleted: 'users.deleted',
} as const;

/** Durable consumer names: one per consuming service (its replicas share it, as a work queue). */
export const UserEventsConsumer = {
  gatewaySessions: 'gateway-sessions',
} as const;
