import type { ConversationEvent } from '../domain/events.ts';
import { IdempotencyRaceError } from '../domain/idempotency.ts';
import type { EventQuery, EventStore, Page } from '../domain/ports.ts';
import { ConversationChangedError } from '../domain/retry.ts';
import { tableName } from './client.ts';
import { callerGuard, updateCaller } from './context-repo.ts';
import { withReceipt } from './idempotency-repo.ts';
import { dataOf } from './item.ts';
import { conversationPartition, keys } from './keys.ts';
import { joinedCheckItem, readStateItem } from './members-repo.ts';
import { queryPage } from './paging.ts';
import { appendToTimeline } from './timeline.ts';
import type { TransactItem } from './transact.ts';

/** `GET …/events`: one page of a conversation's timeline, by id, optionally within ids and of some types. */
export const listEvents = async (
  conversationId: string,
  query: EventQuery,
): Promise<Page<ConversationEvent>> => {
  const values: Record<string, unknown> = {
    ':pk': conversationPartition(conversationId),
    ':from': keys.eventSort(query.startId ?? 1),
    ':to': keys.eventSort(query.endId ?? 9_999_999_999),
  };
  const names: Record<string, string> = {};
  const filters: string[] = [];
  if (query.types && query.types.length > 0) {
    names['#type'] = 'type';
    const placeholders = query.types.map((t, i) => {
      values[`:t${i}`] = t;
      return `:t${i}`;
    });
    const prefixes = (query.typePrefixes ?? []).map((p, i) => {
      values[`:p${i}`] = p;
      return ` OR begins_with(#type, :p${i})`;
    });
    filters.push(`(#type IN (${placeholders.join(', ')})${prefixes.join('')})`);
  }
  if (query.excludeDeleted) filters.push('attribute_not_exists(deleted)');
  const page = await queryPage<Record<string, unknown>>({
    query: {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: values,
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    },
    keyAttributes: ['pk', 'sk'],
    order: query.order,
    pageSize: query.pageSize,
    cursor: query.cursor,
  });
  return { ...page, items: page.items.map((i) => dataOf<ConversationEvent>(i)) };
};

/** The tombstone of a deleted event: its body goes, its id, type, sender and time stay. */
const tombstoneItem = (conversationId: string, target: ConversationEvent, now: string): TransactItem => ({
  Update: {
    TableName: tableName(),
    Key: keys.event(conversationId, target.id),
    UpdateExpression: 'SET deleted = :now, body = :empty, updatedAt = :now',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleted)',
    ExpressionAttributeValues: { ':now': now, ':empty': {} },
  },
});

/** The writes of the port; its `load` is the shared context read (functions/store/ports.ts). */
export const eventStore: Omit<EventStore, 'load'> = {
  async append({ ctx, sender, decide, receipt }) {
    const conversation = ctx.conversation;
    if (!conversation) throw new Error('append without a conversation');
    const guard = callerGuard(ctx, sender);
    const [stored] = await appendToTimeline(conversation.id, (head) => {
      const { event, messageDelta, senderNext } = decide(head);
      // One own item at most: the sender's member, moved (read state) or checked; JOINED in both cases, and
      // its user still the one the caller was taken for.
      const items: TransactItem[] = senderNext
        ? [readStateItem(senderNext, event.timestamp, guard)]
        : sender
          ? [joinedCheckItem(sender, guard)]
          : [];
      // The event gets the id after the head's (functions/store/timeline.ts numbers a batch in order).
      const record = receipt?.({ ...event, id: head.sequence_number + 1 });
      return {
        events: [event],
        messageDelta,
        items: withReceipt(items, record),
        // The sender left, its horizon moved or its user changed: read again, decide again.
        failed: (index) => {
          if (index === items.length) return new IdempotencyRaceError();
          updateCaller(ctx);
          return new ConversationChangedError();
        },
        committed: () => {
          if (senderNext && sender) updateCaller(ctx, { ...sender, ...senderNext });
        },
      };
    });
    return stored;
  },

  async remove({ conversation, target, event, receipt }) {
    await appendToTimeline(conversation.id, () => ({
      events: [event],
      items: withReceipt([tombstoneItem(conversation.id, target, event.timestamp)], receipt?.()),
      // Own item 0: deleted meanwhile (or gone): read again, and the rules answer. 1: the record.
      failed: (index) => (index === 1 ? new IdempotencyRaceError() : new ConversationChangedError()),
    }));
  },
};
