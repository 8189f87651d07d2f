import { AppError } from '@platform/service-kit';
import { ErrorCode } from '@platform/contracts';
import { parse } from 'yaml';

/**
 * Checks upgrade values before helm sees them: a YAML map, or empty (meaning "reuse the previous values",
 * as Helm does). Returns the parsed map, or undefined when empty.
 */
export function parseUpgradeValues(text: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = parse(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (error) {
    throw new AppError(422, ErrorCode.InvalidValues, [`values are not valid YAML: ${(error as Error).message.split('\n', 1)[0]}`]);
  }
  if (parsed === null || parsed === undefined) return undefined;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AppError(422, ErrorCode.InvalidValues, ['values must be a YAML map']);
  }
  return Object.keys(parsed).length === 0 ? undefined : (parsed as Record<string, unknown>);
}
