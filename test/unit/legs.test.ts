import { describe, expect, it } from 'vitest';
import { applyLegStatus, type Leg, type LegStatus, startLeg } from '../../functions/domain/legs.ts';
import { normalizeNumber } from '../../functions/domain/numbers.ts';

const t = (s: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, s)).toISOString();

const leg = (first: LegStatus = 'started'): Leg =>
  startLeg(
    {
      id: 'leg-1',
      provider: 'test',
      conversation_id: 'CON-1',
      member_id: 'MEM-1',
      direction: 'outbound',
      from: '447700000001',
      to: '447700000003',
    },
    { status: first, at: t(0) },
  );

/** Feeds statuses in order and returns the leg and the outcome of each. */
const feed = (start: Leg, steps: [LegStatus, number][]) => {
  let current = start;
  const kinds: string[] = [];
  for (const [status, s] of steps) {
    const outcome = applyLegStatus(current, { status, at: t(s) });
    kinds.push(outcome.kind);
    if (outcome.kind !== 'duplicate') current = outcome.leg;
  }
  return { leg: current, kinds };
};

describe('Function: applyLegStatus', () => {
  it('moves forward through ringing, answered and an end, with times and duration', () => {
    const { leg: l, kinds } = feed(leg(), [
      ['ringing', 1],
      ['answered', 5],
      ['completed', 65],
    ]);
    expect(kinds).toEqual(['moved', 'moved', 'moved']);
    expect(l).toMatchObject({
      status: 'completed',
      start_time: t(0),
      answer_time: t(5),
      end_time: t(65),
      duration: 60,
      reason: { code: 'completed', text: 'completed' },
      version: 4,
    });
  });

  it('records a late ringing after answered without moving the leg', () => {
    const { leg: l, kinds } = feed(leg(), [
      ['answered', 5],
      ['ringing', 1],
    ]);
    expect(kinds).toEqual(['moved', 'recorded']);
    expect(l.status).toBe('answered');
    expect(l.status_history.at(-1)).toEqual({ status: 'ringing', date: t(1), applied: false });
  });

  it('ends a leg once: a second end is only recorded', () => {
    const { leg: l, kinds } = feed(leg(), [
      ['busy', 3],
      ['completed', 4],
      ['answered', 5],
    ]);
    expect(kinds).toEqual(['moved', 'recorded', 'recorded']);
    expect(l).toMatchObject({ status: 'busy', end_time: t(3), duration: 0, reason: { code: 'busy' } });
    expect(l.answer_time).toBeUndefined();
  });

  it('adds nothing for a status it has seen', () => {
    const { kinds } = feed(leg(), [
      ['started', 0],
      ['ringing', 1],
      ['ringing', 1],
    ]);
    expect(kinds).toEqual(['duplicate', 'moved', 'duplicate']);
  });

  it('notes answering-machine results without moving the leg', () => {
    const { leg: l, kinds } = feed(leg(), [
      ['answered', 2],
      ['machine', 3],
    ]);
    expect(kinds).toEqual(['moved', 'recorded']);
    expect(l.status).toBe('answered');
    expect(l.status_history.at(-1)).toMatchObject({ status: 'machine', applied: true });
  });

  it('prefers the duration the provider reports', () => {
    const answered = feed(leg(), [['answered', 2]]).leg;
    const outcome = applyLegStatus(answered, { status: 'completed', at: t(30), duration: 27 });
    expect(outcome.kind === 'moved' && outcome.leg.duration).toBe(27);
  });
});

describe('Function: startLeg', () => {
  it('starts a leg at its first status even when started was lost', () => {
    const l = leg('ringing');
    expect(l).toMatchObject({ status: 'ringing', start_time: t(0), version: 1 });
    expect(l.status_history).toEqual([{ status: 'ringing', date: t(0), applied: true }]);
  });
});

describe('Function: normalizeNumber', () => {
  it('reads the spellings of one number as its E.164 digits', () => {
    for (const s of ['+44 7700 900000', '447700900000', '+447700900000', '(+44) 7700-900000'])
      expect(normalizeNumber(s)).toBe('447700900000');
  });

  it('refuses what is no E.164 number', () => {
    for (const s of ['', 'Unknown', '07700900000', '12345', '+1234567890123456', '44-77x'])
      expect(normalizeNumber(s)).toBeUndefined();
  });
});
