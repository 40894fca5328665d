/**
 * Every key of the single table is built here and nowhere else. The README's access-pattern table lists
 * the same patterns; keep the two in step.
 *
 * Item kinds (`_et`): conversation, conversation-listing, conversation-name, user, user-name, member,
 * member-of-user, event, leg, leg-of-conversation, number, binding, application, webhook-delivery,
 * idempotency, connection, session, dropped-session.
 */
export interface Key {
  pk: string;
  sk: string;
}

const EVENT_ID_WIDTH = 10;

/** Zero-pads an event id so that string order in the sort key is numeric order. */
export const padEventId = (id: number): string => String(id).padStart(EVENT_ID_WIDTH, '0');

/*
 * Sort keys inside a conversation's partition, in their order: the conversation (`CON`), its members
 * (`CON#MEM#…`), its legs (`CON#VOICE#LEG#…`), its events (`EVT#…`), its listing (`LISTING`), its users'
 * pointers (`USRMEM#…`).
 * Members and legs share the conversation's prefix so that the reads that need them with the conversation
 * (the legacy GET, the voice status webhook) are one Query of one contiguous range.
 */
const CONVERSATION_SK = 'CON';
const MEMBERS_PREFIX = 'CON#MEM#';
const LEGS_PREFIX = 'CON#VOICE#LEG#';

export const keys = {
  /** Conversation by id. */
  conversation: (id: string): Key => ({ pk: `CON#${id}`, sk: CONVERSATION_SK }),
  /**
   * Sort-key range of a conversation item and its members, which sort right after it: one Query reads a
   * conversation with its members, and none of its events, legs or pointers.
   */
  conversationWithMembers: { from: CONVERSATION_SK, to: `${MEMBERS_PREFIX}\uffff` },
  /** The same range extended to the conversation's legs, which sort right after its members. */
  conversationWithMembersAndLegs: { from: CONVERSATION_SK, to: `${LEGS_PREFIX}\uffff` },
  /** Uniqueness guard of a conversation name, written in the same transaction as the conversation. */
  conversationName: (name: string): Key => ({ pk: `CONNAME#${name}`, sk: 'CONNAME' }),
  /**
   * A conversation's entry in the list of all conversations: its own small item, written once at creation,
   * so that the conversation item carries no index key and its updates (every append) write no index entry.
   */
  conversationListing: (id: string): Key => ({ pk: `CON#${id}`, sk: 'LISTING' }),
  /** GSI1 partition of all conversations' listing items, sorted by creation time. */
  conversationsByCreated: { gsi1pk: 'CONS' },
  conversationCreatedSort: (created: string, id: string): string => `${created}#${id}`,

  /** User by id. */
  user: (id: string): Key => ({ pk: `USR#${id}`, sk: 'USR' }),
  /** Uniqueness guard of a user name; it also resolves a name (a token's `sub`) to the user id. */
  userName: (name: string): Key => ({ pk: `USRNAME#${name}`, sk: 'USRNAME' }),
  /** GSI1 partition of all users, sorted by creation time. */
  usersByCreated: { gsi1pk: 'USRS' },
  userCreatedSort: (created: string, id: string): string => `${created}#${id}`,

  /** Member by id, inside its conversation's partition. */
  member: (conversationId: string, memberId: string): Key => ({
    pk: `CON#${conversationId}`,
    sk: `${MEMBERS_PREFIX}${memberId}`,
  }),
  /** All members of a conversation: `begins_with(sk, membersPrefix)`. */
  membersPrefix: MEMBERS_PREFIX,
  /** The current member of one user in one conversation (at most one that is not LEFT). */
  memberOfUser: (conversationId: string, userId: string): Key => ({
    pk: `CON#${conversationId}`,
    sk: `USRMEM#${userId}`,
  }),
  /** GSI1 on the per-user pointer items: a user's conversations, sorted by when the membership began. */
  membershipsOfUser: (userId: string): { gsi1pk: string } => ({ gsi1pk: `USR#${userId}` }),
  membershipSort: (created: string, conversationId: string): string => `${created}#${conversationId}`,
  /**
   * The sort key of the user's own entry in its GSI1 partition (its name claim): before every membership,
   * whose sort keys begin with a date. `membershipsFrom` is where the memberships begin.
   */
  userEntrySort: '#USR',
  membershipsFrom: '0',

  /** Event by its integer id, inside its conversation's partition. */
  event: (conversationId: string, eventId: number): Key => ({
    pk: `CON#${conversationId}`,
    sk: `EVT#${padEventId(eventId)}`,
  }),
  eventSort: (eventId: number): string => `EVT#${padEventId(eventId)}`,
  eventsPrefix: 'EVT#',

  /** Call leg by its id (the provider's call id: Vonage `uuid`, Twilio `CallSid`). */
  leg: (legId: string): Key => ({ pk: `LEG#${legId}`, sk: 'LEG' }),
  /** The copy of a leg inside its conversation's partition (the conversation's legs in one query). */
  legOfConversation: (conversationId: string, legId: string): Key => ({
    pk: `CON#${conversationId}`,
    sk: `${LEGS_PREFIX}${legId}`,
  }),
  legsPrefix: LEGS_PREFIX,
  /** GSI1 partition of the legs that have not ended, sorted by start time (the sweeper's work list). */
  openLegs: { gsi1pk: 'LEGS#OPEN' },
  openLegSort: (started: string, legId: string): string => `${started}#${legId}`,
  /** The claim on an address + proxy address pair: the member (and conversation) that last took it. */
  binding: (address: string, proxyAddress: string): Key => ({
    pk: `BIND#${address}#PROXY#${proxyAddress}`,
    sk: 'BIND',
  }),
  /** Number route by E.164 digits. */
  number: (digits: string): Key => ({ pk: `NUM#${digits}`, sk: 'NUM' }),
  /** GSI1 partition of all number routes, sorted by their digits. */
  numbersByDigits: { gsi1pk: 'NUMS' },

  /**
   * The stored answer of a caller's Idempotency-Key. The scope is URI-encoded, so it holds no `#` and the
   * key after it cannot make two callers' keys one.
   */
  idempotency: (scope: string, key: string): Key => ({
    pk: `IDEM#${encodeURIComponent(scope)}#${key}`,
    sk: 'IDEM',
  }),
} as const;

