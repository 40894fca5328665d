import type { Method } from '@middy/http-router';
import type { Handler } from 'aws-lambda';
import * as conversations from './conversations.ts';
import * as events from './events.ts';
import * as legacy from './legacy.ts';
import * as legs from './legs.ts';
import * as members from './members.ts';
import * as numbers from './numbers.ts';
import * as users from './users.ts';

export interface RouteDef {
  method: Method;
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: each route's middy stack has its own event typing
  handler: Handler<any, any>;
}

/** Every endpoint of the REST API, served by the one API Lambda. */
export const routes: RouteDef[] = [
  { method: 'GET', path: '/v1/conversations', handler: conversations.list },
  { method: 'POST', path: '/v1/conversations', handler: conversations.create },
  { method: 'GET', path: '/v1/conversations/{conversation_id}', handler: conversations.get },
  { method: 'PUT', path: '/v1/conversations/{conversation_id}', handler: conversations.update },
  { method: 'DELETE', path: '/v1/conversations/{conversation_id}', handler: conversations.remove },

  { method: 'GET', path: '/v1/conversations/{conversation_id}/members', handler: members.list },
  { method: 'POST', path: '/v1/conversations/{conversation_id}/members', handler: members.create },
  // Before `{member_id}`: dynamic routes match in order.
  { method: 'GET', path: '/v1/conversations/{conversation_id}/members/me', handler: members.me },
  { method: 'GET', path: '/v1/conversations/{conversation_id}/members/{member_id}', handler: members.get },
  {
    method: 'PATCH',
    path: '/v1/conversations/{conversation_id}/members/{member_id}',
    handler: members.update,
  },

  { method: 'GET', path: '/v1/conversations/{conversation_id}/events', handler: events.list },
  { method: 'POST', path: '/v1/conversations/{conversation_id}/events', handler: events.create },
  { method: 'GET', path: '/v1/conversations/{conversation_id}/events/{event_id}', handler: events.get },
  { method: 'DELETE', path: '/v1/conversations/{conversation_id}/events/{event_id}', handler: events.remove },

  { method: 'GET', path: '/v1/users', handler: users.list },
  { method: 'POST', path: '/v1/users', handler: users.create },
  { method: 'GET', path: '/v1/users/{user_id}', handler: users.get },
  { method: 'PATCH', path: '/v1/users/{user_id}', handler: users.update },
  { method: 'DELETE', path: '/v1/users/{user_id}', handler: users.remove },
  { method: 'GET', path: '/v1/users/{user_id}/conversations', handler: users.conversations },

  // ---- Voice: number routes, legs, and the legacy conversation view ----
  { method: 'GET', path: '/v1/numbers', handler: numbers.list },
  { method: 'GET', path: '/v1/numbers/{number}', handler: numbers.get },
  { method: 'PUT', path: '/v1/numbers/{number}', handler: numbers.put },
  { method: 'DELETE', path: '/v1/numbers/{number}', handler: numbers.remove },
  { method: 'GET', path: '/v1/legs/{leg_id}', handler: legs.get },
  { method: 'GET', path: '/v1/conversations/{conversation_id}/legs', handler: legs.listOfConversation },
  { method: 'GET', path: '/beta/conversations/{conversation_id}', handler: legacy.getBeta },
  { method: 'GET', path: '/v0.1/conversations/{conversation_id}', handler: legacy.getV01 },
];
