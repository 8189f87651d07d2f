import type { Storage } from '../release-list.js';

/** Which release a page shows: every release call carries its namespace, context and storage. */
export interface ReleaseTarget {
  name: string;
  namespace: string;
  context: string;
  storage: Storage;
}

export const targetQuery = (target: ReleaseTarget) => ({ namespace: target.namespace, context: target.context, storage: target.storage });
