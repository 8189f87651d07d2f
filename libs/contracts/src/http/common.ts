import { z } from 'zod';

/**
 * The id a URL segment names, or null: digits only, at most 2^53 - 1. NumericId's rule, for a caller that
 * checks a path on every request without a schema's parse (the gateway's authorization).
 */
export function numericIdOf(raw: unknown): number | null {
  return typeof raw === 'string' && /^[0-9]{1,16}$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : null;
}

/**
 * A numeric id in a URL. Anything else (words, signs, more than 2^53) becomes NaN, which fails as a value
 * of the wrong type: 400/600 "could not process request", as the spec documents for an invalid id.
 */
export const NumericId = z.preprocess((raw) => numericIdOf(raw) ?? Number.NaN, z.number().int().nonnegative());

/** Query-string boolean as the original's schema decoder read it; other words fail to decode. */
export const QueryBoolean = z.preprocess(
  (raw) => (raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' || raw === '' ? false : raw),
  z.boolean(),
);

/** Query-string or body count (limit, skip, revision): a non-negative integer. */
export const Count = z.preprocess(
  (raw) => (typeof raw === 'string' ? (/^[0-9]{1,9}$/.test(raw) ? Number(raw) : Number.NaN) : raw),
  z.number().int().nonnegative().max(999_999_999),
);
