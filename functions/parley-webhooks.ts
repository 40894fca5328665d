/**
 * The webhook use-cases bound to their ports: what the webhook Lambdas (the sender and the admin
 * surface), the fan-out's webhook sink and the socket Lambda (the events the API does not store) call. The third composition root beside functions/parley.ts
 * and functions/parley-voice.ts, so that neither the API nor the voice Lambda carries webhook delivery.
 */
import { config } from './config.ts';
import { isGone } from './domain/conversations.ts';
import { nowIso } from './domain/ids.ts';
import * as webhooks from './domain/use-cases/webhooks.ts';
import type { WebhookDeps } from './domain/webhook-ports.ts';
import { httpReceiver } from './outbound/receiver.ts';
import { hs256Signer } from './outbound/signer.ts';
import { hmacSha1Signer } from './outbound/twilio-signer.ts';
import { conversationRepository } from './store/conversations-repo.ts';
import { deliveryQueue } from './store/delivery-queue.ts';
import { listEvents } from './store/events-repo.ts';
import { subjectReads } from './store/subjects-repo.ts';
import { webhookStore } from './store/webhooks-repo.ts';
import { webhookConfig } from './webhook-config.ts';
import { deliveryPayload } from './webhooks/payload.ts';
import { twilioPresenter } from './webhooks/twilio-payload.ts';

/** The dependencies of this process: settings read from the environment, the queue chosen on each call. */
const deps = (): WebhookDeps => {
  const c = config();
  const w = webhookConfig();
  // Links in the payload are absolute when PUBLIC_BASE_URL is set (the stack sets it), else relative.
  const base = c.publicBaseUrl ?? '';
  return {
    store: webhookStore,
    // Chosen when used: the settings routes work without a queue.
    queue: {
      enqueue: (items) => deliveryQueue(w).enqueue(items),
      postpone: (receipt, delayMs) => deliveryQueue(w).postpone(receipt, delayMs),
      deadLetter: (item, reason) => deliveryQueue(w).deadLetter(item, reason),
    },
    receiver: httpReceiver,
    signer: hs256Signer,
    events: {
      exists: async (id) => {
        const conversation = await conversationRepository.get(id);
        return conversation !== undefined && !isGone(conversation, nowIso());
      },
      list: (id, query) => listEvents(id, query),
    },
    present: (conversationId, event) => deliveryPayload(base, c.applicationId, conversationId, event),
    twilio: { ...twilioPresenter(base, subjectReads), sign: hmacSha1Signer.sign },
    settings: {
      applicationId: c.applicationId,
      signatureSecret: w.signatureSecret,
      twilioAuthToken: c.twilioAuthToken,
      apiKey: w.apiKey,
      seedEventUrl: w.seedEventUrl,
      policy: w.policy,
    },
    now: nowIso,
  };
};

const bind =
  <A extends unknown[], R>(useCase: (deps: WebhookDeps, ...rest: A) => R) =>
  (...rest: A): R =>
    useCase(deps(), ...rest);

export const parleyWebhooks = {
  application: { get: bind(webhooks.getApplication), update: bind(webhooks.updateApplication) },
  deliveries: {
    queueEvents: bind(webhooks.queueEventDeliveries),
    queueEphemeral: bind(webhooks.queueEphemeralDelivery),
    attempt: bind(webhooks.attemptDelivery),
    list: bind(webhooks.listDeliveries),
    redeliver: bind(webhooks.redeliver),
    replay: bind(webhooks.replayEvents),
  },
};
