import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { fanOut } from '../../functions/fanout/handler.ts';
import type { Sink } from '../../functions/fanout/sinks.ts';
import { eventsOfRecords } from '../../functions/store/stream.ts';
import { eventItem } from '../../functions/store/timeline.ts';

let seq = 100;
const record = (eventName: DynamoDBRecord['eventName'], item: Record<string, unknown>): DynamoDBRecord => ({
  eventName,
  dynamodb: {
    SequenceNumber: String(seq++),
    // biome-ignore lint/suspicious/noExplicitAny: the stream's AttributeValue type and the SDK's differ only in name
    NewImage: marshall(item, { removeUndefinedValues: true }) as any,
  },
});
const event = (cid: string, id: number, text = `t${id}`) =>
  record(
    'INSERT',
    eventItem(cid, {
      id,
      type: 'message',
      from: 'MEM-1',
      body: { message_type: 'text', text },
      timestamp: '2026-12-01T00:00:00.000Z',
    }),
  );

describe('stream records → new events', () => {
  it('keeps the INSERTs of event items, as stored and without the table bookkeeping, in stream order', () => {
    const records = [
      event('CON-a', 1),
      record('INSERT', { pk: 'CON#CON-a', sk: 'CON#MEM#MEM-1', _et: 'member', id: 'MEM-1' }),
      record(
        'MODIFY',
        eventItem('CON-a', { id: 1, type: 'message', body: {}, timestamp: 'x', deleted: 'y' }),
      ),
      event('CON-b', 1),
      event('CON-a', 2),
    ];
    const out = eventsOfRecords(records);
    expect(out.map((e) => [e.conversationId, e.event.id])).toEqual([
      ['CON-a', 1],
      ['CON-b', 1],
      ['CON-a', 2],
    ]);
    expect(out[0].event).toEqual({
      id: 1,
      type: 'message',
      from: 'MEM-1',
      body: { message_type: 'text', text: 't1' },
      timestamp: '2026-12-01T00:00:00.000Z',
    });
  });
});

describe('stream records → edits', () => {
  const message = (extra: Record<string, unknown>) =>
    eventItem('CON-a', {
      id: 3,
      type: 'message',
      from: 'MEM-1',
      body: { message_type: 'text', text: 'again' },
      timestamp: '2026-12-01T00:00:00.000Z',
      ...extra,
    });
  /** A MODIFY of event 3 from `before` to `after`. */
  const modify = (before: Record<string, unknown>, after: Record<string, unknown>): DynamoDBRecord => {
    const r = record('MODIFY', message(after));
    // biome-ignore lint/suspicious/noExplicitAny: as in record()
    (r.dynamodb as { OldImage?: any }).OldImage = marshall(message(before), { removeUndefinedValues: true });
    return r;
  };

  it('takes a MODIFY that changes the edit time of a message as an edit of it, the message as it now is', () => {
    const out = eventsOfRecords([
      modify({}, { edited: '2026-12-01T00:01:00.000Z' }),
      modify({ edited: '2026-12-01T00:01:00.000Z' }, { edited: '2026-12-01T00:02:00.000Z' }),
    ]);
    expect(out.map((e) => [e.conversationId, e.event.id, e.edit, e.event.edited])).toEqual([
      ['CON-a', 3, true, '2026-12-01T00:01:00.000Z'],
      ['CON-a', 3, true, '2026-12-01T00:02:00.000Z'],
    ]);
    expect(out[0].event.body).toEqual({ message_type: 'text', text: 'again' });
  });

  it('takes no other MODIFY as an edit: a receipt, a deletion of an edited message, a custom event', () => {
    const edited = { edited: '2026-12-01T00:01:00.000Z' };
    const out = eventsOfRecords([
      modify(edited, { ...edited, seen_by: 2 }),
      modify(edited, { ...edited, deleted: '2026-12-01T00:03:00.000Z' }),
      modify({}, {}),
      record(
        'MODIFY',
        eventItem('CON-a', { id: 4, type: 'custom:x', body: {}, timestamp: 'x', edited: 'y' }),
      ),
    ]);
    expect(out).toEqual([]);
  });
});

describe('fan-out handler', () => {
  const sink = (fail: Set<string>, got: string[]): Sink => ({
    name: 'test',
    async deliver(events) {
      if (fail.has(events[0].conversationId)) throw new Error('down');
      for (const e of events) got.push(`${e.conversationId}:${e.event.id}`);
    },
  });

  it('gives each sink one conversation at a time, in id order, and reports only the failed conversation', async () => {
    const got: string[] = [];
    const other: string[] = [];
    const records = [event('CON-a', 1), event('CON-b', 1), event('CON-a', 2), event('CON-b', 2)];
    const out = await fanOut([sink(new Set(['CON-b']), got), sink(new Set(), other)])({ Records: records });
    expect(got).toEqual(['CON-a:1', 'CON-a:2']);
    expect(other.sort()).toEqual(['CON-a:1', 'CON-a:2', 'CON-b:1', 'CON-b:2']);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: records[1].dynamodb?.SequenceNumber }]);
  });

  it('reports nothing when every sink took every conversation', async () => {
    const got: string[] = [];
    const out = await fanOut([sink(new Set(), got)])({ Records: [event('CON-a', 7)] });
    expect(got).toEqual(['CON-a:7']);
    expect(out.batchItemFailures).toEqual([]);
  });
});
