import { z } from 'zod';
import { ChartName, OciReference, RepositoryName, RepositoryUrl } from './lifecycle.js';

/** The most repositories one user may keep (each is read by every search). */
export const repositoriesPerUserMax = 50;

/**
 * Where a repository is: a Helm HTTP repository (http or https, the folder of index.yaml) or an OCI
 * registry path under which its charts are (`oci://host[:port]/path`). Credentials never go in the URL.
 */
export const ChartRepositoryUrl = z
  .string()
  .max(2048)
  .superRefine((url, context) => {
    const http = RepositoryUrl.safeParse(url).success && /^https?:\/\/[^/@]+(\/|$)/i.test(url);
    if (!http && !OciReference.safeParse(url).success) context.addIssue({ code: z.ZodIssueCode.custom, message: 'url' });
  });

/** Basic auth (`username` + `password`) or a bearer `token`, or neither; stored encrypted, never answered. */
export const AddRepositoryBody = z
  .object({
    name: RepositoryName,
    url: ChartRepositoryUrl,
    username: z.string().min(1).max(256).optional(),
    password: z.string().min(1).max(4096).optional(),
    token: z.string().min(1).max(8192).optional(),
    /** An OCI registry that speaks plain HTTP (helm's --plain-http); HTTPS otherwise. */
    plainHttp: z.boolean().optional(),
  })
  .strict()
  .superRefine((body, context) => {
    const basic = body.username !== undefined || body.password !== undefined;
    if (basic && (body.username === undefined || body.password === undefined || body.token !== undefined)) {
      context.addIssue({ code: z.ZodIssueCode.custom, message: 'credentials', path: ['username'] });
    }
    if (body.plainHttp !== undefined && !body.url.startsWith('oci://'))
      context.addIssue({ code: z.ZodIssueCode.custom, message: 'plainhttp', path: ['plainHttp'] });
  });
export type AddRepositoryBody = z.infer<typeof AddRepositoryBody>;

/** A repository as the API shows it: whether it has credentials, never what they are. */
export const ChartRepository = z.object({
  name: RepositoryName,
  url: z.string(),
  plainHttp: z.boolean(),
  hasCredentials: z.boolean(),
  createdAt: z.string(),
});
export type ChartRepository = z.infer<typeof ChartRepository>;

export const ChartRepositoryList = z.array(ChartRepository);
export type ChartRepositoryList = z.infer<typeof ChartRepositoryList>;

export const RepositoryParams = z.object({ name: RepositoryName });
export type RepositoryParams = z.infer<typeof RepositoryParams>;

/** Search results are cut at these bounds (`truncated` says so). */
export const chartSearchLimits = { charts: 100, versionsPerChart: 50 } as const;

export const ChartSearchQuery = z.object({
  /** Part of a chart's name or description (case-insensitive); for an OCI repository, a chart's exact name. */
  q: z.string().max(250).optional(),
  /** Only this repository of the user's. */
  repository: RepositoryName.optional(),
});
export type ChartSearchQuery = z.infer<typeof ChartSearchQuery>;

export const ChartSearchResult = z.object({
  charts: z.array(
    z.object({
      repository: RepositoryName,
      name: ChartName,
      latestVersion: z.string(),
      /** Newest first (index.yaml's order, or the registry's tags by semver). */
      versions: z.array(z.string()),
      appVersion: z.string().optional(),
      description: z.string().optional(),
    }),
  ),
  /** More charts or versions matched than the answer holds. */
  truncated: z.boolean(),
  /** Repositories that could not be read this time, and why (the others are still searched). */
  unavailable: z.array(z.object({ repository: RepositoryName, error: z.string() })),
});
export type ChartSearchResult = z.infer<typeof ChartSearchResult>;
