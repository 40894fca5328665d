/**
 * The voice Lambda's routes as documented: the providers' answer and status webhooks, each accepted as GET
 * or POST. No store code here, so the OpenAPI document can list them without loading the voice handlers.
 */
import * as v from 'valibot';
import type { RouteDoc } from '../http/router.ts';

export type VoiceProviderName = 'vonage' | 'twilio';
export type VoiceAction = 'answer' | 'status';

export interface VoiceRouteDoc extends RouteDoc {
  provider: VoiceProviderName;
  action: VoiceAction;
}

const ncco = v.array(v.record(v.string(), v.unknown()));
const twiml = v.pipe(v.string(), v.metadata({ description: 'TwiML' }));

const HOOKS = [
  {
    path: '/voice/vonage/answer',
    provider: 'vonage',
    action: 'answer',
    summary:
      'Vonage answer webhook: opens the call and answers with an NCCO that connects the forward target',
    response: { status: 200, description: 'The NCCO.', schema: ncco },
  },
  {
    path: '/voice/vonage/event',
    provider: 'vonage',
    action: 'status',
    summary: 'Vonage event webhook: a leg status (started, ringing, answered, completed, …)',
    response: { status: 200, description: 'Acknowledged (`{}`).', schema: v.object({}) },
  },
  {
    path: '/voice/twilio/answer',
    provider: 'twilio',
    action: 'answer',
    summary: 'Twilio voice webhook: opens the call and answers with TwiML that dials the forward target',
    response: { status: 200, description: 'The TwiML.', schema: twiml, contentType: 'text/xml' },
  },
  {
    path: '/voice/twilio/status',
    provider: 'twilio',
    action: 'status',
    summary: 'Twilio status callback: a leg status (initiated, ringing, answered, completed, …)',
    response: {
      status: 200,
      description: 'Acknowledged (`<Response/>`).',
      schema: twiml,
      contentType: 'text/xml',
    },
  },
] as const satisfies readonly Omit<VoiceRouteDoc, 'method'>[];

/** Each webhook as GET and as POST (providers may be set to either). */
export const voiceRouteDocs: VoiceRouteDoc[] = HOOKS.flatMap((hook) =>
  (['GET', 'POST'] as const).map((method) => ({
    ...hook,
    method,
    surface: 'voice' as const,
    public: true,
    errors: [400, 401, 404],
  })),
);
