/** The shape every telephony provider module gives the voice handler. */
import type { AnswerRenderer, InboundCall, LegStatusReport } from '../domain/calls.ts';
import { DomainError } from '../domain/errors.ts';
import type { ApiEvent } from '../http/types.ts';

/** A webhook as the provider sent it, before any field is trusted. */
export interface Webhook {
  event: ApiEvent;
  raw: string;
  /** The public base URL of this deployment (what the provider calls, and what Parley hands out). */
  base: string;
}

/** Status reports Parley keeps, or why it ignores one (an event that is no leg status). */
export type ParsedStatus =
  | { kind: 'status'; report: Omit<LegStatusReport, 'now'> }
  | { kind: 'ignored'; callId?: string; status: string };

export interface Provider {
  name: string;
  /** Throws a 401 unless the webhook carries the provider's valid signature (when one is configured). */
  verify(hook: Webhook): Promise<void>;
  parseAnswer(hook: Webhook): Omit<InboundCall, 'now' | 'maxCallSeconds'>;
  parseStatus(hook: Webhook): ParsedStatus;
  renderer(base: string): AnswerRenderer;
}

export const invalidSignature = (): DomainError =>
  new DomainError(
    'system:error:invalid-signature',
    'The webhook does not carry a valid signature of the provider.',
  );
