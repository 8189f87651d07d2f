import { NumericId } from '@platform/contracts';

/**
 * What a logged-in user may do with `/api/users/{id}...` (docs/api-decisions.md): only their own id; another user's
 * id is 403 `Forbidden`; an id that is not a number is the documented 400/600.
 */
export type UsersPathDecision = 'allow' | 'forbidden' | 'bad-id';

/** `rest` is the raw path after `/api/users/`, without the query string. */
export function authorizeUsersPath(rest: string, userId: number): UsersPathDecision {
  const id = NumericId.safeParse(rest.split('/', 1)[0]);
  if (!id.success) return 'bad-id';
  return id.data === userId ? 'allow' : 'forbidden';
}

/**
 * `.` and `..` segments, written plainly or percent-encoded, would let a path leave the prefix it was
 * authorized for once the upstream URL is normalized; no route of ours has them.
 */
export function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment));
}
