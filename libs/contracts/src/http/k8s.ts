import { z } from 'zod';
import { Context } from './releases.js';

export const NamespacesQuery = z.object({ context: Context });
export type NamespacesQuery = z.infer<typeof NamespacesQuery>;

/** Kubernetes' NamespaceList; only the names are promised, the rest passes through. */
export const NamespaceList = z
  .object({
    metadata: z.record(z.unknown()),
    items: z.array(z.object({ metadata: z.object({ name: z.string() }).passthrough() }).passthrough()),
  })
  .passthrough();
export type NamespaceList = z.infer<typeof NamespaceList>;
