import { numericIdOf } from '@platform/contracts';

/**
 * What a logged-in user may do with `/api/users/{id}...` (docs/api-decisions.md): only their own id; another user's
 * id is 403 `Forbidden`; an id that is not a number is the documented 400/600.
 */
export type UsersPathDecision = 'allow' | 'forbidden' | 'bad-id';

/** `rest` is the raw path after `/api/users/`, without the query string. */
export function authorizeUsersPath(rest: string, userId: number): UsersPathDecision {
  const slash = rest.indexOf('/');
  const id = numericIdOf(slash < 0 ? rest : rest.slice(0, slash));
  if (id === null) return 'bad-id';
  return id === userId ? 'allow' : 'forbidden';
}

/** A whole segment that is `.` or `..`, each dot written plainly or as `%2e`. */
const dotSegment = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

/**
 * `.` and `..` segments, written plainly or percent-encoded, would let a path leave the prefix it was
 * authorized for once the upstream URL is normalized; no route of ours has them.
 */
export function hasDotSegment(path: string): boolean {
  return dotSegment.test(path);
}
