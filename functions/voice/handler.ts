/**
 * The voice Lambda behind `ANY /voice/{proxy+}`: the providers' answer and status webhooks. No JWT here:
 * each provider signs its own webhooks, and a provider module checks its signature before anything is
 * read or written.
 */
import middy from '@middy/core';
import { config } from '../config.ts';
import { notFound, requestError } from '../domain/errors.ts';
import { errorMapper } from '../http/errors.ts';
import { log, requestLog } from '../http/log.ts';
import { baseUrl } from '../http/paging.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { parley } from '../parley.ts';
import type { Provider, Webhook } from './provider.ts';
import { twilio } from './providers/twilio.ts';
import { vonage } from './providers/vonage.ts';
import { rawBodyOf } from './webhook.ts';

type Action = (provider: Provider, hook: Webhook) => Promise<ApiResult>;

const answer: Action = async (provider, hook) => {
  await provider.verify(hook);
  const inbound = provider.parseAnswer(hook);
  const { instructions, outcome } = await parley.calls.answer(inbound, provider.renderer(hook.base));
  log('info', 'voice answer', { provider: provider.name, callId: inbound.callId, outcome });
  return {
    statusCode: 200,
    headers: { 'content-type': instructions.content_type },
    body: instructions.body,
  };
};

const status: Action = async (provider, hook) => {
  await provider.verify(hook);
  const now = new Date().toISOString();
  const parsed = provider.parseStatus(hook, now);
  if (parsed.kind === 'ignored') {
    log('info', 'voice status ignored', {
      provider: provider.name,
      callId: parsed.callId,
      status: parsed.status,
    });
  } else {
    const result = await parley.calls.status(parsed.report, now);
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

const ROUTES: Record<string, { provider: Provider; action: Action; methods: string[] }> = {
  '/voice/vonage/answer': { provider: vonage, action: answer, methods: ['GET', 'POST'] },
  '/voice/vonage/event': { provider: vonage, action: status, methods: ['GET', 'POST'] },
  '/voice/twilio/answer': { provider: twilio, action: answer, methods: ['GET', 'POST'] },
  '/voice/twilio/status': { provider: twilio, action: status, methods: ['GET', 'POST'] },
};

export const handler = middy<ApiEvent, ApiResult>()
  .use(requestLog())
  .use(errorMapper())
  .handler(async (event) => {
    const path = event.rawPath.replace(/\/+$/, '');
    const method = event.requestContext.http.method.toUpperCase();
    const target = ROUTES[path];
    if (!target) throw notFound.route();
    if (!target.methods.includes(method))
      throw requestError.methodNotAllowed(`Request method not supported: ${method} ${path}.`);
    const hook: Webhook = { event, raw: rawBodyOf(event), base: baseUrl(event, config().publicBaseUrl) };
    return target.action(target.provider, hook);
  });
