import { DomainError } from './errors.ts';
import type { Receipt } from './idempotency.ts';
import { newId } from './ids.ts';

export interface UserChannels {
  [channel: string]: unknown[];
}

export interface User {
  id: string;
  name: string;
  display_name?: string | null;
  image_url?: string | null;
  properties: { custom_data?: Record<string, unknown> };
  channels?: UserChannels;
  timestamp: { created: string; updated?: string };
}

export interface UserInput {
  name?: string;
  display_name?: string | null;
  image_url?: string | null;
  properties?: { custom_data?: Record<string, unknown> };
  channels?: UserChannels;
}

export interface UserRepository {
  /** Writes a new user and claims its name; throws `conflict.userName()` if taken. */
  create(user: User, receipt?: Receipt<User>): Promise<void>;
  get(id: string): Promise<User | undefined>;
  getByName(name: string): Promise<User | undefined>;
  /**
   * Replaces the user an id (`USR-…`) or a name names with what `decide` makes of it as stored (moving its
   * name claim if the name changed), and returns it; `decide` may run again if the user changed meanwhile.
   * Throws `notFound.user()` when there is no such user, `conflict.userName()` on a taken name.
   */
  update(ref: string, decide: (current: User) => User, receipt?: Receipt<User>): Promise<User>;
  /** Removes the user an id or a name names; throws `notFound.user()` when there is none. */
  remove(ref: string, receipt?: Receipt<void>): Promise<void>;
}

/** Vonage: "Username must not be 'me' and it must not start with 'USR-'". */
export const assertValidUserName = (name: string): void => {
  if (name === 'me' || name.startsWith('USR-'))
    throw new DomainError(
      'user:error:invalid-user-name',
      "Username must not be 'me' and it must not start with 'USR-'.",
    );
};

export const buildUser = (input: UserInput, now: string): User => {
  const id = newId.user();
  if (input.name !== undefined) assertValidUserName(input.name);
  return {
    id,
    // Vonage names a user after its id when no name is given.
    name: input.name ?? id,
    display_name: input.display_name,
    image_url: input.image_url,
    properties: { ...(input.properties ?? {}) },
    channels: input.channels,
    timestamp: { created: now },
  };
};

export const applyUserUpdate = (current: User, input: UserInput, now: string): User => {
  if (input.name !== undefined && input.name !== current.name) assertValidUserName(input.name);
  return {
    ...current,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.display_name !== undefined ? { display_name: input.display_name } : {}),
    ...(input.image_url !== undefined ? { image_url: input.image_url } : {}),
    ...(input.properties !== undefined ? { properties: { ...current.properties, ...input.properties } } : {}),
    ...(input.channels !== undefined ? { channels: input.channels } : {}),
    timestamp: { ...current.timestamp, updated: now },
  };
};
