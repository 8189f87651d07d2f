import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { renderSchema, schemaFile } from '../scripts/schema-source.js';

test('the committed client types are those of the current OpenAPI document', async () => {
  const committed = await readFile(schemaFile, 'utf8');
  assert.ok(committed === (await renderSchema()), 'libs/api-client/src/schema.ts is out of date: run `npm run generate -w @platform/api-client` and commit it');
});
