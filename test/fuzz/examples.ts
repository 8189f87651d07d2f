import type { FuzzReleases } from './fixture.js';

interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string; example?: unknown }>;
  requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> };
}
type OpenApiDocument = { paths: Record<string, Record<string, OpenApiOperation>> };

/**
 * The gateway's document with examples of upgrade and rollback naming a release the fixture installed: its
 * name, context and namespace, real values and revision, no plan token. Generated bodies almost never hit
 * that combination (a wrong storage, namespace or context, an invented plan token each refuse them), so
 * these let schemathesis's examples and coverage phases make the two operations apply, and plan, for real.
 * Only this run's copy of the document gets them: the fixture's names mean nothing in the contract.
 */
export function withReleaseExamples(document: OpenApiDocument, releases: FuzzReleases): OpenApiDocument {
  const { namespace, context } = releases.installs[0]!;
  const target = { context, namespace, storage: 'secret' };
  const bodies: Record<string, Record<string, unknown>> = {
    '/api/releases/{name}/upgrade': { ...target, values: 'message: fuzzed\n' },
    // Revision 1 exists whatever ran before; rolling back to the latest revision is allowed (Helm's too).
    '/api/releases/{name}/rollback': { ...target, revision: 1 },
  };
  const copy = structuredClone(document);
  for (const [path, body] of Object.entries(bodies)) {
    const operation = copy.paths[path]?.post;
    const media = operation?.requestBody?.content['application/json'];
    const name = operation?.parameters?.find((parameter) => parameter.in === 'path' && parameter.name === 'name');
    if (!media || !name) throw new Error(`the document has no POST ${path} with a path name and a JSON body`);
    name.example = releases.name;
    // One example each: schemathesis's coverage phase varies it field by field (dryRun among them), and each
    // variation that applies runs helm, so more examples would cost seconds of the bounded run apiece.
    media.examples = { apply: { value: body } };
  }
  return copy;
}
