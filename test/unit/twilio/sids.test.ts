import { describe, expect, it } from 'vitest';
import { conversationSid, memberSid, messageSid, userSid } from '../../../functions/twilio/sids.ts';

const CON = 'CON-0f8e2c4a-1b3d-4e5f-8a9b-0c1d2e3f4a5b';

describe('Twilio SIDs', () => {
  it('map Parley ids one to one: CH, MB, US are the uuid hex', () => {
    // Act
    const sid = conversationSid.encode(CON);
    // Assess
    expect(sid).toBe('CH0f8e2c4a1b3d4e5f8a9b0c1d2e3f4a5b');
    expect(conversationSid.decode(sid)).toBe(CON);
    expect(conversationSid.decode(sid.toUpperCase().replace(/^CH/, 'CH'))).toBe(CON);
    expect(memberSid.decode(memberSid.encode('MEM-0f8e2c4a-1b3d-4e5f-8a9b-0c1d2e3f4a5b'))).toBe(
      'MEM-0f8e2c4a-1b3d-4e5f-8a9b-0c1d2e3f4a5b',
    );
    expect(userSid.encode('USR-0f8e2c4a-1b3d-4e5f-8a9b-0c1d2e3f4a5b')).toBe(
      'US0f8e2c4a1b3d4e5f8a9b0c1d2e3f4a5b',
    );
  });

  it('read anything else as no SID: a unique name, another prefix, a short or non-hex tail', () => {
    // Assess
    expect(conversationSid.decode('support-chat')).toBeUndefined();
    expect(conversationSid.decode('MB0f8e2c4a1b3d4e5f8a9b0c1d2e3f4a5b')).toBeUndefined();
    expect(conversationSid.decode('CH0f8e')).toBeUndefined();
    expect(conversationSid.decode(`CH${'z'.repeat(32)}`)).toBeUndefined();
  });

  it('name a message by its conversation and index, and refuse it under another conversation', () => {
    // Act
    const sid = messageSid.encode(CON, 42);
    // Assess
    expect(sid).toMatch(/^IM[0-9a-f]{32}$/);
    expect(messageSid.decode(CON, sid)).toBe(42);
    expect(messageSid.decode('CON-1f8e2c4a-1b3d-4e5f-8a9b-0c1d2e3f4a5b', sid)).toBeUndefined();
    expect(messageSid.decode(CON, messageSid.encode(CON, 0))).toBeUndefined();
    expect(messageSid.decode(CON, 'IMnope')).toBeUndefined();
  });
});
