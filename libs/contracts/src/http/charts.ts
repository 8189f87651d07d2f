import { z } from 'zod';
import { QueryBoolean } from './common.js';
import { ChartName, OciReference, RepositoryLocation } from './lifecycle.js';

/** A chart in a Helm HTTP repository or one of the user's repositories (`repository` + `name`), or an OCI registry (`oci`, `plainHttp`), in a query string. */
const ChartLocationQuery = z.object({
  repository: RepositoryLocation.optional(),
  name: ChartName.optional(),
  oci: OciReference.optional(),
  plainHttp: QueryBoolean.optional(),
});

const oneLocation = (query: z.infer<typeof ChartLocationQuery>) =>
  (query.oci !== undefined && query.repository === undefined && query.name === undefined) ||
  (query.oci === undefined && query.plainHttp === undefined && query.repository !== undefined && query.name !== undefined);

export const ChartVersionsQuery = ChartLocationQuery.refine(oneLocation, { message: 'chart' });
export type ChartVersionsQuery = z.infer<typeof ChartVersionsQuery>;

export const ChartViewQuery = ChartLocationQuery.extend({ version: z.string().min(1).max(256).optional() }).refine(oneLocation, { message: 'chart' });
export type ChartViewQuery = z.infer<typeof ChartViewQuery>;

/** The versions of a chart, as its repository's index (newest first as `helm repo index` writes it) or registry's tags list give them. */
export const ChartVersionList = z.array(
  z.object({
    version: z.string(),
    appVersion: z.string().optional(),
    description: z.string().optional(),
    created: z.string().optional(),
  }),
);
export type ChartVersionList = z.infer<typeof ChartVersionList>;

/** What a client needs to build a form for a chart version: its default values, README and values schema. */
export const ChartView = z.object({
  name: z.string(),
  version: z.string(),
  appVersion: z.string().optional(),
  description: z.string().optional(),
  /** values.yaml as the chart has it (comments kept). */
  values: z.string(),
  readme: z.string().nullable(),
  /** values.schema.json, parsed; null when the chart has none. */
  schema: z.record(z.unknown()).nullable(),
});
export type ChartView = z.infer<typeof ChartView>;
