/**
 * `GET /beta|v0.1/conversations`: the 2017 list, paged by `record_index`; and
 * `GET /beta|v0.1/conversations/{id}`: the 2017 shape, members inline.
 */
import { linkBase } from '../http/paging.ts';
import { json } from '../http/respond.ts';
import { route } from '../http/route.ts';
import { parley } from '../parley.ts';
import { actorOf } from './actor.ts';
import { presentLegacyConversation, presentLegacyConversationList } from './present-voice.ts';
import { legacyListConversationsQuery } from './schemas.ts';

/** Members written together (a call's caller and its target): who joined by itself comes first. */
const invitedRank = (m: { initiator: { invited?: unknown } }): number => (m.initiator.invited ? 1 : 0);

const getAt = (prefix: '/beta' | '/v0.1') =>
  route({}, async ({ event, params }) => {
    const call = await parley.conversations.withMembers(actorOf(event), params.conversation_id);
    const members = [...call.members].sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || invitedRank(a) - invitedRank(b),
    );
    return json(200, presentLegacyConversation(linkBase(event), prefix, call.conversation, members));
  });

export const getBeta = getAt('/beta');
export const getV01 = getAt('/v0.1');

const listAt = (prefix: '/beta' | '/v0.1') =>
  route({ query: legacyListConversationsQuery }, async ({ event, query }) => {
    const pageSize = query.page_size ?? 10;
    const recordIndex = query.record_index ?? 0;
    const order = query.order ?? 'asc';
    const page = await parley.conversations.listByOffset(actorOf(event), {
      order,
      pageSize,
      recordIndex,
      dateStart: query.date_start,
      dateEnd: query.date_end,
    });
    const kept: Record<string, string> = { order };
    for (const name of ['date_start', 'date_end'] as const) {
      const raw = event.queryStringParameters?.[name];
      if (raw !== undefined) kept[name] = raw;
    }
    return json(
      200,
      presentLegacyConversationList(linkBase(event), prefix, page.items, {
        pageSize,
        recordIndex,
        more: page.more,
        query: kept,
      }),
    );
  });

export const listBeta = listAt('/beta');
export const listV01 = listAt('/v0.1');
