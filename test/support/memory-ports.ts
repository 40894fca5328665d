/**
 * An in-memory implementation of every port of the domain (`functions/domain/ports.ts`), for unit tests of
 * the use-cases without DynamoDB Local. It keeps to the contract each port documents, the way the DynamoDB
 * store honours it: a write conditioned on what was read (the conversation's `sequence_number`, a member's
 * state, a leg's version) throws `ConversationChangedError` when that moved on; a taken name, a live
 * duplicate member and a missing conversation are refused with the domain's own errors. Readers hand out
 * copies, so a test cannot change the store by accident.
 *
 * Seeding (`seedUser`, `seedConversation`, `seedMember`, …) writes state directly and is not recorded;
 * every write through a port is recorded in `writes`, so a test can assert that a refused call wrote
 * nothing (`writes` empty, `snapshot()` unchanged).
 */
import { type Conversation, isGone } from '../../functions/domain/conversations.ts';
import { authError, conflict, DomainError, notFound } from '../../functions/domain/errors.ts';
import type { ConversationEvent, NewEvent } from '../../functions/domain/events.ts';
import type { IdempotencyRecord } from '../../functions/domain/idempotency.ts';
import { newId } from '../../functions/domain/ids.ts';
import { isTerminal, type Leg } from '../../functions/domain/legs.ts';
import {
  buildMember,
  isLive,
  type Member,
  type MemberState,
  memberExistsError,
  moveMember,
} from '../../functions/domain/members.ts';
import type { NumberRoute } from '../../functions/domain/numbers.ts';
import type {
  AuthorizationMode,
  Deps,
  Membership,
  Page,
  PageQuery,
  Ports,
} from '../../functions/domain/ports.ts';
import { ConversationChangedError } from '../../functions/domain/retry.ts';
import type {
  ContextRequest,
  StoredMember,
  TimelineContext,
} from '../../functions/domain/timeline-context.ts';
import type { User } from '../../functions/domain/users.ts';

