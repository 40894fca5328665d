import { describe, expect, it } from 'vitest';
import {
  ackFrame,
  connectFrame,
  decodeFrame,
  disconnectFrame,
  eventFrame,
  openFrame,
  pingFrame,
  pongFrame,
} from '../../../functions/socket/codec.ts';
import { pushedEvent } from '../../../functions/socket/present.ts';

describe('Module: socket codec', () => {
  describe('Method: the frames Parley sends', () => {
    it('opens with the sid and heartbeat the client adopts, then connects with the sid (engine.io 4)', () => {
      const open = openFrame('abc=', { pingIntervalMs: 240_000, pingTimeoutMs: 180_000 });
      expect(open[0]).toBe('0');
      expect(JSON.parse(open.slice(1))).toEqual({
        sid: 'abc=',
        upgrades: [],
        pingInterval: 240_000,
        pingTimeout: 180_000,
        maxPayload: 32 * 1024,
      });
      expect(connectFrame('abc=', 4)).toBe('40{"sid":"abc="}');
      expect(connectFrame('abc=', 3)).toBe('40');
    });

    it('frames events, acks, pings and the server disconnect as socket.io does', () => {
      expect(eventFrame('message', { id: 1 })).toBe('42["message",{"id":1}]');
      expect(ackFrame(7)).toBe('437[]');
      expect(pingFrame()).toBe('2');
      expect(pongFrame()).toBe('3');
      expect(disconnectFrame()).toBe('41');
    });
  });

  describe('Method: decodeFrame', () => {
    it('reads what clients send', () => {
      expect(decodeFrame('2')).toEqual({ kind: 'ping' });
      expect(decodeFrame('3')).toEqual({ kind: 'pong' });
      expect(decodeFrame('40')).toEqual({ kind: 'connect' });
      expect(decodeFrame('41')).toEqual({ kind: 'disconnect' });
      expect(decodeFrame('42["session:logout",{"tid":3,"body":{}}]')).toEqual({
        kind: 'event',
        name: 'session:logout',
        data: { tid: 3, body: {} },
      });
      expect(decodeFrame('425["x",{}]')).toMatchObject({ kind: 'event', name: 'x', ackId: 5 });
      expect(decodeFrame('43[]')).toEqual({ kind: 'ack' });
    });

    it('calls anything malformed invalid instead of throwing', () => {
      for (const frame of ['', 'x', '42[', '42{"a":1}', '42[1,2]', '4', '9'])
        expect(['invalid', 'other']).toContain(decodeFrame(frame).kind);
      expect(decodeFrame('42[').kind).toBe('invalid');
      expect(decodeFrame('42[1,2]').kind).toBe('invalid');
    });
  });

  describe('Method: pushedEvent', () => {
    it('is the REST body plus cid, and a member event comes from the member it is about', () => {
      const pushed = pushedEvent('http://x', {
        conversationId: 'CON-1',
        event: {
          id: 3,
          type: 'member:invited',
          from: 'MEM-inviter',
          body: { member_id: 'MEM-bob', user: { id: 'USR-bob' } },
          timestamp: '2026-01-01T00:00:00.000Z',
        },
      });
      expect(pushed).toMatchObject({ id: 3, from: 'MEM-bob', cid: 'CON-1', conversation_id: 'CON-1' });
      expect(pushed.body.media).toEqual({
        audio_settings: { enabled: false, earmuffed: false, muted: false },
        audio: false,
      });
    });
  });
});
