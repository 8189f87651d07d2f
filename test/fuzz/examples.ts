import type { FuzzReleases } from './fixture.js';

interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string; example?: unknown }>;
  requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> };
}
type OpenApiDocument = { paths: Record<string, Record<string, OpenApiOperation>> };

/**
 * The gateway's document with examples of the operations whose valid bodies generated data almost never hits:
 * - upgrade and rollback naming a release the fixture installed: its name, context and namespace, real values
 *   and revision, no plan token (a wrong storage, namespace or context, an invented plan token each refuse them);
 * - a token expiring within the allowed year (a generated date-time is almost always past or too far ahead);
 * - a repository at a loopback address the fixture's address policy allows (nothing listens there: a search
 *   lists it as unavailable).
 * So schemathesis's examples and coverage phases make these operations succeed, and plan, for real.
 * Only this run's copy of the document gets them: the fixture's names mean nothing in the contract.
 */
export function withReleaseExamples(document: OpenApiDocument, releases: FuzzReleases, now = new Date()): OpenApiDocument {
  const { namespace, context } = releases.installs[0]!;
  const target = { context, namespace, storage: 'secret' };
  const inThirtyDays = new Date(now.getTime() + 30 * 24 * 3600 * 1000).toISOString();
  const bodies: Record<string, { body: Record<string, unknown>; namesRelease: boolean }> = {
    '/api/releases/{name}/upgrade': { body: { ...target, values: 'message: fuzzed\n' }, namesRelease: true },
    // Revision 1 exists whatever ran before; rolling back to the latest revision is allowed (Helm's too).
    '/api/releases/{name}/rollback': { body: { ...target, revision: 1 }, namesRelease: true },
    '/api/tokens': { body: { name: 'fuzz', expiresAt: inThirtyDays, scope: { access: 'read' } }, namesRelease: false },
    '/api/repositories': { body: { name: 'fuzz', url: 'http://127.0.0.1:9/charts' }, namesRelease: false },
  };
  const copy = structuredClone(document);
  for (const [path, { body, namesRelease }] of Object.entries(bodies)) {
    const operation = copy.paths[path]?.post;
    const media = operation?.requestBody?.content['application/json'];
    const name = operation?.parameters?.find((parameter) => parameter.in === 'path' && parameter.name === 'name');
    if (!media || (namesRelease && !name)) throw new Error(`the document has no POST ${path} with a JSON body${namesRelease ? ' and a path name' : ''}`);
    if (name) name.example = releases.name;
    // One example each: schemathesis's coverage phase varies it field by field (dryRun among them), and each
    // variation that applies runs helm, so more examples would cost seconds of the bounded run apiece.
    media.examples = { apply: { value: body } };
  }
  return copy;
}
