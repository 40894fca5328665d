/**
 * One @vonage/client-sdk 2.x user in a worker thread of its own, driven like nexmo-worker.mjs: the parent
 * sends `{ id, op, args }`, the worker answers and reports every `conversationEvent` as `{ event }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LoggingLevel, VonageClient } from '@vonage/client-sdk';

const client = new VonageClient({ loggingLevel: LoggingLevel.Error });
client.setConfig(workerData.config);

const plain = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

client.on('conversationEvent', (event) => {
  parentPort.postMessage({
    event: {
      type: event.kind,
      cid: event.conversationId,
      id: event.id === undefined || event.id === null ? undefined : Number(event.id),
      body: plain(event.body) ?? {},
    },
  });
});
client.on('sessionError', (reason) => parentPort.postMessage({ disconnected: String(reason) }));

const ops = {
  async login(token) {
    const sessionId = await client.createSession(token);
    return { sessionId };
  },
  async conversations() {
    const page = await client.getConversations({ pageSize: 20 });
    return page.conversations.map((c) => c.id);
  },
  create: (name) => client.createConversation({ name, displayName: name }),
  async get(cid) {
    const c = await client.getConversation(cid);
    return { id: c.id, name: c.name };
  },
  join: (cid) => client.joinConversation(cid),
  invite: (cid, name) => client.inviteToConversation(cid, name),
  async members(cid) {
    const page = await client.getConversationMembers(cid);
    return page.members.map((m) => ({ id: m.id, state: m.state, user: m.user?.name }));
  },
  sendMessage: (cid, text) => client.sendMessageTextEvent(cid, text),
  custom: (cid, data) => client.sendMessageCustomEvent(cid, data),
  ephemeral: (cid, data) => client.sendEphemeralEvent(cid, data),
  seen: (cid, eventId) => client.sendMessageSeenEvent(eventId, cid),
  deleteEvent: (cid, eventId) => client.deleteEvent(eventId, cid),
  async events(cid, params) {
    const page = await client.getConversationEvents(cid, params);
    return { ids: page.events.map((e) => Number(e.id)), next: page.nextCursor ?? null };
  },
  leave: (cid) => client.leaveConversation(cid),
  refreshSession: (token) => client.refreshSession(token),
  logout: () => client.deleteSession(),
};

parentPort.on('message', async ({ id, op, args }) => {
  try {
    const result = await ops[op](...(args ?? []));
    parentPort.postMessage({ id, result: plain(result) ?? null });
  } catch (error) {
    parentPort.postMessage({ id, error: `${op}: ${error?.message ?? JSON.stringify(error)}` });
  }
});
