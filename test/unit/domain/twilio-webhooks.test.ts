import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../../functions/domain/events.ts';
import {
  applyTwilioWebhookUpdate,
  DEFAULT_TWILIO_WEBHOOKS,
  sendsTwilioEvent,
  sourceOf,
  type TwilioWebhookConfig,
  twilioMappingOf,
  twilioPostEventFields,
  twilioRequestOf,
} from '../../../functions/domain/twilio-webhooks.ts';
import { deliveryIdOfEvent, twilioDeliveryIdOfEvent } from '../../../functions/domain/webhooks.ts';
import { twilioSignature } from '../../../functions/outbound/twilio-signer.ts';

const NOW = '2026-12-01T10:00:00.123Z';
const event = (type: string, body: Record<string, unknown> = {}): ConversationEvent => ({
  id: 7,
  type,
  from: 'MEM-1',
  body,
  timestamp: NOW,
});

describe('Function: twilioMappingOf', () => {
  it('maps what the Twilio surface presents onto its post-events', () => {
    // Act
    const mapped = [
      event('message', { message_type: 'text', text: 'hi' }),
      event('event:delete', { event_id: '3' }),
      event('member:invited', { member_id: 'MEM-2' }),
      event('member:joined', { member_id: 'MEM-2', timestamp: { joined: NOW } }),
      event('member:joined', { member_id: 'MEM-2', timestamp: { invited: NOW, joined: NOW } }),
      event('member:left', { member_id: 'MEM-2' }),
      event('conversation:updated', {}),
    ].map((e) => twilioMappingOf(e));

    // Assess
    expect(mapped).toEqual([
      { eventType: 'onMessageAdded', subject: 'message' },
      { eventType: 'onMessageRemoved', subject: 'removed-message' },
      { eventType: 'onParticipantAdded', subject: 'participant' },
      { eventType: 'onParticipantAdded', subject: 'participant' },
      { eventType: 'onParticipantUpdated', subject: 'participant' },
      { eventType: 'onParticipantRemoved', subject: 'participant' },
      { eventType: 'onConversationUpdated', subject: 'conversation' },
    ]);
  });

  it('skips what has no Twilio counterpart: receipts, legacy text, custom events, legs, calls', () => {
    // Act
    const mapped = [
      'message:seen',
      'message:delivered',
      'text',
      'custom:x',
      'leg:status:update',
      'sip:hangup',
    ].map((type) => twilioMappingOf(event(type)));

    // Assess
    expect(mapped).toEqual(mapped.map(() => undefined));
  });
});

describe('Function: sendsTwilioEvent', () => {
  it('sends an event only with a URL set and the event among the filters', () => {
    // Prepare
    const set: TwilioWebhookConfig = {
      ...DEFAULT_TWILIO_WEBHOOKS,
      post_webhook_url: 'https://a.test',
      filters: ['onMessageAdded'],
    };

    // Assess
    expect(sendsTwilioEvent(set, 'onMessageAdded')).toBe(true);
    expect(sendsTwilioEvent(set, 'onParticipantAdded')).toBe(false);
    expect(sendsTwilioEvent({ ...set, post_webhook_url: undefined }, 'onMessageAdded')).toBe(false);
    expect(sendsTwilioEvent({ ...set, filters: [] }, 'onMessageAdded')).toBe(false);
  });
});

describe('Function: applyTwilioWebhookUpdate', () => {
  it('changes the fields given, keeps each filter once, and clears the URL on an empty one', () => {
    // Prepare
    const current: TwilioWebhookConfig = { ...DEFAULT_TWILIO_WEBHOOKS, post_webhook_url: 'https://a.test' };

    // Act
    const method = applyTwilioWebhookUpdate(current, { method: 'GET' });
    const filters = applyTwilioWebhookUpdate(current, {
      filters: ['onMessageAdded', 'onMessageAdded', 'onUserAdded'],
    });
    const cleared = applyTwilioWebhookUpdate(current, { postWebhookUrl: '' });

    // Assess
    expect(method).toEqual({ ...current, method: 'GET' });
    expect(filters.filters).toEqual(['onMessageAdded', 'onUserAdded']);
    expect(filters.post_webhook_url).toBe('https://a.test');
    expect(cleared).not.toHaveProperty('post_webhook_url');
  });
});

describe('Function: sourceOf', () => {
  it('says SDK for a member change a user made, API for the server and for what Parley does not record', () => {
    // Assess
    expect(sourceOf(event('member:joined', { initiator: { joined: { isSystem: false } } }))).toBe('SDK');
    expect(sourceOf(event('member:joined', { initiator: { joined: { isSystem: true } } }))).toBe('API');
    expect(sourceOf(event('member:left', {}))).toBe('API');
    expect(sourceOf(event('message', {}))).toBe('API');
  });
});

