/**
 * What the OpenAPI document says of the voice webhooks: a summary and the answer of each. Documentation
 * only: the voice Lambda never imports this.
 */
import * as v from 'valibot';
import type { RouteDoc, RouteDocs } from '../http/openapi.ts';
import type { RouteKey } from '../http/router.ts';
import { type VoiceHookPath, voiceRouteKey, voiceRoutes } from './routes.ts';

const ncco = v.array(v.record(v.string(), v.unknown()));
const twiml = v.pipe(v.string(), v.metadata({ description: 'TwiML' }));

const HOOK_DOCS: Record<VoiceHookPath, Pick<RouteDoc, 'summary' | 'response'>> = {
  '/voice/vonage/answer': {
    summary:
      'Vonage answer webhook: opens the call and answers with an NCCO that connects the forward target',
    response: { status: 200, description: 'The NCCO.', schema: ncco },
  },
  '/voice/vonage/event': {
    summary: 'Vonage event webhook: a leg status (started, ringing, answered, completed, …)',
    response: { status: 200, description: 'Acknowledged (`{}`).', schema: v.object({}) },
  },
  '/voice/twilio/answer': {
    summary: 'Twilio voice webhook: opens the call and answers with TwiML that dials the forward target',
    response: { status: 200, description: 'The TwiML.', schema: twiml, contentType: 'text/xml' },
  },
  '/voice/twilio/status': {
    summary: 'Twilio status callback: a leg status (initiated, ringing, answered, completed, …)',
    response: {
      status: 200,
      description: 'Acknowledged (`<Response/>`).',
      schema: twiml,
      contentType: 'text/xml',
    },
  },
};

/** Each webhook route, GET and POST alike: signed by its provider, so no token. */
export const voiceRouteDocs: RouteDocs = Object.fromEntries(
  voiceRoutes.map((route): [RouteKey, RouteDoc] => [
    voiceRouteKey(route),
    {
      ...HOOK_DOCS[route.path as VoiceHookPath],
      surface: 'voice',
      public: true,
      errors: [400, 401, 404],
    },
  ]),
);
