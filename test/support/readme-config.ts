import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type PlatformService = 'gateway' | 'users' | 'releases';
export const platformServices: readonly PlatformService[] = ['gateway', 'users', 'releases'];

export interface ReadmeVariable {
  name: string;
  services: PlatformService[];
  required: boolean;
}

/**
 * The README's configuration table, the one list of environment variables the services read: deployment
 * files (compose, the chart) are checked against it so they cannot drift from what the services expect.
 */
export async function readmeConfiguration(): Promise<ReadmeVariable[]> {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error('README.md has no "## Configuration" section');
  const variables: ReadmeVariable[] = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 5 || !cells[1]?.startsWith('`')) continue;
    const names = [...cells[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!);
    const services = cells[2] === 'all' ? [...platformServices] : platformServices.filter((s) => cells[2]!.includes(s));
    // "required" for every name, or one default per name ("required, `gw:`").
    const defaults = cells[3]!.split(',').map((value) => value.trim());
    names.forEach((name, index) => {
      const required = cells[3] === 'required' || (defaults.length === names.length && defaults[index] === 'required');
      variables.push({ name, services, required });
    });
  }
  if (variables.length === 0) throw new Error('README.md configuration table is empty');
  return variables;
}

/** The names a service reads and, among them, those it cannot start without. */
export async function variablesOf(service: PlatformService): Promise<{ known: Set<string>; required: Set<string> }> {
  const variables = (await readmeConfiguration()).filter((variable) => variable.services.includes(service));
  return {
    known: new Set(variables.map((variable) => variable.name)),
    required: new Set(variables.filter((variable) => variable.required).map((variable) => variable.name)),
  };
}
