/**
 * The Twilio Conversations v1 routes: each parses Twilio's parameters, calls one use-case of
 * functions/parley-twilio.ts as an admin (Twilio credentials are server-side) and presents the result in
 * Twilio's JSON. `{ConversationSid}` may be a unique name, `{ParticipantSid}` an identity and `{UserSid}`
 * an identity, as in Twilio.
 */
import { addressUserName } from '../domain/bindings.ts';
import type { ConversationInput } from '../domain/conversations.ts';
import { DomainError, notFound, validationError } from '../domain/errors.ts';
import type { Page } from '../domain/page.ts';
import type { Membership } from '../domain/ports.ts';
import type { Actor } from '../domain/timeline-context.ts';
import { json, noContent } from '../http/respond.ts';
import type { RouteHandler } from '../http/route.ts';
import { type RouteDef, routeOfKey } from '../http/router.ts';
import type { ApiResult } from '../http/types.ts';
import { parleyTwilio } from '../parley-twilio.ts';
import { twilioContracts as c, type TwilioRouteKey } from './contracts.ts';
import { TwilioError } from './errors.ts';
import { twilioRoute } from './http.ts';
import { listResponse, pageOf } from './paging.ts';
import {
  presentConversation,
  presentMessage,
  presentParticipant,
  presentParticipantConversation,
  presentUser,
  presentUserConversation,
  presentWebhookConfiguration,
} from './present.ts';
import { type ConversationForm, WEBHOOK_CONFIGURATION_LISTS } from './schemas.ts';
import { conversationSid, memberSid, messageSid, SID_PATTERN, userSid } from './sids.ts';

const ADMIN: Actor = { kind: 'admin' };
const { conversations, members, events, users, webhooks } = parleyTwilio;

/** `{ConversationSid}`: a `CH…` SID, or else a unique name. */
const conversationIdOf = async (param: string): Promise<string> =>
  conversationSid.decode(param) ?? conversations.idByName(ADMIN, param);

/** `{ParticipantSid}`: an `MB…` SID, or else the identity of a chat participant. */
const memberIdOf = async (conversationId: string, param: string): Promise<string> =>
  memberSid.decode(param) ?? (await members.byName(ADMIN, conversationId, param)).member.id;

/** `{UserSid}`: a `US…` SID (Parley's user id), or else an identity (the user's name). */
const userRefOf = (param: string): string => userSid.decode(param) ?? param;

/** `{MessageSid}` of this conversation, as its event id. */
const eventIdOf = (conversationId: string, param: string): number => {
  const id = messageSid.decode(conversationId, param);
  if (id === undefined) throw notFound.event();
  return id;
};

/** Twilio refuses a unique name that could be taken for a SID (error 50390). */
const assertUniqueName = (name: string | undefined): void => {
  if (name !== undefined && SID_PATTERN.test(name))
    throw new TwilioError(50390, 400, 'A conversation unique name may not have the form of a SID.');
};

/** A conversation's fields from Twilio's parameters; timers are recorded (in seconds) and shown. */
const conversationInputOf = (form: ConversationForm): ConversationInput => {
  assertUniqueName(form.UniqueName);
  const properties: Record<string, unknown> = {};
  if (form.Attributes !== undefined) properties.custom_data = form.Attributes;
  if (form['Timers.Inactive'] !== undefined || form['Timers.Closed'] !== undefined)
    properties.timers = { inactive: form['Timers.Inactive'], closed: form['Timers.Closed'] };
  return {
    ...(form.UniqueName !== undefined ? { name: form.UniqueName } : {}),
    ...(form.FriendlyName !== undefined ? { display_name: form.FriendlyName } : {}),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
};

/** The last moment of a `YYYY-MM-DD` day, so an EndDate includes its day. */
const endOfDay = (day: string): string => `${day}T23:59:59.999Z`;

const present = <T>(result: T, shape: (r: T) => unknown, status = 200): ApiResult =>
  json(status, shape(result));

const def = <K extends TwilioRouteKey>(key: K, handler: RouteHandler): RouteDef => ({
  ...routeOfKey(key),
  handler,
});

/** A user's memberships for the Twilio lists (live ones only), empty for a user there is none of. */
const membershipsOf = async (
  ref: string,
  query: { pageSize: number; cursor?: Page<unknown>['next'] },
): Promise<Page<Membership>> => {
  try {
    return await users.conversations(ADMIN, ref, { order: 'asc', liveOnly: true, ...query });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'user:error:not-found') return { items: [] };
    throw error;
  }
};

