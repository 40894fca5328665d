import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Bridge } from '../../functions/domain/calls.ts';
import type { DomainError } from '../../functions/domain/errors.ts';
import type { ApiEvent } from '../../functions/http/types.ts';
import type { Webhook } from '../../functions/voice/provider.ts';
import { twilio, twilioSignature, verifyTwilioSignature } from '../../functions/voice/providers/twilio.ts';
import { verifyVonageSignature, vonage } from '../../functions/voice/providers/vonage.ts';

const hook = (method: string, path: string, raw = '', headers: Record<string, string> = {}): Webhook => {
  const [rawPath, rawQueryString = ''] = path.split('?');
  return {
    event: {
      rawPath,
      rawQueryString,
      headers,
      body: raw,
      isBase64Encoded: false,
      requestContext: { http: { method, path: rawPath } },
    } as unknown as ApiEvent,
    raw,
    base: 'https://parley.example',
  };
};

const bridge: Bridge = {
  conversationId: 'CON-1',
  callerMemberId: 'MEM-a',
  calleeMemberId: 'MEM-b',
  forwardTo: '447700000003',
  callerNumber: '447700000001',
  ringTimeoutSeconds: 45,
  maxCallSeconds: 3600,
};

const thrown = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('did not throw');
};

describe('Provider: Vonage', () => {
  it('reads the answer webhook from a GET query string', () => {
    const parsed = vonage.parseAnswer(
      hook('GET', '/voice/vonage/answer?to=447700000002&from=447700000001&uuid=abc&conversation_uuid=CON-x'),
    );
    expect(parsed).toEqual({
      provider: 'vonage',
      callId: 'abc',
      from: '447700000001',
      to: '447700000002',
      providerParentId: 'CON-x',
    });
  });

  it('names every missing field of an answer webhook', () => {
    const error = thrown(() => vonage.parseAnswer(hook('POST', '/voice/vonage/answer', '{"to":"1"}')));
    expect(error.code).toBe('http:error:validation-fail');
    expect(error.invalidParameters?.map((p) => p.name)).toEqual(['uuid', 'from']);
  });

  it('reads a status event with the ids its callback URL carries, and call_uuid for machine detection', () => {
    const status = vonage.parseStatus(
      hook(
        'POST',
        '/voice/vonage/event?conversation_id=CON-1&member_id=MEM-b',
        JSON.stringify({
          uuid: 'u1',
          from: '1',
          to: '2',
          status: 'completed',
          end_time: '2026-03-01T10:01:00.000Z',
          duration: '60',
        }),
      ),
    );
    expect(status).toMatchObject({
      kind: 'status',
      report: {
        callId: 'u1',
        status: 'completed',
        at: '2026-03-01T10:01:00.000Z',
        duration: 60,
        conversationId: 'CON-1',
        memberId: 'MEM-b',
      },
    });
    const amd = vonage.parseStatus(
      hook('POST', '/voice/vonage/event', '{"call_uuid":"u2","status":"machine"}'),
    );
    expect(amd).toMatchObject({ kind: 'status', report: { callId: 'u2', status: 'machine' } });
    const other = vonage.parseStatus(
      hook('POST', '/voice/vonage/event', '{"uuid":"u3","from":"1","to":"2","status":"transfer"}'),
    );
    expect(other).toEqual({ kind: 'ignored', callId: 'u3', status: 'transfer' });
  });

  it('renders an NCCO connect, with the route caller id as from when there is one', () => {
    const r = vonage.renderer('https://parley.example');
    const ncco = JSON.parse(r.bridge({ ...bridge, callerId: '447700000002' }).body);
    expect(ncco).toEqual([
      {
        action: 'connect',
        from: '447700000002',
        timeout: 45,
        limit: 3600,
        eventUrl: ['https://parley.example/voice/vonage/event?conversation_id=CON-1&member_id=MEM-b'],
        eventMethod: 'POST',
        endpoint: [{ type: 'phone', number: '447700000003' }],
      },
    ]);
    expect(r.presentedCallerId(bridge)).toBeUndefined();
    expect(JSON.parse(r.reject().body)[0].action).toBe('talk');
  });

  it('verifies a signed-webhook JWT and the hash of the raw body', async () => {
    const secret = 'vonage-secret';
    const raw = '{"status":"started"}';
    const sign = (claims: Record<string, unknown>, key = secret) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt()
        .sign(new TextEncoder().encode(key));
    const hash = createHash('sha256').update(raw).digest('hex');
    expect(await verifyVonageSignature(`Bearer ${await sign({ payload_hash: hash })}`, raw, secret)).toBe(
      true,
    );
    expect(
      await verifyVonageSignature(`Bearer ${await sign({ payload_hash: hash })}`, `${raw} `, secret),
    ).toBe(false);
    expect(
      await verifyVonageSignature(`Bearer ${await sign({ payload_hash: hash }, 'other')}`, raw, secret),
    ).toBe(false);
    expect(await verifyVonageSignature(`Bearer ${await sign({})}`, raw, secret)).toBe(false);
    expect(await verifyVonageSignature(`Bearer ${await sign({})}`, '', secret)).toBe(true);
    expect(await verifyVonageSignature(undefined, raw, secret)).toBe(false);
    expect(await verifyVonageSignature('Bearer not.a.jwt', raw, secret)).toBe(false);
  });
});