/**
 * The keys of application webhooks: apart from `keys`, so that the Lambdas that never touch a webhook
 * item (the API's above all) do not carry them.
 */
export const webhookKeys = {
  /** The application's settings (Application API v2: the event URL, signed callbacks). */
  application: (applicationId: string): Key => ({ pk: `APP#${applicationId}`, sk: 'APP' }),
  /** The Twilio post-event webhook configuration, in the application's partition. */
  twilioWebhooks: (applicationId: string): Key => ({ pk: `APP#${applicationId}`, sk: 'TWHOOKS' }),
  /** One webhook delivery record by its id (`DLV-…`), with its attempts; expires by TTL. */
  webhookDelivery: (deliveryId: string): Key => ({ pk: `WHD#${deliveryId}`, sk: 'WHD' }),
  /** GSI1 partition of a conversation's webhook deliveries, sorted by creation time. */
  webhookDeliveriesOfConversation: (conversationId: string): { gsi1pk: string } => ({
    gsi1pk: `WHDCON#${conversationId}`,
  }),
  webhookDeliverySort: (created: string, deliveryId: string): string => `${created}#${deliveryId}`,
} as const;

/**
 * The keys of Client SDK socket sessions: apart from `keys`, so that the Lambdas that never touch a
 * connection (the API's above all) do not carry them.
 */
export const connectionKeys = {
  /**
   * A socket connection, in one of `CONNECTION_SHARDS` partitions chosen by its id: read by id in one Get,
   * and every connection (the heartbeat's round) in one Query per shard.
   */
  connection: (connectionId: string): Key => ({
    pk: `WSC#${connectionShard(connectionId)}`,
    sk: `WSC#${connectionId}`,
  }),
  connectionShard: (shard: number): string => `WSC#${shard}`,
  /** GSI1 on connection items: the live connections of a user. */
  connectionsOfUser: (userId: string): { gsi1pk: string } => ({ gsi1pk: `WSUSR#${userId}` }),
  connectionOfUserSort: (connectedAt: string, connectionId: string): string =>
    `${connectedAt}#${connectionId}`,
  /**
   * A session by its id: the connection that carries it while it is live (a token refresh finds it here),
   * then, once its socket dropped, the drop (kept with a TTL, so that a reconnect can resume it).
   */
  session: (sessionId: string): Key => ({ pk: `WSSES#${sessionId}`, sk: 'WSSES' }),
} as const;

/** How many partitions hold connection items (each takes its share of connects and disconnects). */
export const CONNECTION_SHARDS = 8;

/** The shard of a connection id: FNV-1a of its characters, modulo the shard count. */
function connectionShard(connectionId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < connectionId.length; i++) {
    hash ^= connectionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % CONNECTION_SHARDS;
}

/** The partition of one conversation: its item, its members, its events, its legs. */
export const conversationPartition = (conversationId: string): string => `CON#${conversationId}`;
