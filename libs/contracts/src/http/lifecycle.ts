import { z } from 'zod';
import { QueryBoolean } from './common.js';
import { Context, NamespaceName, PlanOptions, ReleaseName, ReleaseTarget } from './releases.js';

/** The largest chart archive the platform takes, uploaded or downloaded (compressed bytes). */
export const chartArchiveMaxBytes = 1024 * 1024;

/** A chart's name in a repository index (Helm's rule: lowercase letters, digits, dashes, dots, underscores). */
export const ChartName = z
  .string()
  .min(1)
  .max(250)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'chartname');

/** A Helm HTTP repository's URL (the folder holding index.yaml). */
export const RepositoryUrl = z.string().url().max(2048);

/** A user's name for one of their chart repositories (a DNS label: lowercase letters, digits, dashes). */
export const RepositoryName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'repositoryname');

/**
 * A chart's repository in a chart reference: a Helm HTTP repository's URL, or the name of one of the user's
 * repositories (a name is never a URL: it has no scheme). One string either way, so a bad one is 422 `url`.
 */
export const RepositoryLocation = z
  .string()
  .max(2048)
  .superRefine((value, context) => {
    if (!RepositoryUrl.safeParse(value).success && !RepositoryName.safeParse(value).success) context.addIssue({ code: z.ZodIssueCode.custom, message: 'url' });
  });

/** Whether a RepositoryLocation names one of the user's repositories rather than giving a URL. */
export const isRepositoryName = (location: string): boolean => RepositoryName.safeParse(location).success;

/** `oci://host[:port]/path/chart`: a chart in an OCI registry (lowercase path components, as the registry API names them). */
export const OciReference = z
  .string()
  .max(2048)
  .regex(/^oci:\/\/[^/?#@\s]+(\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$/, 'oci');

/**
 * Where the chart to install comes from: exactly one of an uploaded archive (`helm package`'s .tgz, base64),
 * a Helm HTTP repository's URL (or one of the user's repositories by name) and the chart's name, or an OCI
 * reference.
 */
export const ChartReference = z
  .object({
    archive: z
      .string()
      .max(Math.ceil(chartArchiveMaxBytes / 3) * 4)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')
      .optional(),
    /** A Helm HTTP repository's URL, or the name of one of the user's repositories (HTTP or OCI). */
    repository: RepositoryLocation.optional(),
    name: ChartName.optional(),
    /** `oci://host[:port]/path/chart`: the chart in an OCI registry, its tag picked by `version`. */
    oci: OciReference.optional(),
    /** The registry speaks plain HTTP (helm's --plain-http); HTTPS otherwise. */
    plainHttp: z.boolean().optional(),
  })
  .strict()
  .superRefine((chart, context) => {
    const given = [chart.archive !== undefined, chart.repository !== undefined || chart.name !== undefined, chart.oci !== undefined];
    const complete = chart.repository === undefined || chart.name !== undefined;
    const fromOne = given.filter(Boolean).length === 1 && complete && (chart.name === undefined || chart.repository !== undefined);
    if (!fromOne || (chart.plainHttp !== undefined && chart.oci === undefined)) context.addIssue({ code: z.ZodIssueCode.custom, message: 'chart' });
  });
export type ChartReference = z.infer<typeof ChartReference>;

/** Install and uninstall run the helm binary on a cluster: memory storage has neither. */
const ClusterStorage = z.enum(['secret', 'configmap']).default('secret');

const InstallFields = z.object({
  name: ReleaseName,
  namespace: NamespaceName,
  context: Context,
  storage: ClusterStorage,
  chart: ChartReference,
  /** A semver constraint (`1.2.3`, `^1.2`, `>=1.0.0 <2.0.0`) on the repository's versions; the newest stable one when absent. */
  version: z.string().min(1).max(256).optional(),
  values: z
    .string()
    .max(1024 * 1024)
    .default(''),
  createNamespace: z.boolean().optional(),
  /** `dryRun`: the plan (helm install --dry-run=server against nothing), nothing written; `planToken`: install exactly a plan. */
  ...PlanOptions,
});

export const InstallBody = InstallFields.superRefine((body, context) => {
  if (body.version !== undefined && body.chart.archive !== undefined) {
    context.addIssue({ code: z.ZodIssueCode.custom, message: 'version', path: ['version'] });
  }
});
export type InstallBody = z.infer<typeof InstallBody>;

const FormBoolean = z.enum(['true', 'false']);

/**
 * The install as multipart/form-data: InstallBody's text fields as form fields (booleans written `true` or
 * `false`), the archive as the file part `chart` (see installFormFiles); no `version`, which an archive refuses.
 */
export const InstallFormFields = InstallFields.omit({ chart: true, version: true }).extend({
  createNamespace: FormBoolean.optional(),
  dryRun: FormBoolean.optional(),
});

/** The install form's file parts: the chart archive (.tgz, at most chartArchiveMaxBytes). */
export const installFormFiles = ['chart'] as const;

export const UninstallQuery = ReleaseTarget.extend({
  storage: ClusterStorage,
  /** helm uninstall --keep-history: the release stays, `uninstalled`, and can be rolled back. */
  keepHistory: QueryBoolean.optional(),
});
export type UninstallQuery = z.infer<typeof UninstallQuery>;
