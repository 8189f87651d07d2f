/// <reference path="./semver.d.ts" />
import { createHash } from 'node:crypto';
import { maxSatisfying, validRange } from 'semver';
import { AppError } from '@platform/service-kit';
import { ErrorCode, chartArchiveMaxBytes, type RepositoryCredentials } from '@platform/contracts';
import type { ClusterAddressPolicy } from '../kube/address-policy.js';
import { checkedDownload, checkedDownloadEntity, DownloadNotFoundError, DownloadUnauthorizedError, type DownloadedEntity } from './checked-download.js';
import { authorizationOf } from './credentials.js';
import { RevalidatedCache, type ChartCacheObserver, type RevalidatedCacheOptions } from './index-cache.js';

const chartLayerType = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const manifestTypes = 'application/vnd.oci.image.manifest.v1+json';
const smallDocumentMaxBytes = 1024 * 1024;

export interface RegistryOptions {
  policy: ClusterAddressPolicy;
  timeoutMs: number;
  /** The user's credentials for this registry (a repository they added), used only when it asks for them. */
  credentials?: RepositoryCredentials;
  /** Tags lists by repository URL (see tagListCache); without one every listing asks the registry. */
  tagLists?: TagListCache;
}

export type TagListCache = RevalidatedCache<string[]>;

/** The cache of registries' tags lists (the versions, `_` read as `+`), with the index cache's freshness. */
export function tagListCache(options: RevalidatedCacheOptions, observe?: ChartCacheObserver): TagListCache {
  return new RevalidatedCache(options, parseTagsList, observe);
}

/**
 * A chart's archive from an OCI registry, as `helm pull oci://…` gets it (the distribution API: tags,
 * manifest, the chart layer's blob) but through checkedDownload: the address policy on the registry and on
 * every redirect and token endpoint, capped bodies, the blob checked against its digest. Registries that hand
 * out pull tokens (`WWW-Authenticate: Bearer realm=…`) are followed, anonymously or with the user's basic
 * auth; `Basic` challenges get the user's credentials, and a stored token is sent as the bearer itself.
 * `constraint`: a version (the tag, `+` written `_` as Helm does) or a semver constraint over the tags.
 * 404/602 naming the chart when it or the version is not there; 502/604 when the registry cannot be used.
 */
export async function pullOciChart(reference: string, plainHttp: boolean, constraint: string | undefined, options: RegistryOptions): Promise<Buffer> {
  const location = registryLocation(reference, plainHttp);
  const repository = location.pathname.replace(/^\/+/, '');
  const chart = repository.split('/').at(-1)!;
  const registry = new RegistrySession(new URL(`/v2/${repository}/`, location), options);

  const tag = exactVersion(constraint) ?? (await pickTag(registry, chart, constraint));
  const manifestText = await registry
    .get(`manifests/${encodeURIComponent(tag.replace(/\+/g, '_'))}`, smallDocumentMaxBytes, { accept: manifestTypes })
    .catch((error: unknown) => {
      if (error instanceof DownloadNotFoundError) throw AppError.notFound(`chart ${chart} has no version ${tag} in the registry`);
      throw error;
    });
  const layer = chartLayer(manifestText.toString('utf8'));
  if (layer.size > chartArchiveMaxBytes) throw unusable(`the chart layer is over ${chartArchiveMaxBytes} bytes`);
  const blob = await registry.get(`blobs/${layer.digest}`, chartArchiveMaxBytes);
  if (`sha256:${createHash('sha256').update(blob).digest('hex')}` !== layer.digest) throw unusable('the chart layer does not match its digest');
  return blob;
}

/** The registry URL an `oci://` reference names; 400/600 when it is not a URL (the contract's pattern lets some through). */
function registryLocation(reference: string, plainHttp: boolean): URL {
  try {
    return new URL(reference.replace(/^oci:/, plainHttp ? 'http:' : 'https:'));
  } catch {
    throw new AppError(400, ErrorCode.BadRequest, ['chart reference is not a valid oci:// URL']);
  }
}

