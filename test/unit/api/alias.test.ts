import { describe, expect, it } from 'vitest';
import { aliasBody, REPLIES } from '../../../functions/api/alias.ts';
import { aliases } from '../../../functions/api/aliases.ts';
import { contracts } from '../../../functions/api/contracts.ts';

const links = { first: { href: 'f' }, self: { href: 's' } };

describe('Table: aliases', () => {
  it('names each alias by its own version and the path of the endpoint it serves', () => {
    // Assess
    expect(aliases['GET /beta2/conversations/{conversation_id}/events']).toEqual({
      of: 'GET /v1/conversations/{conversation_id}/events',
      reply: 'beta2',
      request: undefined,
    });
    expect(aliases['DELETE /v0.2/conversations/{conversation_id}/members/{member_id}']?.of).toBe(
      'PATCH /v1/conversations/{conversation_id}/members/{member_id}',
    );
    for (const [key, alias] of Object.entries(aliases)) {
      expect(key, key).toMatch(/^[A-Z]+ \/(beta2?|v0\.[23])\//);
      expect(Object.hasOwn(contracts, alias.of), key).toBe(true);
      expect(Object.hasOwn(contracts, key), key).toBe(false);
    }
  });
});

describe('Function: aliasBody', () => {
  it('drops the SDKs’ cid, originating_session and nulls, at every depth', () => {
    // Act
    const body = aliasBody({
      cid: 'CON-1',
      originating_session: 'S',
      name: 'n',
      display_name: null,
      properties: { ttl: null, custom_data: { a: 1, b: null } },
      list: [{ x: null, y: 2 }],
    });

    // Assess
    expect(body).toEqual({ name: 'n', properties: { custom_data: { a: 1 } }, list: [{ y: 2 }] });
  });

  it('turns a leave into {state: left}, and a join into its state (joined unless given) and from', () => {
    expect(aliasBody(undefined, 'leave')).toEqual({ state: 'left' });
    expect(aliasBody({ channel: { type: 'app' }, from: 'MEM-1', state: null }, 'join')).toEqual({
      state: 'joined',
      from: 'MEM-1',
    });
    expect(aliasBody({ state: 'left' }, 'join')).toEqual({ state: 'left', from: undefined });
  });

  it('passes on what is not a JSON object as it came, for the endpoint to refuse', () => {
    expect(aliasBody([1, 2])).toEqual([1, 2]);
    expect(aliasBody('text')).toBe('text');
  });
});

describe('Table: REPLIES', () => {
  it('uuid adds uuid beside id', () => {
    expect(REPLIES.uuid({ id: 'CON-1', name: 'n' })).toEqual({ id: 'CON-1', name: 'n', uuid: 'CON-1' });
  });

  it('beta2 moves the items under _embedded.data, the bare events list as data.events', () => {
    expect(REPLIES.beta2({ page_size: 1, _embedded: { members: [{ id: 'MEM-1' }] }, _links: links })).toEqual(
      {
        page_size: 1,
        _embedded: { data: { members: [{ id: 'MEM-1' }] } },
        _links: links,
      },
    );
    expect(REPLIES.beta2({ page_size: 1, _embedded: [{ id: 1 }], _links: links })._embedded).toEqual({
      data: { events: [{ id: 1 }] },
    });
  });

  it("beta2:conversations gives each conversation its member's member_id and state", () => {
    const reply = REPLIES['beta2:conversations']({
      page_size: 1,
      _embedded: {
        conversations: [{ id: 'CON-1', state: 'ACTIVE', _embedded: { id: 'MEM-1', state: 'INVITED' } }],
      },
      _links: links,
    });
    expect(reply._embedded.data.conversations).toEqual([
      { id: 'CON-1', state: 'INVITED', member_id: 'MEM-1', _embedded: { id: 'MEM-1', state: 'INVITED' } },
    ]);
  });

  it("v0.3:events embeds the events as _embedded.events, a receipt's or deletion's event_id as a number, custom bodies as they are", () => {
    const reply = REPLIES['v0.3:events']({
      page_size: 2,
      _embedded: [
        { id: 2, type: 'event:delete', body: { event_id: '1' } },
        { id: 3, type: 'custom:x', body: { event_id: '7' } },
        { id: 4, type: 'message', body: { text: 'x' } },
      ],
      _links: links,
    });
    expect(reply._embedded.events.map((e: { body: unknown }) => e.body)).toEqual([
      { event_id: 1 },
      { event_id: '7' },
      { text: 'x' },
    ]);
  });

  it("v0.3:conversations puts each conversation's member under _embedded.member", () => {
    const reply = REPLIES['v0.3:conversations']({
      page_size: 1,
      _embedded: { conversations: [{ id: 'CON-1', _embedded: { id: 'MEM-1', state: 'JOINED' } }] },
      _links: links,
    });
    expect(reply._embedded.conversations[0]._embedded).toEqual({ member: { id: 'MEM-1', state: 'JOINED' } });
  });
});
