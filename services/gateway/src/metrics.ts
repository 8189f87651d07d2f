import { Counter, type Registry } from 'prom-client';
import type { TokenCacheLookup } from './sessions/cached-token-verifier.js';

const tokenCacheLookups: readonly TokenCacheLookup[] = ['hit', 'miss', 'unavailable'];

/** How a login attempt ended, from its status: the label of `gateway_login_attempts_total`. */
export type LoginOutcome = 'success' | 'rejected' | 'throttled' | 'invalid' | 'error';
const outcomes: readonly LoginOutcome[] = ['success', 'rejected', 'throttled', 'invalid', 'error'];

export function loginOutcome(status: number): LoginOutcome {
  if (status < 400) return 'success';
  if (status === 401) return 'rejected';
  if (status === 429) return 'throttled';
  return status < 500 ? 'invalid' : 'error';
}

/** Counts login attempts by outcome; every outcome starts at 0, so rates exist before the first failure. */
export function loginOutcomeCounter(registry: Registry): (status: number) => void {
  const attempts = new Counter({
    name: 'gateway_login_attempts_total',
    help: 'Login attempts: success, rejected (unknown email or wrong password), throttled, invalid (bad request or origin), error.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const outcome of outcomes) attempts.inc({ outcome }, 0);
  return (status) => attempts.inc({ outcome: loginOutcome(status) });
}

/** Counts token verdict cache lookups: hit, miss (asked the users service), unavailable (Redis away: asked it too). */
export function tokenCacheLookupCounter(registry: Registry): (result: TokenCacheLookup) => void {
  const lookups = new Counter({
    name: 'gateway_token_cache_lookups_total',
    help: 'API token verdict cache lookups: hit, miss (verified with the users service), unavailable (Redis away; verified with the users service).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const result of tokenCacheLookups) lookups.inc({ result }, 0);
  return (result) => lookups.inc({ result });
}