/** A version without range operators is the tag itself (Helm pulls it without listing tags). */
function exactVersion(constraint: string | undefined): string | undefined {
  return constraint !== undefined && /^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+_-]+)?$/.test(constraint) ? constraint : undefined;
}

/** The versions of a chart in an OCI registry (its tags, `_` read as `+`), in the registry's order. 404/602 when it has none. */
export async function listOciChartVersions(reference: string, plainHttp: boolean, options: RegistryOptions): Promise<string[]> {
  const location = registryLocation(reference, plainHttp);
  const repository = location.pathname.replace(/^\/+/, '');
  return tagsOf(new RegistrySession(new URL(`/v2/${repository}/`, location), options), repository.split('/').at(-1)!);
}

async function pickTag(registry: RegistrySession, chart: string, constraint: string | undefined): Promise<string> {
  const range = constraint === undefined ? '*' : constraint.replace(/,/g, ' ');
  if (validRange(range, { loose: true }) === null) throw new AppError(422, ErrorCode.ValidationFailed, ['version validation failed: not a semver constraint']);
  const best = maxSatisfying(await tagsOf(registry, chart), range, { loose: true });
  if (best === null) throw AppError.notFound(`chart ${chart} has no version matching ${constraint ?? 'a stable version'}`);
  return best;
}

async function tagsOf(registry: RegistrySession, chart: string): Promise<string[]> {
  const download = (headers: Record<string, string>) => registry.getEntity('tags/list', smallDocumentMaxBytes, headers);
  const credentials = registry.credentials;
  const listed = await (
    registry.tagLists
      ? // A list read with the user's credentials is cached for those credentials only; a pull token is not one (anyone may get it).
        registry.tagLists.get(registry.urlOf('tags/list'), download, credentials ? authorizationOf(credentials) : undefined)
      : download({}).then((answer) => parseTagsList(answer.body))
  ).catch((error: unknown) => {
    if (error instanceof DownloadNotFoundError) throw AppError.notFound(`chart ${chart} not found in the registry`);
    throw error;
  });
  if (listed.length === 0) throw AppError.notFound(`chart ${chart} not found in the registry`);
  return listed;
}

function parseTagsList(body: Buffer): string[] {
  let tags: unknown;
  try {
    tags = (JSON.parse(body.toString('utf8')) as { tags?: unknown }).tags;
  } catch (error) {
    throw unusable('the tags list is not JSON', error);
  }
  return (Array.isArray(tags) ? tags : []).filter((tag): tag is string => typeof tag === 'string').map((tag) => tag.replace(/_/g, '+'));
}

function chartLayer(text: string): { digest: string; size: number } {
  let manifest: { layers?: unknown };
  try {
    manifest = JSON.parse(text) as { layers?: unknown };
  } catch (error) {
    throw unusable('the manifest is not JSON', error);
  }
  const layers = Array.isArray(manifest.layers) ? (manifest.layers as Array<{ mediaType?: unknown; digest?: unknown; size?: unknown }>) : [];
  const layer = layers.find((entry) => entry?.mediaType === chartLayerType);
  if (!layer) throw AppError.notFound('the registry artifact is not a Helm chart');
  if (typeof layer.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(layer.digest) || typeof layer.size !== 'number') {
    throw unusable('the chart layer has no sha256 digest or size');
  }
  return { digest: layer.digest, size: layer.size };
}

/** GETs under one repository of a registry, with the pull token the registry asks for, once fetched. */
class RegistrySession {
  private authorization: string | undefined;

  constructor(
    private readonly base: URL,
    private readonly options: RegistryOptions,
  ) {}

  get credentials(): RepositoryCredentials | undefined {
    return this.options.credentials;
  }

  get tagLists(): TagListCache | undefined {
    return this.options.tagLists;
  }

  urlOf(path: string): string {
    return new URL(path, this.base).toString();
  }

  async get(path: string, maxBytes: number, headers: Record<string, string> = {}): Promise<Buffer> {
    return (await this.getEntity(path, maxBytes, headers)).body;
  }

