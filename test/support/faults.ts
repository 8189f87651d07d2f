import { needs, succeeded, type Dependency, type MixedLoad, type Outcome, type RequestKind } from './load.js';

/** One fault: how to cause it and how to end it, and the dependency it takes away. */
export interface Fault {
  name: string;
  dependency: Dependency;
  down(): Promise<void>;
  up(): Promise<void>;
  /** How long it stays down while the load runs. */
  downMs: number;
}

/** What one fault did to the load, as the suite's table shows it. */
export interface FaultResult {
  fault: string;
  dependency: Dependency;
  /** Requests started from the fault until recovery. */
  tried: number;
  /** Requests that needed the dependency, started while it was down. */
  needing: number;
  failed: number;
  /** Of those that failed: within 2 s, with a 5xx in the contract's shape naming the cause (or refused, for the gateway). */
  failedFast: number;
  /** Failures that were slow or did not name the cause, and slow successes, for the report. */
  badFailures: string[];
  /** Requests that did not need the dependency, started while it was down, and how many of them succeeded. */
  others: number;
  othersOk: number;
  /** From the moment the dependency was back until its requests succeeded again (and its events caught up). */
  recoveredInS: number;
  /** Failures started outside the fault (neither in flight when it began nor before recovery). */
  unexplained: string[];
  lostWrites: number;
  /** How long taking it away took (a server's own shutdown), and the slowest request of the span. */
  downTookS: number;
  slowestS: number;
  /** What `observe` saw in the middle of the outage. */
  observed: unknown;
}

export const failFastMs = 2_000;
export const recoveryLimitMs = 10_000;

/** The answer a request that needs `dependency` must get while it is down. */
export function namesCause(dependency: Dependency, outcome: Outcome): boolean {
  const body = outcome.body as { code?: unknown; errors?: unknown } | undefined;
  const message = Array.isArray(body?.errors) && typeof body.errors[0] === 'string' ? body.errors[0] : null;
  const contractShape = typeof body?.code === 'number' && message !== null;
  switch (dependency) {
    case 'gateway':
      return outcome.status === null && outcome.error === 'ECONNREFUSED';
    case 'redis':
      return outcome.status === 503 && contractShape && message === 'session store unavailable';
    case 'ferretdb':
      return outcome.status === 503 && contractShape && message === 'database unavailable';
    case 'kube-apiserver':
      return outcome.status === 502 && body?.code === 604 && /cluster unreachable/i.test(message ?? '');
    case 'users':
      return outcome.status === 503 && contractShape && (message === 'service unavailable' || message === 'users service unavailable');
    case 'releases':
      return outcome.status === 503 && contractShape && message === 'service unavailable';
    case 'nats':
      return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one fault under the load: takes the dependency away for `downMs` (calling `observe` halfway), brings
 * it back, waits until every kind of request that needs it succeeds again and `caughtUp` (events delivered)
 * holds, then classifies the requests of that span.
 */
export async function runFault(load: MixedLoad, fault: Fault, caughtUp: () => Promise<boolean>, observe: () => Promise<unknown>): Promise<FaultResult> {
  const firstIndex = load.outcomes.length;
  const begunAt = Date.now();
  await fault.down();
  const downAt = Date.now();
  await sleep(fault.downMs / 2);
  const observed = await observe();
  await sleep(Math.max(0, downAt + fault.downMs - Date.now()));
  const upCalledAt = Date.now();
  await fault.up();
  const upAt = Date.now();

  const kinds = (Object.keys(needs) as RequestKind[]).filter((kind) => needs[kind].has(fault.dependency));
  const deadline = upAt + 3 * recoveryLimitMs;
  let eventsAt: number | null = null;
  while (Date.now() < deadline) {
    const recent = load.outcomes.slice(firstIndex).filter((outcome) => outcome.startedAt >= upAt && succeeded(outcome));
    const requestsBack = kinds.every((kind) => recent.some((outcome) => outcome.kind === kind));
    if (requestsBack && eventsAt === null && (await caughtUp())) eventsAt = Date.now();
    if (requestsBack && eventsAt !== null) break;
    await sleep(100);
  }
  await sleep(1_500);

  const span = load.outcomes.slice(firstIndex);
  const needed = (outcome: Outcome) => needs[outcome.kind].has(fault.dependency);
  const during = span.filter((outcome) => outcome.startedAt >= downAt && outcome.startedAt < upCalledAt);
  const failures = during.filter((outcome) => needed(outcome) && !succeeded(outcome));
  const fast = failures.filter((outcome) => outcome.endedAt - outcome.startedAt <= failFastMs && namesCause(fault.dependency, outcome));
  // A request that waited longer than that and then succeeded (the dependency came back) was not fast either.
  const slowSuccesses = during.filter((outcome) => needed(outcome) && succeeded(outcome) && outcome.endedAt - outcome.startedAt > failFastMs);
  const others = during.filter((outcome) => !needed(outcome));
  const failedAfterUp = span.filter((outcome) => outcome.startedAt >= upAt && needed(outcome) && !succeeded(outcome));
  const requestsBackAt = Math.max(upAt, ...failedAfterUp.map((outcome) => outcome.endedAt));
  const recoveredAt = Math.max(requestsBackAt, eventsAt ?? Number.POSITIVE_INFINITY);
  const explained = (outcome: Outcome) =>
    (outcome.startedAt < downAt && outcome.endedAt >= begunAt) || (needed(outcome) && outcome.startedAt >= downAt && outcome.startedAt <= requestsBackAt);
  return {
    fault: fault.name,
    dependency: fault.dependency,
    tried: span.filter((outcome) => outcome.startedAt <= recoveredAt).length,
    needing: during.filter(needed).length,
    failed: failures.length,
    failedFast: fast.length,
    badFailures: [...failures.filter((outcome) => !fast.includes(outcome)), ...slowSuccesses].map((outcome) => describe(outcome, downAt, upAt)),
    others: others.length,
    othersOk: others.filter(succeeded).length,
    recoveredInS: (recoveredAt - upAt) / 1000,
    unexplained: span.filter((outcome) => !succeeded(outcome) && !explained(outcome)).map((outcome) => describe(outcome, downAt, upAt)),
    lostWrites: span.filter((outcome) => outcome.lostWrite).length,
    downTookS: (downAt - begunAt) / 1000,
    slowestS: Math.max(0, ...span.map((outcome) => outcome.endedAt - outcome.startedAt)) / 1000,
    observed,
  };
}

/** One request, for an assertion message: when it started (from the outage), how long it took, its answer. */
function describe(outcome: Outcome, downAt: number, upAt: number): string {
  const body = outcome.body as { errors?: unknown } | undefined;
  const answer = outcome.status === null ? outcome.error : `${outcome.status} ${JSON.stringify(body?.errors ?? '')}`;
  return `${outcome.kind} started ${outcome.startedAt - downAt} ms after the outage began (back at ${upAt - downAt} ms), took ${outcome.endedAt - outcome.startedAt} ms: ${answer}`;
}

/** The suite's table: one line per fault. */
export function faultTable(results: FaultResult[]): string {
  const header = ['fault', 'requests tried', 'needed it (down)', 'failed', 'failed fast', 'others ok', 'recovered in s', 'lost writes'];
  const rows = results.map((result) => [
    result.fault,
    String(result.tried),
    String(result.needing),
    String(result.failed),
    `${result.failedFast}/${result.failed}`,
    result.others === 0 ? '-' : `${result.othersOk}/${result.others}`,
    Number.isFinite(result.recoveredInS) ? result.recoveredInS.toFixed(1) : 'never',
    String(result.lostWrites),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
