import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderSchema, schemaFile } from './schema-source.js';

await writeFile(schemaFile, await renderSchema());
console.log(`wrote ${fileURLToPath(schemaFile)}`);
