import type { Actor } from '../domain/timeline-context.ts';
import { callerOf } from '../http/auth.ts';
import type { ApiEvent } from '../http/types.ts';

/** Who acts, as the member and event rules see it. */
export const actorOf = (event: ApiEvent): Actor => {
  const caller = callerOf(event);
  return caller.kind === 'admin' ? { kind: 'admin' } : { kind: 'user', name: caller.userName };
};
