/**
 * Signs Twilio deliveries as Twilio signs its webhooks: `X-Twilio-Signature` is the base64 HMAC-SHA1,
 * keyed by the account's auth token, of the full URL followed by each POST field's name and value, the
 * names in sorted order (a GET's fields are in the URL already). `twilio.validateRequest` checks it.
 */
import { createHmac } from 'node:crypto';
import type { TwilioSigner } from '../domain/webhook-ports.ts';

export const twilioSignature = (authToken: string, url: string, params: Record<string, string>): string => {
  const data = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
};

export const hmacSha1Signer: TwilioSigner = { sign: twilioSignature };