  /** With an `if-none-match` header, a 304 is `notModified` (see checkedDownloadEntity). */
  async getEntity(path: string, maxBytes: number, headers: Record<string, string> = {}): Promise<DownloadedEntity> {
    const fetch = () =>
      checkedDownloadEntity(this.options.policy, new URL(path, this.base), {
        maxBytes,
        timeoutMs: this.options.timeoutMs,
        what: 'OCI registry',
        headers: this.authorization ? { ...headers, authorization: this.authorization } : headers,
      });
    try {
      return await fetch();
    } catch (error) {
      if (!(error instanceof DownloadUnauthorizedError) || this.authorization !== undefined) throw this.refusedIfUnauthorized(error);
      this.authorization = await this.answerChallenge(error.challenge);
      return fetch().catch((retryError: unknown) => {
        throw this.refusedIfUnauthorized(retryError);
      });
    }
  }

  /** What to send after a 401: the user's credentials as the challenge asks for them, or an anonymous pull token. */
  private async answerChallenge(challenge: string): Promise<string> {
    const credentials = this.options.credentials;
    if (credentials && 'token' in credentials) return authorizationOf(credentials);
    if (/^Basic\b/i.test(challenge)) {
      if (!credentials) throw unusable('it requires credentials');
      return authorizationOf(credentials);
    }
    return this.pullToken(challenge);
  }

  private refusedIfUnauthorized(error: unknown): unknown {
    if (!(error instanceof DownloadUnauthorizedError)) return error;
    // As an HTTP repository says it (docs/api-decisions.md): with stored credentials, or without any.
    return unusable(this.options.credentials ? 'it refused the credentials' : 'it requires credentials');
  }

  /** `Bearer realm="…",service="…",scope="…"`: a pull token from the realm (checked like any URL). */
  private async pullToken(challenge: string): Promise<string> {
    const credentials = this.options.credentials;
    const realm = tokenRealm(challenge, this.base, credentials !== undefined);
    // The realm is where the registry sends clients to log in: the user's basic auth goes there, as docker and helm send it.
    const answer = await checkedDownload(this.options.policy, realm, {
      maxBytes: smallDocumentMaxBytes,
      timeoutMs: this.options.timeoutMs,
      what: 'OCI registry token endpoint',
      ...(credentials ? { headers: { authorization: authorizationOf(credentials) } } : {}),
    }).catch((error: unknown) => {
      throw this.refusedIfUnauthorized(error);
    });
    let token: unknown;
    try {
      const body = JSON.parse(answer.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = body.token ?? body.access_token;
    } catch (error) {
      throw unusable('its token endpoint did not answer JSON', error);
    }
    if (typeof token !== 'string' || token === '') throw unusable('its token endpoint gave no token');
    return `Bearer ${token}`;
  }
}

/**
 * The token endpoint a registry's Bearer challenge names, with its service and scope. 502/604 for a challenge
 * that is neither Basic nor Bearer with a realm URL, and for an https registry naming a plain-http realm when
 * the user's credentials would go there: a registry (or whoever answers for it) cannot have them sent in clear.
 */
export function tokenRealm(challenge: string, registry: URL, withCredentials: boolean): URL {
  const parameters = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1]!.toLowerCase(), match[2]!]));
  if (!/^Bearer\s/i.test(challenge) || !parameters.realm || !URL.canParse(parameters.realm)) {
    throw unusable('its challenge is neither Basic nor Bearer with a realm URL');
  }
  const realm = new URL(parameters.realm);
  if (withCredentials && registry.protocol === 'https:' && realm.protocol !== 'https:') {
    throw unusable('its token endpoint is not https, and the credentials are not sent in clear');
  }
  if (parameters.service) realm.searchParams.set('service', parameters.service);
  if (parameters.scope) realm.searchParams.set('scope', parameters.scope);
  return realm;
}

function unusable(reason: string, cause?: unknown): AppError {
  return new AppError(502, ErrorCode.ClusterUnreachable, [`OCI registry unreachable: ${reason}`], { cause });
}
