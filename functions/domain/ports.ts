/**
 * What the use-cases need from storage, and nothing of how it is stored. `functions/store/ports.ts`
 * implements every port with DynamoDB; unit tests implement them in memory. Readers return what is stored,
 * expired conversations included: whether a conversation still exists is the use-cases' decision
 * (`isGone` in conversations.ts), never a reader's.
 */
import type { Binding, BindingClaim, BindingOwner } from './bindings.ts';
import type { CallStore } from './calls.ts';
import type { Conversation, ConversationChanges } from './conversations.ts';
import type { ConversationEvent, NewEvent } from './events.ts';
import type { Leg } from './legs.ts';
import type { Member, MemberState } from './members.ts';
import type { NumberRoute } from './numbers.ts';
import type { Page, PageQuery } from './page.ts';
import type { ContextReader, StoredMember, TimelineContext } from './timeline-context.ts';
import type { User, UserRepository } from './users.ts';

export type { Page, PageCursor, PageQuery } from './page.ts';

export interface EventQuery extends PageQuery {
  startId?: number;
  endId?: number;
  types?: string[];
  /** With `types`: also events whose type starts with one of these (`custom:`). */
  typePrefixes?: string[];
  excludeDeleted?: boolean;
}

export interface MembershipQuery extends PageQuery {
  /** Only memberships in this state. */
  state?: MemberState;
  /** Leave out memberships that ended (a user token's own conversation list). */
  liveOnly?: boolean;
  /** Only memberships created at or after this ISO time. */
  dateStart?: string;
}

export interface Membership {
  conversation: Conversation;
  member: StoredMember;
}

/** Which user a list of memberships is read for: by id, or by name (a token's `sub`). */
export type UserRef = { id: string } | { name: string };

export interface MemberStore extends ContextReader {
  /**
   * Adds a live member and its event. Throws `memberExistsError` when the user already has a live member
   * in the conversation, and a retryable error when the conversation moved on since it was read.
   */
  add(write: {
    conversation: Conversation;
    member: Member;
    event: NewEvent;
    maxMembers: number;
    /** A binding this member takes (retryable when another member took it since it was read). */
    claim?: BindingClaim;
  }): Promise<void>;
  /** Replaces a member after a state change, with its event; retryable when either moved on. */
  change(write: {
    conversation: Conversation;
    previous: StoredMember;
    next: Member;
    event: NewEvent;
    memberDelta: number;
  }): Promise<void>;
}

/** What appending one event writes, decided against the conversation as it is when it commits. */
export interface EventDecision {
  event: NewEvent;
  messageDelta: number;
  /** The sender's read state after the event, when it moves. */
  senderNext?: Member;
}

export interface EventStore extends ContextReader {
  /**
   * Appends one event. `decide` runs against the conversation as it will be when the event commits (it may
   * run more than once, and throws to refuse). `sender` must still be JOINED when it commits; a moved read
   * state is written in the same transaction. Retryable when the sender moved on since `ctx` was loaded.
   */
  append(write: {
    ctx: TimelineContext;
    sender?: StoredMember;
    decide: (conversation: Conversation) => EventDecision;
  }): Promise<ConversationEvent>;
  /** Leaves a tombstone of `target` and appends `event`; retryable when the conversation moved on. */
  remove(write: { conversation: Conversation; target: ConversationEvent; event: NewEvent }): Promise<void>;
}

/** Conversations: create, read, update (with its event), remove. */
export interface ConversationRepository {
  /** Writes a new conversation and claims its name; throws `conflict.conversationName()` if taken. */
  create(conversation: Conversation): Promise<void>;
  get(id: string): Promise<Conversation | undefined>;
  /**
   * Sets `changes` on the conversation read as `previous` and appends `event` in the same transaction
   * (moving the name claim when the name changed; `conflict.conversationName()` when it is taken). On
   * commit, `next` is brought up to the stored sequence number and counters.
   */
  update(write: {
    previous: Conversation;
    next: Conversation;
    changes: ConversationChanges;
    event: NewEvent;
  }): Promise<void>;
  /**
   * Removes a conversation, its name claim and everything in its partition; false when there is none.
   * `decide` sees the conversation as read right before the delete, and throws to refuse it.
   */
  remove(id: string, decide: (conversation: Conversation) => void): Promise<boolean>;
}

export interface ConversationPorts extends ConversationRepository {
  /** Every conversation by creation time, optionally within a date range (ISO text). */
  list(query: PageQuery & { dateStart?: string; dateEnd?: string }): Promise<Page<Conversation>>;
  /** A conversation and all its members, in one read. */
  withMembers(id: string): Promise<{ conversation: Conversation; members: StoredMember[] } | undefined>;
}

export interface MemberPorts extends MemberStore {
  list(conversationId: string, query: PageQuery): Promise<Page<StoredMember>>;
  /**
   * One page of a user's memberships with their conversations, or undefined when there is no such user.
   * `allowed(userId)` is asked once the user's id is known; a false answer refuses with a permission error.
   */
  ofUser(
    user: UserRef,
    query: MembershipQuery,
    allowed?: (userId: string) => boolean,
  ): Promise<Page<Membership> | undefined>;
}

export interface EventPorts extends EventStore {
  list(conversationId: string, query: EventQuery): Promise<Page<ConversationEvent>>;
}

export interface UserPorts extends UserRepository {
  list(query: PageQuery): Promise<Page<User>>;
}

export interface LegPorts {
  get(id: string): Promise<Leg | undefined>;
  listOfConversation(conversationId: string, query: PageQuery): Promise<Page<Leg>>;
}

export interface NumberPorts {
  get(digits: string): Promise<NumberRoute | undefined>;
  /** Writes a route; `created` when there was none. */
  put(route: NumberRoute): Promise<{ created: boolean }>;
  /** False when there was none. */
  remove(digits: string): Promise<boolean>;
  list(query: PageQuery): Promise<Page<NumberRoute>>;
}

/**
 * Storage that only the Twilio Conversations root wires (the API Lambda carries none of it): lookups by
 * unique name and by binding, and message edits.
 */
export interface ExtensionPorts {
  /** The id of the conversation that claims `name`, when one does (expired ones included). */
  conversationIdByName(name: string): Promise<string | undefined>;
  /** The member that last claimed a binding, whether or not its claim still holds. */
  bindingOwner(binding: Binding): Promise<BindingOwner | undefined>;
  /**
   * Replaces the body of a message that is not deleted, marking it `edited`; false when it is gone or
   * deleted meanwhile.
   */
  editEvent(write: {
    conversationId: string;
    eventId: number;
    body: Record<string, unknown>;
    now: string;
  }): Promise<boolean>;
}

export interface Ports {
  /** Wired by the Twilio root only (see ExtensionPorts). */
  extensions?: ExtensionPorts;
  context: ContextReader;
  conversations: ConversationPorts;
  members: MemberPorts;
  events: EventPorts;
  users: UserPorts;
  legs: LegPorts;
  numbers: NumberPorts;
  calls: CallStore;
}

/** Who decides what a user token may do: Parley's membership rules, or (Vonage's way) the ACL alone. */
export type AuthorizationMode = 'membership' | 'acl';

export interface Settings {
  authorization: AuthorizationMode;
  maxMembersPerConversation: number;
  maxCallSeconds: number;
}

/** Everything a use-case runs with: storage, settings and the clock. */
export interface Deps {
  ports: Ports;
  settings: Settings;
  /** The current time, ISO 8601 with ms and `Z`. */
  now(): string;
}
