import type { CreatedApiToken } from '@platform/contracts';
import type { Platform } from '../../test/support/platform.js';
import type { BenchUser } from '../support/bench-users.js';
import { load, medianLoad, type LoadResult } from '../support/load.js';
import { round, type Section } from '../support/report.js';
import { sideBySide } from '../support/stats.js';

export interface TokenCostOptions {
  connections: number;
  rounds: number;
  seconds: number;
}

/**
 * What an API token costs over the session cookie: `GET /api/tokens` (the same answer either way) with
 * `Authorization: Bearer`, whose users-service verdict the gateway keeps in Redis for up to 30 s (revocations
 * drop it, so a revocation still holds everywhere at once), against the same call with the session cookie,
 * at one concurrency. One token: after the first request every one is a cache hit, as for a CI job's run.
 */
export async function measureTokenCost(platform: Platform, user: BenchUser, options: TokenCostOptions): Promise<Section> {
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
  const created = await user.client.post('/api/tokens', { name: 'bench', expiresAt, scope: { access: 'read' } });
  if (created.status !== 201) throw new Error(`creating a token failed: ${created.status} ${created.text}`);
  const { token } = created.json as CreatedApiToken;
  const url = `${platform.gatewayUrl}/api/tokens`;
  const run = (headers: Record<string, string>) => load({ url, headers, connections: options.connections, durationSeconds: options.seconds });
  const withCookie = () => run({ cookie: `porter_session=${user.client.cookie}` });
  const withToken = () => run({ authorization: `Bearer ${token}` });

  await withCookie();
  await withToken();
  const results = await sideBySide(options.rounds, { cookie: withCookie, token: withToken });
  const cookie = medianLoad(results.cookie);
  const bearer = medianLoad(results.token);
  const describe = (name: string, side: LoadResult) => `${name}: ${round(side.perSecond, 0)} req/s, p50 ${side.p50Ms} ms, p99 ${side.p99Ms} ms`;
  return {
    title: `API token cost (GET /api/tokens, ${options.connections} connections, ${options.rounds} rounds of ${options.seconds} s)`,
    figures: [
      { name: 'token_to_cookie_throughput_ratio', value: bearer.perSecond / cookie.perSecond, unit: '' },
      { name: 'token_p50_ms', value: bearer.p50Ms, unit: 'ms' },
      { name: 'cookie_p50_ms', value: cookie.p50Ms, unit: 'ms' },
    ],
    details: [describe('bearer token', bearer), describe('session cookie', cookie)],
  };
}
