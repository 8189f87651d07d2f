import { readFile } from 'node:fs/promises';

interface RunReport {
  seed: number;
  test_cases: { generated: number; with_failures: number; errored: number };
  operations: { tested: number; total: number };
  failures: Array<{ code: string; title: string; count: number; operations: string[] }>;
  errors: Array<{ title: string; count: number }>;
}

interface Har {
  log: { entries: Array<{ request: { method: string; url: string }; response: { status: number } }> };
}

/** How the answers to one operation's requests fell. */
interface Tally {
  requests: number;
  byClass: Record<'2xx' | '3xx' | '4xx' | '5xx', number>;
}

/**
 * What a run tried: schemathesis's own counts (its JSON report) and, from the requests it recorded (HAR),
 * the answers per operation, so that a run whose requests all bounced off validation shows as such. The
 * last line, `fuzz: N cases ...`, is what test/fuzz.test.ts reads.
 */
export async function summarize(reportFile: string, harFile: string, operations: Record<string, string[]>): Promise<string> {
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as RunReport;
  const har = JSON.parse(await readFile(harFile, 'utf8')) as Har;
  const tallies = new Map<string, Tally>();
  const match = operationMatcher(Object.keys(operations));
  for (const { request, response } of har.log.entries) {
    const path = match(new URL(request.url).pathname);
    const declared = path !== undefined && operations[path]!.includes(request.method.toLowerCase());
    // Probes with methods the document does not declare (the coverage phase sends each path a few) in one row.
    const label = declared ? `${request.method} ${path}` : '(undeclared method or path)';
    const tally = tallies.get(label) ?? { requests: 0, byClass: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 } };
    tally.requests += 1;
    const statusClass = `${Math.floor(response.status / 100)}xx` as keyof Tally['byClass'];
    if (statusClass in tally.byClass) tally.byClass[statusClass] += 1;
    tallies.set(label, tally);
  }
  const rows = [...tallies.entries()].sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(...rows.map(([label]) => label.length), 'operation'.length);
  const lines = [
    `${'operation'.padEnd(width)}  requests     2xx     3xx     4xx     5xx`,
    ...rows.map(([label, { requests, byClass }]) =>
      [label.padEnd(width), String(requests).padStart(8), ...Object.values(byClass).map((count) => String(count).padStart(7))].join(' '),
    ),
  ];
  for (const failure of report.failures) lines.push(`failure ${failure.code} ${failure.title} (${failure.count}): ${failure.operations.join(', ')}`);
  for (const error of report.errors) lines.push(`error ${error.title} (${error.count})`);
  const cases = report.test_cases;
  lines.push(
    `fuzz: ${cases.generated} cases over ${report.operations.tested} of ${report.operations.total} operations (seed ${report.seed}), ` +
      `${cases.with_failures} with failures, ${cases.errored} errored, ${har.log.entries.length} requests`,
  );
  return lines.join('\n');
}

/** The document's path template a request path belongs to; literal segments win over parameters. */
function operationMatcher(paths: string[]): (path: string) => string | undefined {
  const templates = paths
    .map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]*')}$`),
      parameters: (template.match(/\{/g) ?? []).length,
    }))
    .sort((a, b) => a.parameters - b.parameters);
  return (path) => templates.find(({ pattern }) => pattern.test(path))?.template;
}