/** The code of the DomainError a call was refused with, or `resolved` when it was not refused. */
export const codeOf = async (call: Promise<unknown>): Promise<string> => {
  try {
    await call;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'resolved';
};

/** The clock of `deps()` unless told otherwise. */
export const NOW = '2026-05-01T10:00:00.000Z';

const CONVERSATION_ID = /^CON-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const clone = <T>(value: T): T => (value === undefined ? value : structuredClone(value));

/** One page of `all`, by `sortKey`, with the same cursor semantics as the DynamoDB pager. */
const pageOf = <T>(all: T[], sortKey: (t: T) => string, query: PageQuery): Page<T> => {
  const backwards = query.cursor?.d === 'prev';
  const ascending = (query.order === 'asc') !== backwards;
  const sorted = [...all].sort((a, b) => {
    const [x, y] = [sortKey(a), sortKey(b)];
    return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
  });
  const from = query.cursor?.k.key;
  const rest =
    from === undefined ? sorted : sorted.filter((t) => (ascending ? sortKey(t) > from : sortKey(t) < from));
  const more = rest.length > query.pageSize;
  const items = rest.slice(0, query.pageSize);
  if (backwards) items.reverse();
  const page: Page<T> = { items: items.map(clone) };
  if (items.length > 0) {
    const hasNext = backwards ? true : more;
    const hasPrev = backwards ? more : query.cursor !== undefined;
    if (hasNext) page.next = { d: 'next', k: { key: sortKey(items[items.length - 1]) } };
    if (hasPrev) page.prev = { d: 'prev', k: { key: sortKey(items[0]) } };
  }
  return page;
};

/** The map under `key` in `outer`, made when missing. */
const inner = <K, V>(outer: Map<string, Map<K, V>>, key: string): Map<K, V> => {
  const found = outer.get(key);
  if (found) return found;
  const made = new Map<K, V>();
  outer.set(key, made);
  return made;
};

const eventSort = (id: number) => String(id).padStart(10, '0');

export interface MemoryDepsOptions {
  authorization?: AuthorizationMode;
  /** A fixed time, or a clock. */
  now?: string | (() => string);
  maxMembersPerConversation?: number;
  maxCallSeconds?: number;
}

export type SeedConversation = Partial<Conversation>;

export interface SeedMember {
  state?: MemberState;
  channel?: Member['channel'];
  /** The member's creation time (its user's membership sorts by it); defaults to the clock. */
  createdAt?: string;
}

export type MemoryPorts = ReturnType<typeof memoryPorts>;

export const memoryPorts = () => {
  const conversations = new Map<string, Conversation>();
  const conversationNames = new Map<string, string>();
  const users = new Map<string, User>();
  const userNames = new Map<string, string>();
  /** Members by conversation id, then member id. */
  const members = new Map<string, Map<string, StoredMember>>();
  /** The user's current member in a conversation (live, else the last it left), by `<conversation>|<user>`. */
  const pointers = new Map<string, StoredMember>();
  const events = new Map<string, Map<number, ConversationEvent>>();
  /** Legs by id (they outlive their conversation), and their copies in their conversation. */
  const legs = new Map<string, Leg>();
  const legCopies = new Map<string, Map<string, Leg>>();
  const numbers = new Map<string, NumberRoute>();
  /** Idempotency records by `<scope>|<key>` (the memory ports take no receipts: a test writes these). */
  const records = new Map<string, IdempotencyRecord>();

  /** Every write that went through a port, in order (`<port>.<operation> <id>`). */
  const writes: string[] = [];
  let interleaved: (() => void) | undefined;
  /** What runs once, right before the next write decides or commits (a concurrent writer). */
  const beforeNextWrite = (fn: () => void) => {
    interleaved = fn;
  };
  const interleave = () => {
    const fn = interleaved;
    interleaved = undefined;
    fn?.();
  };

  const pointerKey = (conversationId: string, userId: string) => `${conversationId}|${userId}`;
  const membersOf = (conversationId: string) => inner(members, conversationId);
  const eventsOf = (conversationId: string) => inner(events, conversationId);
  const legCopiesOf = (conversationId: string) => inner(legCopies, conversationId);
  const userByName = (name: string) => {
    const id = userNames.get(name);
    return id === undefined ? undefined : users.get(id);
  };

  const putMember = (m: Member, createdAt: string) => {
    const stored: StoredMember = { ...clone(m), createdAt };
    membersOf(m.conversation_id).set(m.id, stored);
    pointers.set(pointerKey(m.conversation_id, m.user_id), clone(stored));
  };
  const storeConversation = (c: Conversation) => {
    conversations.set(c.id, clone(c));
    conversationNames.set(c.name, c.id);
  };
  const storeUser = (u: User) => {
    users.set(u.id, clone(u));
    userNames.set(u.name, u.id);
  };

  /**
   * The timeline's one write: conditioned on the `sequence_number` read, it appends `events` with the next
   * ids and applies the counters and attributes to the conversation item.
   */
  const commitTimeline = (write: {
    conversation: Conversation;
    events: NewEvent[];
    memberDelta?: number;
    maxMembers?: number;
    messageDelta?: number;
    set?: Record<string, unknown>;
  }): ConversationEvent[] => {
    const head = conversations.get(write.conversation.id);
    if (!head || head.sequence_number !== write.conversation.sequence_number)
      throw new ConversationChangedError();
    const memberDelta = write.memberDelta ?? 0;
    if (
      memberDelta > 0 &&
      write.maxMembers !== undefined &&
      (head.member_count ?? 0) > write.maxMembers - memberDelta
    )
      throw new ConversationChangedError();
    return appendEvents(head, write);
  };

  /** Appends events to a stored head, unconditionally (the caller checked what it relies on). */
  const appendEvents = (
    head: Conversation,
    write: { events: NewEvent[]; memberDelta?: number; messageDelta?: number; set?: Record<string, unknown> },
  ): ConversationEvent[] => {
    const stored = write.events.map((e, i) => ({ ...clone(e), id: head.sequence_number + 1 + i }));
    for (const e of stored) eventsOf(head.id).set(e.id, e);
    const next: Conversation = {
      ...head,
      ...clone(write.set ?? {}),
      sequence_number: head.sequence_number + stored.length,
    };
    if (write.memberDelta) next.member_count = (head.member_count ?? 0) + write.memberDelta;
    if (write.messageDelta) next.message_count = (head.message_count ?? 0) + write.messageDelta;
    conversations.set(head.id, next);
    return stored.map(clone);
  };

  const sameMember = (stored: StoredMember | undefined, read: Member) =>
    stored !== undefined &&
    stored.state === read.state &&
    stored.last_seen_event_id === read.last_seen_event_id;

  const ports: Ports = {
    context: {
      load: async (request) => load(request),
    },

    conversations: {
      async create(c) {
        if (conversationNames.has(c.name)) throw conflict.conversationName();
        if (conversations.has(c.id)) throw new Error(`conversation ${c.id} exists`);
        storeConversation(c);
        writes.push(`conversations.create ${c.id}`);
      },
      get: async (id) => clone(conversations.get(id)),
      async update({ previous, next, changes, event: updated }) {
        interleave();
        const head = conversations.get(previous.id);
        if (!head || head.sequence_number !== previous.sequence_number) throw new ConversationChangedError();
        const renamed = previous.name !== next.name;
        if (renamed && conversationNames.has(next.name)) throw conflict.conversationName();
        const [event] = appendEvents({ ...head, ...clone(changes) }, { events: [updated] });
        if (renamed) {
          conversationNames.delete(previous.name);
          conversationNames.set(next.name, next.id);
        }
        // As the store does: the caller answers with `next`, which ends at the event just appended.
        next.sequence_number = event.id;
        writes.push(`conversations.update ${previous.id}`);
      },
      async remove(id, decide) {
        interleave();
        const head = conversations.get(id);
        if (!head) return false;
        decide(clone(head));
        conversations.delete(id);
        if (conversationNames.get(head.name) === id) conversationNames.delete(head.name);
        members.delete(id);
        for (const key of [...pointers.keys()]) if (key.startsWith(`${id}|`)) pointers.delete(key);
        events.delete(id);
        // A call's leg items stay (they guard retried webhooks); only their copies go with the partition.
        legCopies.delete(id);
        writes.push(`conversations.remove ${id}`);
        return true;
      },
      async list(query) {
        const all = [...conversations.values()].filter(
          (c) =>
            (query.dateStart === undefined || c.timestamp.created >= query.dateStart) &&
            (query.dateEnd === undefined || c.timestamp.created <= `${query.dateEnd}\uffff`),
        );
        return pageOf(all, (c) => `${c.timestamp.created}#${c.id}`, query);
      },
      async withMembers(id) {
        const conversation = conversations.get(id);
        if (!conversation) return undefined;
        const list = [...(members.get(id)?.values() ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1));
        return { conversation: clone(conversation), members: list.map(clone) };
      },
    },

    members: {
      load: async (request) => load(request),
      async add({ conversation, member, event, maxMembers }) {
        interleave();
        const existing = pointers.get(pointerKey(conversation.id, member.user_id));
        if (existing && isLive(existing)) throw memberExistsError(existing.state);
        commitTimeline({ conversation, events: [event], memberDelta: 1, maxMembers });
        putMember(member, member.timestamp.invited ?? member.timestamp.joined ?? event.timestamp);
        writes.push(`members.add ${member.id}`);
      },
      async change({ conversation, previous, next, event, memberDelta }) {
        interleave();
        if (!sameMember(members.get(conversation.id)?.get(previous.id), previous))
          throw new ConversationChangedError();
        commitTimeline({ conversation, events: [event], memberDelta });
        putMember(next, previous.createdAt);
        writes.push(`members.change ${previous.id}`);
      },
      async list(conversationId, query) {
        return pageOf([...(members.get(conversationId)?.values() ?? [])], (m) => m.id, query);
      },
      async ofUser(ref, query, allowed = () => true) {
        let user: User | undefined;
        if ('name' in ref) {
          user = userByName(ref.name);
          if (!user) return undefined;
          if (!allowed(user.id)) throw authError.permission();
        } else {
          if (!allowed(ref.id)) throw authError.permission();
          user = users.get(ref.id);
          if (!user) return undefined;
        }
        const userId = user.id;
        const mine = [...pointers.values()].filter(
          (m) =>
            m.user_id === userId &&
            (query.state === undefined || m.state === query.state) &&
            (!query.liveOnly || m.state !== 'LEFT') &&
            (query.dateStart === undefined || m.createdAt >= query.dateStart),
        );
        const page = pageOf(mine, (m) => `${m.createdAt}#${m.conversation_id}`, query);
        const items: Membership[] = [];
        for (const member of page.items) {
          const c = conversations.get(member.conversation_id);
          // A conversation deleted (not merely expired) is left out; expiry is the use-case's decision.
          if (c) items.push({ conversation: clone(c), member });
        }
        return { ...page, items };
      },
    },

    events: {
      load: async (request) => load(request),
      async append({ ctx, sender, decide }) {
        const id = ctx.conversation?.id;
        if (!id) throw new Error('append without a conversation');
        interleave();
        const head = conversations.get(id);
        if (!head) throw notFound.conversation();
        const { event, messageDelta, senderNext } = decide(clone(head));
        if (sender) {
          const stored = members.get(id)?.get(sender.id);
          if (stored?.state !== 'JOINED') throw new ConversationChangedError();
          // A horizon only moves forward: one that lost a race with a later receipt is decided again.
          if (senderNext && stored.last_seen_event_id >= senderNext.last_seen_event_id)
            throw new ConversationChangedError();
        }
        const [stored] = appendEvents(head, { events: [event], messageDelta });
        if (senderNext && sender) {
          const current = members.get(id)?.get(sender.id) as StoredMember;
          putMember(
            {
              ...current,
              last_seen_event_id: senderNext.last_seen_event_id,
              seen_message_count: senderNext.seen_message_count,
            },
            current.createdAt,
          );
        }
        writes.push(`events.append ${id}#${stored.id}`);
        return stored;
      },
      async remove({ conversation, target, event }) {
        interleave();
        const head = conversations.get(conversation.id);
        if (!head) throw notFound.conversation();
        const stored = events.get(conversation.id)?.get(target.id);
        if (!stored || stored.deleted) throw new ConversationChangedError();
        appendEvents(head, { events: [event] });
        eventsOf(conversation.id).set(target.id, { ...stored, deleted: event.timestamp, body: {} });
        writes.push(`events.remove ${conversation.id}#${target.id}`);
      },
      async list(conversationId, query) {
        const all = [...(events.get(conversationId)?.values() ?? [])].filter(
          (e) =>
            e.id >= (query.startId ?? 1) &&
            e.id <= (query.endId ?? 9_999_999_999) &&
            (!query.types ||
              query.types.length === 0 ||
              query.types.includes(e.type) ||
              (query.typePrefixes ?? []).some((p) => e.type.startsWith(p))) &&
            (!query.excludeDeleted || !e.deleted),
        );
        return pageOf(all, (e) => eventSort(e.id), query);
      },
    },

    users: {
      async create(u) {
        if (userNames.has(u.name) || users.has(u.id)) throw conflict.userName();
        storeUser(u);
        writes.push(`users.create ${u.id}`);
      },
      get: async (id) => clone(users.get(id)),
      getByName: async (name) => clone(userByName(name)),
      async update(ref, decide) {
        const previous = ref.startsWith('USR-') ? users.get(ref) : userByName(ref);
        if (!previous) throw notFound.user();
        const next = decide(clone(previous));
        if (previous.name !== next.name) {
          if (userNames.has(next.name)) throw conflict.userName();
          userNames.delete(previous.name);
        }
        storeUser(next);
        writes.push(`users.update ${previous.id}`);
        return clone(next);
      },
      async remove(ref) {
        const u = ref.startsWith('USR-') ? users.get(ref) : userByName(ref);
        if (!u) throw notFound.user();
        users.delete(u.id);
        userNames.delete(u.name);
        writes.push(`users.remove ${u.id}`);
      },
      list: async (query) => pageOf([...users.values()], (u) => `${u.timestamp.created}#${u.id}`, query),
    },

    legs: {
      get: async (id) => clone(legs.get(id)),
      listOfConversation: async (conversationId, query) =>
        pageOf([...(legCopies.get(conversationId)?.values() ?? [])], (l) => l.id, query),
    },

    numbers: {
      get: async (digits) => clone(numbers.get(digits)),
      async put(route) {
        const created = !numbers.has(route.number);
        numbers.set(route.number, clone(route));
        writes.push(`numbers.put ${route.number}`);
        return { created };
      },
      async remove(digits) {
        if (!numbers.delete(digits)) return false;
        writes.push(`numbers.remove ${digits}`);
        return true;
      },
      list: async (query) => pageOf([...numbers.values()], (r) => r.number, query),
    },

    idempotency: { get: async (scope, key) => clone(records.get(`${scope}|${key}`)) },

    calls: {
      async openLegsStartedBefore(cutoff, limit, start) {
        const page = pageOf(
          [...legs.values()].filter((l) => !isTerminal(l.status) && l.start_time < cutoff),
          (l) => `${l.start_time}#${l.id}`,
          { order: 'asc', pageSize: limit, cursor: start },
        );
        return { legs: page.items, next: page.next };
      },
      async findRouteAndLeg(number, callId) {
        return { route: number ? clone(numbers.get(number)) : undefined, leg: clone(legs.get(callId)) };
      },
      getLeg: async (id) => clone(legs.get(id)),
      async createCall(call) {
        interleave();
        const first = legs.get(call.leg.id);
        if (first) return clone(first);
        const { conversation } = call;
        if (conversations.has(conversation.id) || conversationNames.has(conversation.name))
          throw new Error(`conversation ${conversation.id} or its name exists`);
        storeConversation(conversation);
        for (const u of call.users) {
          if (users.has(u.id) || userNames.has(u.name)) throw new Error(`user ${u.name} exists`);
          storeUser(u);
        }
        for (const m of call.members) putMember(m, conversation.timestamp.created);
        for (const e of call.events) eventsOf(conversation.id).set(e.id, clone(e));
        legs.set(call.leg.id, clone(call.leg));
        legCopiesOf(conversation.id).set(call.leg.id, clone(call.leg));
        writes.push(`calls.createCall ${call.leg.id}`);
        return undefined;
      },
      async loadCall(conversationId, legId) {
        const conversation = conversations.get(conversationId);
        if (!conversation) return {};
        const list = [...(members.get(conversationId)?.values() ?? [])].sort((a, b) =>
          a.id < b.id ? -1 : 1,
        );
        return {
          call: { conversation: clone(conversation), members: list.map(clone) },
          leg: clone(legCopies.get(conversationId)?.get(legId)),
        };
      },
      async commitLegChange(change) {
        interleave();
        const { leg, legVersionRead, call } = change;
        const storedLeg = legs.get(leg.id);
        if (legVersionRead === undefined ? storedLeg !== undefined : storedLeg?.version !== legVersionRead)
          throw new ConversationChangedError();
        if (call) {
          for (const { previous } of change.members)
            if (!sameMember(members.get(call.conversation.id)?.get(previous.id), previous))
              throw new ConversationChangedError();
          if (change.events.length > 0 || change.members.length > 0)
            commitTimeline({
              conversation: call.conversation,
              events: change.events,
              memberDelta: change.memberCountDelta,
              set: change.conversationSet,
            });
          for (const { previous, next } of change.members) putMember(next, previous.createdAt);
          legCopiesOf(call.conversation.id).set(leg.id, clone(leg));
        }
        legs.set(leg.id, clone(leg));
        writes.push(`calls.commitLegChange ${leg.id}`);
      },
    },
  };

  /** The context reader: what the request names, as stored (expired conversations included). */
  const load = (request: ContextRequest): TimelineContext => {
    const cid = request.conversationId;
    if (!CONVERSATION_ID.test(cid)) return {};
    const conversation = conversations.get(cid);
    if (!conversation) return {};
    const ctx: TimelineContext = { conversation: clone(conversation) };
    if (request.memberId !== undefined) {
      const member = members.get(cid)?.get(request.memberId);
      if (member) ctx.member = clone(member);
    }
    if (request.callerName !== undefined) {
      const caller = userByName(request.callerName);
      if (caller) {
        ctx.callerUser = clone(caller);
        const pointer = pointers.get(pointerKey(cid, caller.id));
        if (pointer) ctx.callerMember = clone(pointer);
      }
    }
    if (request.userId !== undefined) {
      const user = users.get(request.userId);
      if (user) ctx.user = clone(user);
      const pointer = pointers.get(pointerKey(cid, request.userId));
      if (pointer) ctx.userMember = clone(pointer);
    } else if (request.userName !== undefined) {
      const user = userByName(request.userName);
      if (user) ctx.user = clone(user);
    }
    if (request.eventId !== undefined) {
      const event = events.get(cid)?.get(request.eventId);
      if (event) ctx.event = clone(event);
    }
    return ctx;
  };

  // Seeding: state written directly, not recorded in `writes`.
  let clock: () => string = () => NOW;

  const seedUser = (name: string, extra: Partial<User> = {}): User => {
    const user: User = {
      id: newId.user(),
      name,
      properties: {},
      timestamp: { created: clock() },
      ...extra,
    };
    storeUser(user);
    return clone(user);
  };

  const seedConversation = (extra: SeedConversation = {}): Conversation => {
    const conversation: Conversation = {
      id: newId.conversation(),
      name: newId.conversationName(),
      state: 'ACTIVE',
      sequence_number: 0,
      member_count: 0,
      message_count: 0,
      properties: {},
      timestamp: { created: clock() },
      ...extra,
    };
    storeConversation(conversation);
    return clone(conversation);
  };

  /** A member of `user` in the conversation, as if it had been added (and left, for LEFT); no event. */
  const seedMember = (conversationId: string, user: User, options: SeedMember = {}): StoredMember => {
    const head = conversations.get(conversationId);
    if (!head) throw new Error(`no conversation ${conversationId}`);
    const state = options.state ?? 'JOINED';
    const now = options.createdAt ?? clock();
    let member: Member = buildMember({
      conversationId,
      userId: user.id,
      userName: user.name,
      userDisplayName: user.display_name,
      state: state === 'INVITED' ? 'INVITED' : 'JOINED',
      channel: options.channel ?? { type: 'app' },
      initiator: { is_system: true },
      sequenceNumber: head.sequence_number,
      messageCount: head.message_count ?? 0,
      now,
    });
    if (state === 'LEFT')
      member = moveMember(member, {
        to: 'LEFT',
        initiator: { is_system: true },
        sequenceNumber: head.sequence_number,
        messageCount: head.message_count ?? 0,
        now,
      });
    putMember(member, now);
    if (isLive(member))
      conversations.set(conversationId, { ...head, member_count: (head.member_count ?? 0) + 1 });
    return { ...member, createdAt: now };
  };

  /** An event appended to the timeline (a `message` counts as one and gets its index); not recorded. */
  const seedEvent = (
    conversationId: string,
    event: Partial<NewEvent> & { type: string },
  ): ConversationEvent => {
    const head = conversations.get(conversationId);
    if (!head) throw new Error(`no conversation ${conversationId}`);
    const isMessage = event.type === 'message';
    const [stored] = appendEvents(head, {
      events: [
        {
          body: {},
          timestamp: clock(),
          ...(isMessage ? { message_index: (head.message_count ?? 0) + 1 } : {}),
          ...event,
        },
      ],
      messageDelta: isMessage ? 1 : 0,
    });
    return stored;
  };

  /** A leg, by id and in its conversation's partition (when the conversation exists). */
  const seedLeg = (leg: Leg): Leg => {
    legs.set(leg.id, clone(leg));
    if (conversations.has(leg.conversation_id)) legCopiesOf(leg.conversation_id).set(leg.id, clone(leg));
    return clone(leg);
  };

  const seedRoute = (route: NumberRoute): NumberRoute => {
    numbers.set(route.number, clone(route));
    return clone(route);
  };

  /** Use-case dependencies over these ports. */
  const deps = (options: MemoryDepsOptions = {}): Deps => {
    const { now } = options;
    clock = typeof now === 'function' ? now : () => now ?? NOW;
    return {
      ports,
      settings: {
        authorization: options.authorization ?? 'membership',
        maxMembersPerConversation: options.maxMembersPerConversation ?? 3000,
        maxCallSeconds: options.maxCallSeconds ?? 7200,
      },
      now: () => clock(),
    };
  };

  /** Everything stored, as plain data: equal before and after a call that wrote nothing. */
  const snapshot = () =>
    clone({
      conversations: Object.fromEntries(conversations),
      conversationNames: Object.fromEntries(conversationNames),
      users: Object.fromEntries(users),
      userNames: Object.fromEntries(userNames),
      members: Object.fromEntries([...members].map(([k, v]) => [k, Object.fromEntries(v)])),
      pointers: Object.fromEntries(pointers),
      events: Object.fromEntries([...events].map(([k, v]) => [k, Object.fromEntries(v)])),
      legs: Object.fromEntries(legs),
      legCopies: Object.fromEntries([...legCopies].map(([k, v]) => [k, Object.fromEntries(v)])),
      numbers: Object.fromEntries(numbers),
    });

  /** Changes a stored conversation directly (a concurrent writer, the clock passing its expiry); not recorded. */
  const patchConversation = (id: string, patch: Partial<Conversation>): void => {
    const head = conversations.get(id);
    if (!head) throw new Error(`no conversation ${id}`);
    conversations.set(id, { ...head, ...clone(patch) });
  };

  /** Changes a stored member (and its user's current member) directly; not recorded. */
  const patchMember = (conversationId: string, memberId: string, patch: Partial<Member>): void => {
    const member = members.get(conversationId)?.get(memberId);
    if (!member) throw new Error(`no member ${memberId}`);
    const next = { ...member, ...clone(patch) };
    membersOf(conversationId).set(memberId, next);
    const key = pointerKey(conversationId, member.user_id);
    if (pointers.get(key)?.id === memberId) pointers.set(key, clone(next));
  };

  return {
    ports,
    deps,
    patchConversation,
    patchMember,
    writes,
    snapshot,
    beforeNextWrite,
    seedUser,
    seedConversation,
    seedMember,
    seedEvent,
    seedLeg,
    seedRoute,
    /** Read back what is stored. */
    conversation: (id: string) => clone(conversations.get(id)),
    conversationNamed: (name: string) => {
      const id = conversationNames.get(name);
      return id === undefined ? undefined : clone(conversations.get(id));
    },
    user: (id: string) => clone(users.get(id)),
    userNamed: (name: string) => clone(userByName(name)),
    members: (conversationId: string) => [...(members.get(conversationId)?.values() ?? [])].map(clone),
    member: (conversationId: string, memberId: string) => clone(members.get(conversationId)?.get(memberId)),
    /** The user's current member in a conversation (what `members/me` answers). */
    currentMember: (conversationId: string, userId: string) =>
      clone(pointers.get(pointerKey(conversationId, userId))),
    events: (conversationId: string) =>
      [...(events.get(conversationId)?.values() ?? [])].sort((a, b) => a.id - b.id).map(clone),
    leg: (id: string) => clone(legs.get(id)),
    legsOf: (conversationId: string) => [...(legCopies.get(conversationId)?.values() ?? [])].map(clone),
    route: (digits: string) => clone(numbers.get(digits)),
    /** Stores an idempotency record, as a write with a receipt would. */
    putRecord: (r: IdempotencyRecord) => records.set(`${r.scope}|${r.key}`, clone(r)),
    /** Whether the conversation is past its expiry at the clock's time. */
    isGone: (id: string) => {
      const c = conversations.get(id);
      return c === undefined || isGone(c, clock());
    },
  };
};
