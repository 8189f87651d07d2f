/** The part of npm's `semver` this service uses (the package ships no types). */
declare module 'semver' {
  export function maxSatisfying(versions: readonly string[], range: string, options?: { loose?: boolean }): string | null;
  export function rcompare(a: string, b: string, options?: { loose?: boolean }): number;
  export function valid(version: string, options?: { loose?: boolean }): string | null;
  export function validRange(range: string, options?: { loose?: boolean }): string | null;
}
