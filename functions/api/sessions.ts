/**
 * What the Client SDKs ask of sessions over REST. Sessions live on the socket; here a token refresh (its
 * new token verified by the auth middleware, as every request) moves a session's end to the new token's,
 * and a user's sessions list as an empty page.
 */
import { requestError } from '../domain/errors.ts';
import { callerOf, sessionCallerOf } from '../http/auth.ts';
import { listPage, pageRequest } from '../http/paging.ts';
import { json } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { parley } from '../parley.ts';
import { parleySessions } from '../parley-sessions.ts';
import { actorOf } from './actor.ts';
import { pageQuery } from './schemas.ts';

/**
 * `PUT /v0.2/sessions/{session_id}`: the session, live or resumable, now ends when the bearer (a token of
 * its own user) does; 403 for another user's token, 404 for a session that has ended. @vonage reads
 * `session_id`.
 */
export const refresh = route({}, async ({ event, params }) => {
  await parleySessions.refresh(sessionCallerOf(callerOf(event)), params.session_id);
  return json(200, { session_id: params.session_id });
});

/** `GET /v0.3/users/{user_id}/sessions`: the user as `GET /v1/users/{id}` finds it; no session listed. */
export const ofUser = route({ query: pageQuery }, async ({ event, params, query }) => {
  await parley.users.get(actorOf(event), params.user_id);
  return listPage(event, pageRequest(event, query), { items: [] }, 'sessions', () => ({}));
});

/** In-app voice (`POST /beta/conversations/{id}/rtc`, `POST /v0.3/legs`): 400 http:error:not-implemented, nothing written. */
export const noMedia = route({}, async () => {
  throw requestError.noMedia();
});
