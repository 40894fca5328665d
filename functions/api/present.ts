/** Shapes domain objects into the Vonage v1 wire bodies (HAL, absolute links). */
import type { Conversation } from '../domain/conversations.ts';
import type { User } from '../domain/users.ts';

const link = (href: string) => ({ self: { href } });

export const conversationUrl = (base: string, id: string) => `${base}/v1/conversations/${id}`;
export const userUrl = (base: string, id: string) => `${base}/v1/users/${id}`;

export const presentConversation = (base: string, c: Conversation) => ({
  id: c.id,
  name: c.name,
  display_name: c.display_name ?? undefined,
  image_url: c.image_url ?? undefined,
  state: c.state,
  sequence_number: c.sequence_number,
  timestamp: c.timestamp,
  properties: c.properties,
  ...(c.numbers ? { numbers: c.numbers } : {}),
  ...(c.callback ? { callback: c.callback } : {}),
  _links: link(conversationUrl(base, c.id)),
});

export const presentConversationLite = (base: string, c: Conversation) => ({
  id: c.id,
  name: c.name,
  display_name: c.display_name ?? undefined,
  image_url: c.image_url ?? undefined,
  timestamp: c.timestamp,
  _links: link(conversationUrl(base, c.id)),
});

export const presentUser = (base: string, u: User) => ({
  id: u.id,
  name: u.name,
  display_name: u.display_name ?? undefined,
  image_url: u.image_url ?? undefined,
  properties: u.properties,
  channels: u.channels ?? {},
  timestamp: u.timestamp,
  _links: link(userUrl(base, u.id)),
});

export const presentUserLite = (base: string, u: User) => ({
  id: u.id,
  name: u.name,
  display_name: u.display_name ?? undefined,
  _links: link(userUrl(base, u.id)),
});
