/**
 * The Twilio post-event webhook configuration (`GET`/`POST /v1/Configuration/Webhooks` of the Twilio
 * surface): read it, change it. Delivery itself is the application webhooks pipeline's
 * (use-cases/webhooks.ts), which reads this configuration for every batch of new events.
 */
import { validationError } from '../errors.ts';
import {
  applyTwilioWebhookUpdate,
  DEFAULT_TWILIO_WEBHOOKS,
  type TwilioWebhookConfig,
  type TwilioWebhookUpdate,
} from '../twilio-webhooks.ts';
import type { WebhookStore } from '../webhook-ports.ts';

export interface TwilioWebhookDeps {
  store: Pick<WebhookStore, 'getTwilioWebhooks' | 'putTwilioWebhooks'>;
  applicationId: string;
  now(): string;
}

/** The configuration as stored, else Twilio's defaults (POST, no URL, no filters). */
export const getTwilioWebhooks = async (deps: TwilioWebhookDeps): Promise<TwilioWebhookConfig> =>
  (await deps.store.getTwilioWebhooks(deps.applicationId)) ?? DEFAULT_TWILIO_WEBHOOKS;

const isWebUrl = (text: string): boolean => {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
};

/**
 * Changes the fields given, keeps the others. Refused, writing nothing: a `PreWebhookUrl` (pre-event
 * webhooks, a veto inside the request, are not built, and one set would be a promise not kept), a
 * `Target` other than `webhook` (Flex), a post-event URL that is not an absolute http(s) URL.
 */
export const updateTwilioWebhooks = async (
  deps: TwilioWebhookDeps,
  input: TwilioWebhookUpdate & { preWebhookUrl?: string; target?: string },
): Promise<TwilioWebhookConfig> => {
  if (input.preWebhookUrl)
    throw validationError([
      {
        name: 'PreWebhookUrl',
        reason:
          '"PreWebhookUrl" is not supported: Parley sends post-event webhooks only (leave it out or send it empty)',
      },
    ]);
  if (input.target !== undefined && input.target !== 'webhook')
    throw validationError([
      { name: 'Target', reason: `"Target" must be "webhook" ("${input.target}" is not supported)` },
    ]);
  if (input.postWebhookUrl && !isWebUrl(input.postWebhookUrl))
    throw validationError([
      { name: 'PostWebhookUrl', reason: '"PostWebhookUrl" must be an absolute http or https URL' },
    ]);
  const next = applyTwilioWebhookUpdate(await getTwilioWebhooks(deps), input);
  await deps.store.putTwilioWebhooks(deps.applicationId, next, deps.now());
  return next;
};