describe('Provider: Twilio', () => {
  it("computes Twilio's documented example signature", () => {
    const fields = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675310',
      Digits: '1234',
      From: '+14158675310',
      To: '+18005551212',
    };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(twilioSignature('12345', url, fields)).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
    expect(verifyTwilioSignature('GvWf1cFY/Q7PnoempGyD5oXAezc=', '12345', url, fields)).toBe(true);
    expect(
      verifyTwilioSignature('GvWf1cFY/Q7PnoempGyD5oXAezc=', '12345', url, { ...fields, Digits: '1' }),
    ).toBe(false);
    expect(verifyTwilioSignature(undefined, '12345', url, fields)).toBe(false);
  });

  it('maps call statuses to leg statuses and reads the parent call', () => {
    const form = new URLSearchParams({
      CallSid: 'CA2',
      ParentCallSid: 'CA1',
      CallStatus: 'no-answer',
      From: '+447700000001',
      To: '+447700000003',
      Timestamp: 'Sun, 01 Mar 2026 10:00:30 +0000',
    }).toString();
    const parsed = twilio.parseStatus(
      hook('POST', '/voice/twilio/status?conversation_id=CON-1&member_id=MEM-b', form),
    );
    expect(parsed).toMatchObject({
      kind: 'status',
      report: {
        callId: 'CA2',
        status: 'unanswered',
        providerStatus: 'no-answer',
        at: '2026-03-01T10:00:30.000Z',
        providerParentId: 'CA1',
        conversationId: 'CON-1',
        memberId: 'MEM-b',
      },
    });
    const canceled = twilio.parseStatus(
      hook('POST', '/voice/twilio/status', 'CallSid=CA2&CallStatus=canceled&From=1&To=2'),
    );
    // No Timestamp: the report has no provider time (the leg's clock decides which time it gets).
    expect(canceled).toMatchObject({ report: { status: 'cancelled' } });
    expect(canceled.kind === 'status' && canceled.report.at).toBeUndefined();
  });

  it('renders a Dial with callerId, escaped status callback and the E.164 target', () => {
    const r = twilio.renderer('https://parley.example');
    expect(r.bridge(bridge).body).toContain(
      '<Dial callerId="+447700000001" timeout="45" timeLimit="3600"><Number statusCallback="https://parley.example/voice/twilio/status?conversation_id=CON-1&amp;member_id=MEM-b"',
    );
    expect(r.presentedCallerId({ ...bridge, callerNumber: 'anonymous' })).toBeUndefined();
    expect(r.reject().body).toContain('<Reject/>');
  });
});
