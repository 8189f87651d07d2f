import { isRecord } from './field-paths.js';

/**
 * Helm's coalescing of a chart's default values with the user's (what `helm get values --all` shows): the
 * user's value wins, maps merge key by key, and a user's null removes the default. Subcharts are not in
 * Helm's stored release, so only the chart's own defaults take part.
 */
export function computedValues(chartValues: unknown, userValues: unknown): Record<string, unknown> {
  return coalesce(isRecord(chartValues) ? chartValues : {}, isRecord(userValues) ? userValues : {});
}

function coalesce(defaults: Record<string, unknown>, user: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(defaults)) {
    if (!(key in user)) result[key] = structuredClone(value);
  }
  for (const [key, value] of Object.entries(user)) {
    if (value === null) continue;
    const fallback = defaults[key];
    result[key] = isRecord(value) && isRecord(fallback) ? coalesce(fallback, value) : structuredClone(value);
  }
  return result;
}
