import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../functions/domain/errors.ts';
import {
  buildMember,
  canMove,
  type Member,
  type MemberState,
  moveMember,
  seenUpTo,
  unreadCount,
} from '../../../functions/domain/members.ts';

const member = (state: 'INVITED' | 'JOINED' = 'INVITED'): Member =>
  buildMember({
    conversationId: 'CON-1',
    userId: 'USR-1',
    userName: 'alice',
    state,
    channel: { type: 'app' },
    initiator: { is_system: true },
    sequenceNumber: 4,
    messageCount: 2,
    now: '2026-01-01T00:00:00.000Z',
  });

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not an DomainError';
  }
  return undefined;
};

describe('Function: moveMember', () => {
  it('allows exactly INVITED → JOINED, INVITED → LEFT and JOINED → LEFT', () => {
    const states: MemberState[] = ['INVITED', 'JOINED', 'LEFT'];
    const allowed = states.flatMap((from) =>
      states.filter((to) => canMove(from, to)).map((to) => `${from}>${to}`),
    );
    expect(allowed).toEqual(['INVITED>JOINED', 'INVITED>LEFT', 'JOINED>LEFT']);
  });

  it('refuses the other moves with the spec codes', () => {
    const move = (m: Member, to: MemberState) => () =>
      moveMember(m, { to, initiator: { is_system: true }, sequenceNumber: 9, messageCount: 5, now: 'x' });
    expect(codeOf(move(member('JOINED'), 'JOINED'))).toBe('conversation:error:member-already-joined');
    expect(codeOf(move(member('INVITED'), 'INVITED'))).toBe('conversation:error:member-already-invited');
    expect(codeOf(move(member('JOINED'), 'INVITED'))).toBe('conversation:error:invalid-member-state');
    const left = { ...member('JOINED'), state: 'LEFT' as const };
    for (const to of ['INVITED', 'JOINED', 'LEFT'] as const)
      expect(codeOf(move(left, to))).toBe('conversation:error:invalid-member-state');
  });

  it("starts a joining member at the conversation's end and keeps its invitation", () => {
    // Prepare
    const invited = member('INVITED');
    // Act
    const joined = moveMember(invited, {
      to: 'JOINED',
      initiator: { is_system: false, user_id: 'USR-2', member_id: 'MEM-2' },
      sequenceNumber: 9,
      messageCount: 5,
      now: '2026-01-02T00:00:00.000Z',
    });
    // Assess
    expect(joined.timestamp).toEqual({
      invited: '2026-01-01T00:00:00.000Z',
      joined: '2026-01-02T00:00:00.000Z',
    });
    expect(joined.initiator.invited).toEqual({ is_system: true });
    expect(joined.initiator.joined).toEqual({ is_system: false, user_id: 'USR-2', member_id: 'MEM-2' });
    expect(joined.last_seen_event_id).toBe(9);
    expect(unreadCount(joined, 5)).toBe(0);
  });

  it('records the reason of a leave', () => {
    const left = moveMember(member('JOINED'), {
      to: 'LEFT',
      initiator: { is_system: true },
      reason: { code: 'x', text: 'y' },
      sequenceNumber: 9,
      messageCount: 5,
      now: 'z',
    });
    expect(left).toMatchObject({ state: 'LEFT', reason: { code: 'x', text: 'y' }, timestamp: { left: 'z' } });
  });
});

describe('Function: seenUpTo', () => {
  it('moves the horizon forward only', () => {
    const m = member('JOINED');
    const ahead = seenUpTo(m, 7, 4);
    expect(ahead).toMatchObject({ last_seen_event_id: 7, seen_message_count: 4 });
    expect(unreadCount(ahead, 6)).toBe(2);
    expect(seenUpTo(ahead, 6, 3)).toBe(ahead);
  });
});
