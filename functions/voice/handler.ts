/**
 * The voice Lambda behind `ANY /voice/{proxy+}`: the providers' answer and status webhooks. No JWT here:
 * each provider signs its own webhooks, and a provider module checks its signature before anything is
 * read or written.
 */
import middy from '@middy/core';
import { config } from '../config.ts';
import { errorMapper } from '../http/errors.ts';
import { log, requestLog } from '../http/log.ts';
import { baseUrl } from '../http/paging.ts';
import { type RouteDef, router } from '../http/router.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { parleyVoice } from '../parley-voice.ts';
import type { Provider, Webhook } from './provider.ts';
import { twilio } from './providers/twilio.ts';
import { vonage } from './providers/vonage.ts';
import { type VoiceAction, type VoiceProviderName, voiceRoutes } from './routes.ts';
import { rawBodyOf } from './webhook.ts';

type Action = (provider: Provider, hook: Webhook) => Promise<ApiResult>;

const answer: Action = async (provider, hook) => {
  await provider.verify(hook);
  const inbound = provider.parseAnswer(hook);
  const { instructions, outcome } = await parleyVoice.calls.answer(inbound, provider.renderer(hook.base));
  log('info', 'voice answer', { provider: provider.name, callId: inbound.callId, outcome });
  return {
    statusCode: 200,
    headers: { 'content-type': instructions.content_type },
    body: instructions.body,
  };
};

const status: Action = async (provider, hook) => {
  await provider.verify(hook);
  const parsed = provider.parseStatus(hook);
  if (parsed.kind === 'ignored') {
    log('info', 'voice status ignored', {
      provider: provider.name,
      callId: parsed.callId,
      status: parsed.status,
    });
  } else {
    const result = await parleyVoice.calls.status(parsed.report);
    log(result === 'unknown' ? 'warn' : 'info', 'voice status', {
      provider: provider.name,
      callId: parsed.report.callId,
      status: parsed.report.status,
      result,
    });
  }
  // Providers only need a 2xx; the body of a status callback is not read.
  return provider === twilio
    ? { statusCode: 200, headers: { 'content-type': 'text/xml' }, body: '<Response/>' }
    : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
};

const PROVIDERS = new Map<VoiceProviderName, Provider>([
  ['vonage', vonage],
  ['twilio', twilio],
]);
const ACTIONS = new Map<VoiceAction, Action>([
  ['answer', answer],
  ['status', status],
]);

/** The webhook routes, each calling its action with the webhook as the provider sent it. */
export const routes: RouteDef[] = voiceRoutes.map(({ method, path, ...hook }) => {
  const provider = PROVIDERS.get(hook.provider);
  const action = ACTIONS.get(hook.action);
  if (!provider || !action) throw new Error(`voice route ${path} names no provider or action`);
  return {
    method,
    path,
    handler: async (event: ApiEvent) =>
      action(provider, { event, raw: rawBodyOf(event), base: baseUrl(event, config().publicBaseUrl) }),
  };
});

export const handler = middy<ApiEvent, ApiResult>()
  .use(requestLog())
  .use(errorMapper())
  .handler(router(routes));
