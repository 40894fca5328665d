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

describe('Leg times: one clock per leg, never ending before it began', () => {
  const inbound = () =>
    startLeg(
      {
        id: 'in-1',
        provider: 'test',
        conversation_id: 'CON-1',
        member_id: 'MEM-1',
        direction: 'inbound',
        from: '447700000001',
        to: '447700000002',
      },
      // The answer webhook: no timestamp of the provider's, only when the server heard of it.
      { status: 'started', receivedAt: t(50) },
    );

  it("starts a leg without the provider's timestamp on the server's clock", () => {
    expect(inbound()).toMatchObject({ clock: 'server', start_time: t(50) });
    expect(leg()).toMatchObject({ clock: 'provider', start_time: t(0) });
  });

  it("moves every time to the provider's clock at its first timestamp, even one behind the server's", () => {
    // The provider's clock is 50 s behind the server's: its `started` says t(0).
    const { leg: l, kinds } = feed(inbound(), [
      ['started', 0],
      ['answered', 10],
      ['completed', 70],
    ]);
    expect(kinds).toEqual(['recorded', 'moved', 'moved']);
    expect(l).toMatchObject({
      clock: 'provider',
      start_time: t(0),
      answer_time: t(10),
      end_time: t(70),
      duration: 60,
    });
    expect(l.status_history.map((h) => h.date)).toEqual([t(0), t(10), t(70)]);
  });

  it('keeps a leg whose provider never dates a report on the server clock, start to end', () => {
    let l = inbound();
    for (const [status, s] of [
      ['answered', 60],
      ['completed', 90],
    ] as const) {
      const outcome = applyLegStatus(l, { status, receivedAt: t(s) });
      if (outcome.kind !== 'moved') throw new Error(outcome.kind);
      l = outcome.leg;
    }
    expect(l).toMatchObject({ clock: 'server', start_time: t(50), answer_time: t(60), end_time: t(90) });
  });

  it('never dates an end before the start, nor an answer before the ring, whatever the report says', () => {
    const { leg: l } = feed(leg(), [
      ['ringing', 5],
      ['answered', 3],
      ['completed', 1],
    ]);
    // `answered` at 3 s after `ringing` at 5 s is dated 5 s; the end no earlier either.
    expect(l).toMatchObject({ start_time: t(0), answer_time: t(5), end_time: t(5), duration: 0 });
  });

  it("dates an undated report (the sweeper's timeout) by the server, never before the leg's last move", () => {
    const ringing = applyLegStatus(leg(), { status: 'ringing', at: t(30) });
    if (ringing.kind !== 'moved') throw new Error(ringing.kind);
    const ended = applyLegStatus(ringing.leg, { status: 'timeout', receivedAt: t(20) });
    expect(ended.kind === 'moved' && ended.leg).toMatchObject({ end_time: t(30), status: 'timeout' });
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
