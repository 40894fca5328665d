/** `GET /beta/conversations/{id}` and `GET /v0.1/conversations/{id}`: the 2017 shape, members inline. */
import { config } from '../config.ts';
import { baseUrl } from '../http/paging.ts';
import { json } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { parley } from '../parley.ts';
import { actorOf } from './actor.ts';
import { presentLegacyConversation } from './present-voice.ts';

/** Members written together (a call's caller and its target): who joined by itself comes first. */
const invitedRank = (m: { initiator: { invited?: unknown } }): number => (m.initiator.invited ? 1 : 0);

const getAt = (prefix: '/beta' | '/v0.1') =>
  route({}, async ({ event, params }) => {
    const call = await parley.conversations.withMembers(actorOf(event), params.conversation_id);
    const members = [...call.members].sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || invitedRank(a) - invitedRank(b),
    );
    return json(
      200,
      presentLegacyConversation(baseUrl(event, config().publicBaseUrl), prefix, call.conversation, members),
    );
  });

export const getBeta = getAt('/beta');
export const getV01 = getAt('/v0.1');
