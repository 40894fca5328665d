/**
 * What the Client SDKs ask of sessions over REST. Sessions live on the socket; here a token refresh is
 * verified (by the auth middleware, as every request) and a user's sessions list as an empty page.
 */
import { requestError } from '../domain/errors.ts';
import { listPage, pageRequest } from '../http/paging.ts';
import { json } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { parley } from '../parley.ts';
import { actorOf } from './actor.ts';
import { pageQuery } from './schemas.ts';

/** `PUT /v0.2/sessions/{session_id}`: the new token, as the bearer, is valid; @vonage reads `session_id`. */
export const refresh = route({}, async ({ params }) => json(200, { session_id: params.session_id }));

/** `GET /v0.3/users/{user_id}/sessions`: the user as `GET /v1/users/{id}` finds it; no session listed. */
export const ofUser = route({ query: pageQuery }, async ({ event, params, query }) => {
  await parley.users.get(actorOf(event), params.user_id);
  return listPage(event, pageRequest(event, query), { items: [] }, 'sessions', () => ({}));
});

/** In-app voice (`POST /beta/conversations/{id}/rtc`, `POST /v0.3/legs`): 400 http:error:not-implemented, nothing written. */
export const noMedia = route({}, async () => {
  throw requestError.noMedia();
});
