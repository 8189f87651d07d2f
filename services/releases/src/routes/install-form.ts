import type { FastifyMultipartAttachFieldsToBodyOptions } from '@fastify/multipart';
import { chartArchiveMaxBytes } from '@platform/contracts';
import type { FastifyRequest } from 'fastify';

/**
 * `POST /api/releases` as multipart/form-data: the chart archive as a file part named `chart` (at most
 * chartArchiveMaxBytes, as the base64 form; a larger one is 413) and the JSON body's other fields as text
 * fields. Bounded in parts and field sizes, so a form costs no more than the JSON body it stands for.
 */
export const installFormOptions: FastifyMultipartAttachFieldsToBodyOptions = {
  attachFieldsToBody: 'keyValues',
  limits: { fileSize: chartArchiveMaxBytes, files: 1, fields: 16, parts: 17, fieldSize: 1024 * 1024 + 1024, fieldNameSize: 64, headerPairs: 16 },
};

/** Form fields that are booleans in the JSON body; any other text stays text for the schema to judge. */
const booleanFields = new Set(['createNamespace', 'dryRun']);

/**
 * A preValidation hook: the form's fields become the JSON body's shape (the file as the base64 `chart.archive`
 * the JSON form carries), so one schema and one install path judge both. Not a form: left as it is.
 */
export async function installBodyFromForm(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const form = (request.body ?? {}) as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(form)) {
    if (name === 'chart') body.chart = Buffer.isBuffer(value) ? { archive: value.toString('base64') } : value;
    else if (booleanFields.has(name) && (value === 'true' || value === 'false')) body[name] = value === 'true';
    else body[name] = value;
  }
  request.body = body;
}
