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

/**
 * Where a leg's times come from. A leg whose first report carries the provider's timestamp runs on the
 * provider's clock. An inbound leg starts at the answer webhook, which carries none: it runs on the
 * server's clock until the provider's first timestamped report for it, which moves every time it has so
 * far to that report's time and the leg to the provider's clock. A report without a timestamp (or the
 * sweeper's timeout) is dated by the server. No status is ever dated before the leg's previous move, so a
 * leg never ends before it began.
 */
export type LegClock = 'provider' | 'server';

export interface LegHistoryEntry {
  status: LegStatus;
  /** When it happened, on the leg's clock (never before an earlier move of the leg). */
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
  /** Where its times come from (absent on legs written before it was recorded: the provider's). */
  clock?: LegClock;
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
  /** When the provider says it happened, when its report carries a timestamp. */
  at?: string;
  /** When Parley heard of it. One of `at` and `receivedAt` is always given. */
  receivedAt?: string;
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

/** The time of a report on a clock: its own, or the other one's when the report has none. */
const timeOn = (clock: LegClock, input: LegStatusInput): string => {
  const time = clock === 'provider' ? (input.at ?? input.receivedAt) : (input.receivedAt ?? input.at);
  if (!time) throw new Error(`leg status ${input.status} without a time`);
  return time;
};

const latest = (a: string, b: string): string => (Date.parse(b) > Date.parse(a) ? b : a);

/** When the leg last moved: a status is never dated before it, so a leg never ends before it began. */
const lastMoved = (leg: Leg): string =>
  leg.status_history.filter((h) => h.applied).reduce((t, h) => latest(t, h.date), leg.start_time);

const entryOf = (input: LegStatusInput, applied: boolean, date: string): LegHistoryEntry => ({
  status: input.status,
  date,
  applied,
  ...(input.providerStatus && input.providerStatus !== input.status
    ? { provider_status: input.providerStatus }
    : {}),
  ...(input.detail ? { detail: input.detail } : {}),
});

const seconds = (from: string, to: string): number =>
  Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** A leg's first status; its clock is the provider's when that report carries a timestamp. */
export const startLeg = (
  leg: Omit<Leg, 'status' | 'start_time' | 'status_history' | 'version' | 'clock'>,
  input: LegStatusInput,
): Leg => {
  const clock: LegClock = input.at ? 'provider' : 'server';
  const start = timeOn(clock, input);
  const base: Leg = {
    ...leg,
    status: 'started',
    start_time: start,
    clock,
    status_history: [],
    version: 0,
  };
  if (input.status === 'started')
    return { ...base, status_history: [entryOf(input, true, start)], version: 1 };
  const outcome = applyLegStatus(base, input);
  return outcome.kind === 'duplicate' ? base : outcome.leg;
};

/**
 * A leg on the server's clock meeting the provider's first timestamp (`at`): every time it has so far
 * moves to `at`, and it runs on the provider's clock from now on. Any other leg is returned as it is.
 */
const onProviderClock = (leg: Leg, at: string | undefined): Leg => {
  if (leg.clock !== 'server' || !at || isTerminal(leg.status)) return leg;
  return {
    ...leg,
    clock: 'provider',
    start_time: at,
    ...(leg.answer_time ? { answer_time: at } : {}),
    status_history: leg.status_history.map((h) => ({ ...h, date: at })),
  };
};

/** The monotonic state machine of a leg. */
export const applyLegStatus = (read: Leg, input: LegStatusInput): LegOutcome => {
  const leg = onProviderClock(read, input.at);
  if (leg.status_history.some((h) => h.status === input.status))
    // A repeated status adds nothing, unless it brought the provider's clock (then only the times move).
    return leg === read
      ? { kind: 'duplicate' }
      : { kind: 'recorded', leg: { ...leg, version: read.version + 1 } };
  const late = isTerminal(leg.status) || RANK[input.status] < RANK[leg.status];
  const note = NOTES.has(input.status);
  const time = timeOn(leg.clock ?? 'provider', input);
  const next: Leg = { ...leg, version: read.version + 1 };
  if (late || note) {
    next.status_history = [...leg.status_history, entryOf(input, note && !late, time)];
    return { kind: 'recorded', leg: next };
  }
  const at = latest(time, lastMoved(leg));
  next.status = input.status;
  next.status_history = [...leg.status_history, entryOf(input, true, at)];
  if (input.status === 'answered') next.answer_time = at;
  if (isTerminal(input.status)) {
    next.end_time = at;
    next.duration = input.duration ?? (next.answer_time ? seconds(next.answer_time, at) : 0);
    next.reason = { code: input.status, text: input.detail ?? input.status };
  }
  return { kind: 'moved', leg: next, from: leg.status };
};
