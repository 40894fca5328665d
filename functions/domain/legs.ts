/**
 * Call legs: one side of a call, identified by its provider's call id. A leg's status only moves forward
 * (started → ringing → answered → an end); whatever arrives late or twice is kept in its history and
 * changes nothing else, so every leg that starts ends exactly once.
 */

export type LegStatus =
  | 'started'
  | 'ringing'
  | 'answered'
  | 'machine'
  | 'human'
  | 'completed'
  | 'busy'
  | 'cancelled'
  | 'failed'
  | 'rejected'
  | 'timeout'
  | 'unanswered';

export const LEG_STATUSES: readonly LegStatus[] = [
  'started',
  'ringing',
  'answered',
  'machine',
  'human',
  'completed',
  'busy',
  'cancelled',
  'failed',
  'rejected',
  'timeout',
  'unanswered',
];

export const TERMINAL_STATUSES: ReadonlySet<LegStatus> = new Set([
  'completed',
  'busy',
  'cancelled',
  'failed',
  'rejected',
  'timeout',
  'unanswered',
]);

/** Answering-machine detection results: noted in the history, they do not move the leg. */
const NOTES: ReadonlySet<LegStatus> = new Set(['machine', 'human']);

const RANK: Record<LegStatus, number> = {
  started: 1,
  ringing: 2,
  answered: 3,
  machine: 3,
  human: 3,
  completed: 4,
  busy: 4,
  cancelled: 4,
  failed: 4,
  rejected: 4,
  timeout: 4,
  unanswered: 4,
};

export const isLegStatus = (s: string): s is LegStatus => (LEG_STATUSES as readonly string[]).includes(s);
export const isTerminal = (s: LegStatus): boolean => TERMINAL_STATUSES.has(s);

export interface LegHistoryEntry {
  status: LegStatus;
  /** When the provider says it happened (else when Parley heard of it). */
  date: string;
  /** False when the status arrived too late to move the leg (it is only recorded). */
  applied: boolean;
  /** The provider's own status word, when it differs (Twilio `in-progress`, `no-answer`, …). */
  provider_status?: string;
  detail?: string;
}

export interface Leg {
  /** The provider's call id (Vonage `uuid`, Twilio `CallSid`). */
  id: string;
  provider: string;
  conversation_id: string;
  member_id: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  status: LegStatus;
  /** When the leg started (its first status). */
  start_time: string;
  answer_time?: string;
  end_time?: string;
  /** Seconds between answer and end (0 for a leg never answered), set when the leg ends. */
  duration?: number;
  /** Why the leg ended, when it did. */
  reason?: { code: string; text: string };
  status_history: LegHistoryEntry[];
  /** The provider's own conversation or parent-call id, for support. */
  provider_parent_id?: string;
  /** What the answer webhook returned for this (inbound) leg: a retried webhook gets it again. */
  instructions?: { content_type: string; body: string };
  /** Incremented on every write; writes are conditioned on the version read. */
  version: number;
}

export interface LegStatusInput {
  status: LegStatus;
  at: string;
  providerStatus?: string;
  detail?: string;
  /** Duration the provider reports for an ended leg, in seconds. */
  duration?: number;
}

/** What a status does to a leg. */
export type LegOutcome =
  /** The same status was already recorded: nothing to write. */
  | { kind: 'duplicate' }
  /** Older than the leg's status (or after its end), or a detection note: history only. */
  | { kind: 'recorded'; leg: Leg }
  /** The leg moved to this status. */
  | { kind: 'moved'; leg: Leg; from: LegStatus };

const entryOf = (input: LegStatusInput, applied: boolean): LegHistoryEntry => ({
  status: input.status,
  date: input.at,
  applied,
  ...(input.providerStatus && input.providerStatus !== input.status
    ? { provider_status: input.providerStatus }
    : {}),
  ...(input.detail ? { detail: input.detail } : {}),
});

const seconds = (from: string, to: string): number =>
  Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** A leg's first status. */
export const startLeg = (
  leg: Omit<Leg, 'status' | 'start_time' | 'status_history' | 'version'>,
  input: LegStatusInput,
): Leg => {
  const base: Leg = {
    ...leg,
    status: 'started',
    start_time: input.at,
    status_history: [],
    version: 0,
  };
  if (input.status === 'started') return { ...base, status_history: [entryOf(input, true)], version: 1 };
  const outcome = applyLegStatus(base, input);
  return outcome.kind === 'duplicate' ? base : outcome.leg;
};

/** The monotonic state machine of a leg. */
export const applyLegStatus = (leg: Leg, input: LegStatusInput): LegOutcome => {
  if (leg.status_history.some((h) => h.status === input.status)) return { kind: 'duplicate' };
  const late = isTerminal(leg.status) || RANK[input.status] < RANK[leg.status];
  const note = NOTES.has(input.status);
  const next: Leg = { ...leg, version: leg.version + 1 };
  if (late || note) {
    next.status_history = [...leg.status_history, entryOf(input, note && !late)];
    return { kind: 'recorded', leg: next };
  }
  next.status = input.status;
  next.status_history = [...leg.status_history, entryOf(input, true)];
  if (input.status === 'answered') next.answer_time = input.at;
  if (isTerminal(input.status)) {
    next.end_time = input.at;
    next.duration = input.duration ?? (next.answer_time ? seconds(next.answer_time, input.at) : 0);
    next.reason = { code: input.status, text: input.detail ?? input.status };
  }
  return { kind: 'moved', leg: next, from: leg.status };
};
