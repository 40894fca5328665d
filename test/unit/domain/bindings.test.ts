import { describe, expect, it } from 'vitest';
import {
  addressOfUserName,
  addressUserName,
  bindingOf,
  boundChannel,
  claimHolds,
} from '../../../functions/domain/bindings.ts';
import type { Conversation } from '../../../functions/domain/conversations.ts';

const NOW = '2026-12-01T12:00:00.000Z';

const conversation = (over: Partial<Conversation> = {}): Conversation => ({
  id: 'CON-0f8e2c4a-1b3d-4e5f-8a9b-0c1d2e3f4a5b',
  name: 'c',
  state: 'ACTIVE',
  sequence_number: 1,
  properties: {},
  timestamp: { created: NOW },
  ...over,
});

describe('Function: claimHolds', () => {
  it('holds while the conversation is ACTIVE and the member INVITED or JOINED', () => {
    // Assess
    expect(claimHolds(conversation(), { state: 'JOINED' }, NOW)).toBe(true);
    expect(claimHolds(conversation(), { state: 'INVITED' }, NOW)).toBe(true);
  });

  it('lets go once the member left, the conversation ended, expired or is gone', () => {
    // Assess
    expect(claimHolds(conversation(), { state: 'LEFT' }, NOW)).toBe(false);
    expect(claimHolds(conversation({ state: 'INACTIVE' }), { state: 'JOINED' }, NOW)).toBe(false);
    expect(claimHolds(conversation({ expires_at: NOW }), { state: 'JOINED' }, NOW)).toBe(false);
    expect(claimHolds(undefined, { state: 'JOINED' }, NOW)).toBe(false);
    expect(claimHolds(conversation(), undefined, NOW)).toBe(false);
  });
});

describe('Function: bindingOf', () => {
  it('reads back the binding of a bound channel, and none of an app or phone channel', () => {
    // Prepare
    const binding = { address: '+15550001', proxyAddress: '+15559999' };
    // Assess
    expect(bindingOf({ channel: boundChannel(binding) })).toEqual(binding);
    expect(bindingOf({ channel: { type: 'app' } })).toBeUndefined();
    expect(bindingOf({ channel: { type: 'phone', from: { type: 'phone', number: '1' } } })).toBeUndefined();
  });

  it('names the user of an address after it, and tells the address back', () => {
    // Assess
    expect(addressOfUserName(addressUserName('whatsapp:+1555'))).toBe('whatsapp:+1555');
    expect(addressOfUserName('alice')).toBeUndefined();
  });
});