describe('Function: twilioPostEventFields', () => {
  const message = {
    account_sid: 'AC1',
    chat_service_sid: 'IS1',
    conversation_sid: 'CH1',
    sid: 'IM1',
    index: 7,
    author: 'alice',
    body: 'hi',
    attributes: '{"a":1}',
    participant_sid: null,
    date_created: '2026-12-01T10:00:00Z',
    date_updated: '2026-12-01T10:00:00Z',
  };

  it("takes a message's fields from its Twilio JSON and leaves out the null ones", () => {
    // Act
    const fields = twilioPostEventFields(
      'onMessageAdded',
      { subject: 'message', message },
      { source: 'API', at: NOW },
    );

    // Assess
    expect(fields).toEqual({
      EventType: 'onMessageAdded',
      AccountSid: 'AC1',
      ChatServiceSid: 'IS1',
      ConversationSid: 'CH1',
      MessageSid: 'IM1',
      Index: '7',
      Author: 'alice',
      Body: 'hi',
      Attributes: '{"a":1}',
      DateCreated: '2026-12-01T10:00:00Z',
      DateUpdated: '2026-12-01T10:00:00Z',
      Source: 'API',
    });
  });

  it('dates a removal with the time of the event, to the second', () => {
    // Act
    const fields = twilioPostEventFields(
      'onMessageRemoved',
      { subject: 'removed-message', message: { ...message, body: null } },
      { source: 'SDK', at: NOW },
    );

    // Assess
    expect(fields.DateRemoved).toBe('2026-12-01T10:00:00Z');
    expect(fields).not.toHaveProperty('Body');
    expect(fields.Source).toBe('SDK');
  });

  it("gives a bound participant's binding as MessagingBinding.* and no Identity", () => {
    // Act
    const fields = twilioPostEventFields(
      'onParticipantAdded',
      {
        subject: 'participant',
        participant: {
          account_sid: 'AC1',
          chat_service_sid: 'IS1',
          conversation_sid: 'CH1',
          sid: 'MB1',
          identity: null,
          attributes: '{}',
          messaging_binding: { type: 'sms', address: '+15550001', proxy_address: '+15550002' },
          role_sid: null,
          date_created: '2026-12-01T10:00:00Z',
          date_updated: '2026-12-01T10:00:00Z',
        },
      },
      { source: 'API', at: NOW },
    );

    // Assess
    expect(fields).toMatchObject({
      ParticipantSid: 'MB1',
      'MessagingBinding.Type': 'sms',
      'MessagingBinding.Address': '+15550001',
      'MessagingBinding.ProxyAddress': '+15550002',
    });
    expect(fields).not.toHaveProperty('Identity');
  });
});

describe('Function: twilioRequestOf and twilioSignature', () => {
  const config = { ...DEFAULT_TWILIO_WEBHOOKS, post_webhook_url: 'https://a.test/hook?x=1' };
  const payload = new URLSearchParams({ EventType: 'onMessageAdded', Body: 'a b&c' }).toString();

  it("signs a POST over the URL and the fields, as the twilio library's validateRequest checks it", () => {
    // Act
    const request = twilioRequestOf(config, payload);
    const signature = twilioSignature('token-1', request.url, request.signedParams);

    // Assess
    expect(request).toMatchObject({ method: 'POST', url: 'https://a.test/hook?x=1', body: payload });
    expect(
      twilio.validateRequest('token-1', signature, request.url, {
        EventType: 'onMessageAdded',
        Body: 'a b&c',
      }),
    ).toBe(true);
    expect(twilio.validateRequest('token-2', signature, request.url, request.signedParams)).toBe(false);
    expect(
      twilio.validateRequest('token-1', signature, request.url, { ...request.signedParams, Body: 'x' }),
    ).toBe(false);
  });

  it("puts a GET's fields after the query the URL has, and signs that URL alone", () => {
    // Act
    const request = twilioRequestOf({ ...config, method: 'GET' }, payload);
    const signature = twilioSignature('token-1', request.url, request.signedParams);

    // Assess
    expect(request).toMatchObject({ method: 'GET', url: `https://a.test/hook?x=1&${payload}`, body: '' });
    expect(twilio.validateRequest('token-1', signature, request.url, {})).toBe(true);
  });
});

describe('Function: twilioDeliveryIdOfEvent', () => {
  it('is stable for an event and apart from the application delivery of the same event', () => {
    // Assess
    expect(twilioDeliveryIdOfEvent('app', 'CON-1', 3)).toBe(twilioDeliveryIdOfEvent('app', 'CON-1', 3));
    expect(twilioDeliveryIdOfEvent('app', 'CON-1', 3)).not.toBe(deliveryIdOfEvent('app', 'CON-1', 3));
    expect(twilioDeliveryIdOfEvent('app', 'CON-1', 3)).not.toBe(twilioDeliveryIdOfEvent('app', 'CON-1', 4));
  });
});
