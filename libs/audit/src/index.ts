export * from './audit-event.js';
export * from './audit-outbox.js';
export * from './audit-recorder.js';
export * from './audit-relay.js';
export * from './file-spool.js';
export * from './metrics.js';
export * from './request-origin.js';
export * from './spool-config.js';
