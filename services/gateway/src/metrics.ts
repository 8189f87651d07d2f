import { Counter, type Registry } from 'prom-client';

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