export const twilioRoutes: RouteDef[] = [
  // ---- Conversations
  def(
    'POST /twilio/v1/Conversations',
    twilioRoute(c['POST /twilio/v1/Conversations'], async ({ body, root }) =>
      present(
        await conversations.create(ADMIN, conversationInputOf(body)),
        (x) => presentConversation(root, x),
        201,
      ),
    ),
  ),
  def(
    'GET /twilio/v1/Conversations',
    twilioRoute(c['GET /twilio/v1/Conversations'], async ({ event, query, origin, root }) => {
      const asked = pageOf(event, query);
      const page = await conversations.list(ADMIN, {
        order: 'asc',
        pageSize: asked.pageSize,
        cursor: asked.cursor,
        dateStart: query.StartDate && `${query.StartDate}T00:00:00.000Z`,
        dateEnd: query.EndDate && endOfDay(query.EndDate),
      });
      const wanted = query.State;
      const items = wanted
        ? page.items.filter((x) => (x.state === 'ACTIVE') === (wanted === 'active'))
        : page.items;
      return listResponse(event, origin, 'conversations', { ...page, items }, asked, (x) =>
        presentConversation(root, x),
      );
    }),
  ),
  def(
    'GET /twilio/v1/Conversations/{ConversationSid}',
    twilioRoute(c['GET /twilio/v1/Conversations/{ConversationSid}'], async ({ params, root }) => {
      const id = await conversationIdOf(params.ConversationSid);
      return present(await conversations.get(ADMIN, id), (x) => presentConversation(root, x));
    }),
  ),
  def(
    'POST /twilio/v1/Conversations/{ConversationSid}',
    twilioRoute(c['POST /twilio/v1/Conversations/{ConversationSid}'], async ({ params, body, root }) => {
      const id = await conversationIdOf(params.ConversationSid);
      const updated = await conversations.update(ADMIN, id, conversationInputOf(body));
      return present(updated, (x) => presentConversation(root, x));
    }),
  ),
  def(
    'DELETE /twilio/v1/Conversations/{ConversationSid}',
    twilioRoute(c['DELETE /twilio/v1/Conversations/{ConversationSid}'], async ({ params }) => {
      await conversations.remove(ADMIN, await conversationIdOf(params.ConversationSid));
      return noContent();
    }),
  ),

  // ---- Participants
  def(
    'POST /twilio/v1/Conversations/{ConversationSid}/Participants',
    twilioRoute(
      c['POST /twilio/v1/Conversations/{ConversationSid}/Participants'],
      async ({ params, body, root }) => {
        const id = await conversationIdOf(params.ConversationSid);
        const address = body['MessagingBinding.Address'];
        const proxyAddress = body['MessagingBinding.ProxyAddress'];
        if (body.Identity !== undefined && address !== undefined)
          throw validationError([
            { name: 'Identity', reason: '"Identity" and "MessagingBinding.Address" exclude each other' },
          ]);
        let added: Awaited<ReturnType<typeof members.get>>;
        if (body.Identity !== undefined) added = await members.addByName(ADMIN, id, body.Identity);
        else if (address !== undefined && proxyAddress !== undefined)
          added = await members.addBound(ADMIN, id, { address, proxyAddress });
        else
          throw validationError([
            {
              name: address === undefined ? 'Identity' : 'MessagingBinding.ProxyAddress',
              reason:
                address === undefined
                  ? 'either "Identity" or "MessagingBinding.Address" with "MessagingBinding.ProxyAddress" is required'
                  : '"MessagingBinding.ProxyAddress" is required with "MessagingBinding.Address"',
            },
          ]);
        return present(added.member, (x) => presentParticipant(root, x), 201);
      },
    ),
  ),
  def(
    'GET /twilio/v1/Conversations/{ConversationSid}/Participants',
    twilioRoute(
      c['GET /twilio/v1/Conversations/{ConversationSid}/Participants'],
      async ({ event, params, query, origin, root }) => {
        const id = await conversationIdOf(params.ConversationSid);
        const asked = pageOf(event, query);
        const page = await members.list(ADMIN, id, {
          order: 'asc',
          pageSize: asked.pageSize,
          cursor: asked.cursor,
        });
        const items = page.items.filter((m) => m.state !== 'LEFT');
        return listResponse(event, origin, 'participants', { ...page, items }, asked, (m) =>
          presentParticipant(root, m),
        );
      },
    ),
  ),
  def(
    'GET /twilio/v1/Conversations/{ConversationSid}/Participants/{ParticipantSid}',
    twilioRoute(
      c['GET /twilio/v1/Conversations/{ConversationSid}/Participants/{ParticipantSid}'],
      async ({ params, root }) => {
        const id = await conversationIdOf(params.ConversationSid);
        const sid = memberSid.decode(params.ParticipantSid);
        const { member } = sid
          ? await members.get(ADMIN, id, sid)
          : await members.byName(ADMIN, id, params.ParticipantSid);
        if (member.state === 'LEFT') throw notFound.member();
        return present(member, (m) => presentParticipant(root, m));
      },
    ),
  ),
  def(
    'POST /twilio/v1/Conversations/{ConversationSid}/Participants/{ParticipantSid}',
    twilioRoute(
      c['POST /twilio/v1/Conversations/{ConversationSid}/Participants/{ParticipantSid}'],
      async ({ params, body, root }) => {
        const id = await conversationIdOf(params.ConversationSid);
        const memberId = await memberIdOf(id, params.ParticipantSid);
        const index = body.LastReadMessageIndex;
        // Parley's read state: a `message:seen` receipt from the participant (it never moves back).
        if (index !== undefined && index > 0)
          await events.post(ADMIN, id, { type: 'message:seen', from: memberId, body: { event_id: index } });
        const { member } = await members.get(ADMIN, id, memberId);
        if (member.state === 'LEFT') throw notFound.member();
        return present(member, (m) => presentParticipant(root, m));
      },
    ),
  ),
  def(
    'DELETE /twilio/v1/Conversations/{ConversationSid}/Participants/{ParticipantSid}',
    twilioRoute(
      c['DELETE /twilio/v1/Conversations/{ConversationSid}/Participants/{ParticipantSid}'],
      async ({ params }) => {
        const id = await conversationIdOf(params.ConversationSid);
        await members.change(ADMIN, id, await memberIdOf(id, params.ParticipantSid), { state: 'left' });
        return noContent();
      },
    ),
  ),

  // ---- Messages
  def(
    'POST /twilio/v1/Conversations/{ConversationSid}/Messages',
    twilioRoute(
      c['POST /twilio/v1/Conversations/{ConversationSid}/Messages'],
      async ({ params, body, root }) => {
        const id = await conversationIdOf(params.ConversationSid);
        if (body.Body === undefined)
          throw validationError([{ name: 'Body', reason: '"Body" is required (media is not supported)' }]);
        const from = body.Author === undefined ? undefined : await authorMemberOf(id, body.Author);
        const posted = await events.post(ADMIN, id, {
          type: 'message',
          from,
          body: {
            message_type: 'text',
            text: body.Body,
            ...(body.Attributes !== undefined ? { custom_data: body.Attributes } : {}),
            // An author who is not a participant is kept as given, and the message is the system's.
            ...(body.Author !== undefined && from === undefined ? { author: body.Author } : {}),
          },
        });
        if (posted.id === undefined) throw new Error('a message was posted without an id');
        return present({ ...posted, id: posted.id }, (e) => presentMessage(root, id, e), 201);
      },
    ),
  ),
  def(
    'GET /twilio/v1/Conversations/{ConversationSid}/Messages',
    twilioRoute(
      c['GET /twilio/v1/Conversations/{ConversationSid}/Messages'],
      async ({ event, params, query, origin, root }) => {
        const id = await conversationIdOf(params.ConversationSid);
        const asked = pageOf(event, query);
        const order = query.Order ?? 'asc';
        const anchor = query.Anchor;
        const page = await events.list(ADMIN, id, {
          order,
          pageSize: asked.pageSize,
          cursor: asked.cursor,
          types: ['message'],
          excludeDeleted: true,
          ...(anchor !== undefined ? (order === 'desc' ? { endId: anchor } : { startId: anchor }) : {}),
        });
        return listResponse(event, origin, 'messages', page, asked, (e) => presentMessage(root, id, e));
      },
    ),
  ),
  def(
    'GET /twilio/v1/Conversations/{ConversationSid}/Messages/{MessageSid}',
    twilioRoute(
      c['GET /twilio/v1/Conversations/{ConversationSid}/Messages/{MessageSid}'],
      async ({ params, root }) => {
        const id = await conversationIdOf(params.ConversationSid);
        const message = await events.get(ADMIN, id, eventIdOf(id, params.MessageSid));
        if (message.type !== 'message' || message.deleted) throw notFound.event();
        return present(message, (e) => presentMessage(root, id, e));
      },
    ),
  ),
  def(
    'POST /twilio/v1/Conversations/{ConversationSid}/Messages/{MessageSid}',
    twilioRoute(
      c['POST /twilio/v1/Conversations/{ConversationSid}/Messages/{MessageSid}'],
      async ({ params, body, root }) => {
        const id = await conversationIdOf(params.ConversationSid);
        const edited = await events.edit(ADMIN, id, eventIdOf(id, params.MessageSid), {
          ...(body.Body !== undefined ? { text: body.Body } : {}),
          ...(body.Attributes !== undefined ? { custom_data: body.Attributes } : {}),
        });
        return present(edited, (e) => presentMessage(root, id, e));
      },
    ),
  ),
  def(
    'DELETE /twilio/v1/Conversations/{ConversationSid}/Messages/{MessageSid}',
    twilioRoute(
      c['DELETE /twilio/v1/Conversations/{ConversationSid}/Messages/{MessageSid}'],
      async ({ params }) => {
        const id = await conversationIdOf(params.ConversationSid);
        await events.remove(ADMIN, id, eventIdOf(id, params.MessageSid));
        return noContent();
      },
    ),
  ),

  // ---- Users
  def(
    'POST /twilio/v1/Users',
    twilioRoute(c['POST /twilio/v1/Users'], async ({ body, root }) => {
      const user = await users.create(ADMIN, {
        name: body.Identity,
        ...(body.FriendlyName !== undefined ? { display_name: body.FriendlyName } : {}),
        ...(body.Attributes !== undefined ? { properties: { custom_data: body.Attributes } } : {}),
      });
      return present(user, (u) => presentUser(root, u), 201);
    }),
  ),
  def(
    'GET /twilio/v1/Users',
    twilioRoute(c['GET /twilio/v1/Users'], async ({ event, query, origin, root }) => {
      const asked = pageOf(event, query);
      const page = await users.list(ADMIN, { order: 'asc', pageSize: asked.pageSize, cursor: asked.cursor });
      return listResponse(event, origin, 'users', page, asked, (view) => presentUser(root, view.user));
    }),
  ),
  def(
    'GET /twilio/v1/Users/{UserSid}',
    twilioRoute(c['GET /twilio/v1/Users/{UserSid}'], async ({ params, root }) =>
      present(await users.get(ADMIN, userRefOf(params.UserSid)), (view) => presentUser(root, view.user)),
    ),
  ),
  def(
    'POST /twilio/v1/Users/{UserSid}',
    twilioRoute(c['POST /twilio/v1/Users/{UserSid}'], async ({ params, body, root }) => {
      const user = await users.update(ADMIN, userRefOf(params.UserSid), {
        ...(body.FriendlyName !== undefined ? { display_name: body.FriendlyName } : {}),
        ...(body.Attributes !== undefined ? { properties: { custom_data: body.Attributes } } : {}),
      });
      return present(user, (u) => presentUser(root, u));
    }),
  ),
  def(
    'DELETE /twilio/v1/Users/{UserSid}',
    twilioRoute(c['DELETE /twilio/v1/Users/{UserSid}'], async ({ params }) => {
      await users.remove(ADMIN, userRefOf(params.UserSid));
      return noContent();
    }),
  ),
  def(
    'GET /twilio/v1/Users/{UserSid}/Conversations',
    twilioRoute(
      c['GET /twilio/v1/Users/{UserSid}/Conversations'],
      async ({ event, params, query, origin, root }) => {
        const asked = pageOf(event, query);
        const ref = userRefOf(params.UserSid);
        const page = await users.conversations(ADMIN, ref, {
          order: 'asc',
          liveOnly: true,
          pageSize: asked.pageSize,
          cursor: asked.cursor,
        });
        return listResponse(event, origin, 'conversations', page, asked, (m) =>
          presentUserConversation(root, m),
        );
      },
    ),
  ),
  def(
    'GET /twilio/v1/Users/{UserSid}/Conversations/{ConversationSid}',
    twilioRoute(
      c['GET /twilio/v1/Users/{UserSid}/Conversations/{ConversationSid}'],
      async ({ params, root }) => {
        const { user } = await users.get(ADMIN, userRefOf(params.UserSid));
        const id = await conversationIdOf(params.ConversationSid);
        const { member, conversation } = await members.byName(ADMIN, id, user.name);
        if (member.state === 'LEFT') throw notFound.member();
        return present({ conversation, member }, (m) => presentUserConversation(root, m));
      },
    ),
  ),
  def(
    'GET /twilio/v1/ParticipantConversations',
    twilioRoute(c['GET /twilio/v1/ParticipantConversations'], async ({ event, query, origin, root }) => {
      if ((query.Identity === undefined) === (query.Address === undefined))
        throw validationError([
          { name: 'Identity', reason: 'exactly one of "Identity" and "Address" is required' },
        ]);
      const asked = pageOf(event, query);
      const ref = query.Identity ?? addressUserName(query.Address ?? '');
      const page = await membershipsOf(ref, { pageSize: asked.pageSize, cursor: asked.cursor });
      return listResponse(event, origin, 'conversations', page, asked, (m) =>
        presentParticipantConversation(root, m),
      );
    }),
  ),

  // ---- Service-level webhooks (post-events, through the application webhooks pipeline)
  def(
    'GET /twilio/v1/Configuration/Webhooks',
    twilioRoute(c['GET /twilio/v1/Configuration/Webhooks'], async ({ root }) =>
      present(await webhooks.get(), (w) => presentWebhookConfiguration(root, w)),
    ),
  ),
  def(
    'POST /twilio/v1/Configuration/Webhooks',
    twilioRoute(
      { ...c['POST /twilio/v1/Configuration/Webhooks'], lists: WEBHOOK_CONFIGURATION_LISTS },
      async ({ body, root }) => {
        const updated = await webhooks.update({
          ...(body.Method !== undefined ? { method: body.Method } : {}),
          ...(body.Filters !== undefined ? { filters: body.Filters } : {}),
          ...(body.PostWebhookUrl !== undefined ? { postWebhookUrl: body.PostWebhookUrl } : {}),
          ...(body.PreWebhookUrl !== undefined ? { preWebhookUrl: body.PreWebhookUrl } : {}),
          ...(body.Target !== undefined ? { target: body.Target } : {}),
        });
        return present(updated, (w) => presentWebhookConfiguration(root, w));
      },
    ),
  ),
];

/**
 * The member a message's `Author` names: the chat participant of that identity, else the participant
 * reached at that address; undefined when no participant is (the message is then the system's).
 */
const authorMemberOf = async (conversationId: string, author: string): Promise<string | undefined> => {
  for (const name of [author, addressUserName(author)]) {
    try {
      const { member } = await members.byName(ADMIN, conversationId, name);
      if (member.state === 'JOINED') return member.id;
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'conversation:error:member-not-found'))
        throw error;
    }
  }
  return undefined;
};
