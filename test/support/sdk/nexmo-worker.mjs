/**
 * One nexmo-client user in a worker thread of its own (the SDK keeps its state in module globals). The
 * parent sends `{ id, op, args }`; the worker answers `{ id, result }` or `{ id, error }`, and reports every
 * event the SDK hands the application as `{ event: { type, cid, id, from, body } }`.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { XMLHttpRequestShim } from './xhr-shim.mjs';

globalThis.XMLHttpRequest = XMLHttpRequestShim;
const require = createRequire(import.meta.url);
const NexmoClient = require(workerData.sdkPath ?? 'nexmo-client');

const client = new NexmoClient({ ...workerData.config, log_reporter: { enabled: false } });
let app;
const watched = new Set();

const report = (type, args, conversation) => {
  const event = args.find((a) => a && typeof a === 'object' && 'type' in a && 'body' in a);
  if (!event) return;
  // When the handler fired, on the clock every thread shares (epoch ms, sub-millisecond).
  const firedAt = performance.timeOrigin + performance.now();
  parentPort.postMessage({
    event: {
      firedAt,
      type,
      cid: conversation?.id ?? event.cid ?? event.conversation?.id,
      id: event.id === undefined ? undefined : Number(event.id),
      from: event.from,
      body: JSON.parse(JSON.stringify(event.body ?? {})),
      state: event.state ? JSON.parse(JSON.stringify(event.state)) : undefined,
    },
  });
};

/** Listens to every event of a conversation the SDK knows, once. */
const watch = (conversation) => {
  if (!conversation || watched.has(conversation.id)) return conversation;
  watched.add(conversation.id);
  conversation.on('*', (type, ...args) => report(type, args, conversation));
  return conversation;
};

const sweep = () => {
  for (const c of app?.conversations?.values?.() ?? []) watch(c);
};

const conversation = async (cid) => watch(app.conversations.get(cid) ?? (await app.getConversation(cid)));

const findEvent = async (cid, eventId) => {
  const c = await conversation(cid);
  const known = c.events.get(eventId) ?? c.events.get(String(eventId));
  if (known) return known;
  const page = await c.getEvents({ page_size: 100, order: 'asc' });
  return page.items.get(eventId) ?? page.items.get(String(eventId));
};

const ops = {
  async login(token) {
    // nexmo-client 9.x calls it createSession; 8.x, login.
    app = await (client.createSession ? client.createSession(token) : client.login(token));
    app.on('member:invited', (_member, event) => {
      sweep();
      report('member:invited', [event]);
    });
    app.on('member:joined', () => sweep());
    client.on('reconnect', () => parentPort.postMessage({ reconnected: true }));
    client.on('disconnect', (reason) => parentPort.postMessage({ disconnected: String(reason) }));
    sweep();
    return { userId: app.me.id, name: app.me.name, sessionId: client.session_id };
  },
  async conversations() {
    const page = await app.getConversations({ page_size: 20 });
    sweep();
    return [...page.items.values()].map((c) => c.id);
  },
  async create(name) {
    const c = await app.newConversation({ name, display_name: name });
    watch(c);
    return c.id;
  },
  async get(cid) {
    const c = await conversation(cid);
    return { id: c.id, name: c.name, me: c.me ? { id: c.me.id, state: c.me.state } : null };
  },
  async join(cid) {
    const c = await conversation(cid);
    const member = await c.join();
    return { id: member.id, state: member.state };
  },
  async invite(cid, userName) {
    const c = await conversation(cid);
    const member = await c.invite({ user_name: userName });
    return { id: member.id, state: member.state };
  },
  async members(cid) {
    const c = await conversation(cid);
    const page = await c.getMembers();
    return [...page.items.values()].map((m) => ({ id: m.id, state: m.state, user: m.user?.name }));
  },
  async sendMessage(cid, text) {
    const c = await conversation(cid);
    const event = await c.sendMessage({ message_type: 'text', text });
    return { id: Number(event.id) };
  },
  async sendText(cid, text) {
    const c = await conversation(cid);
    const event = await c.sendText(text);
    return { id: Number(event.id) };
  },
  async typing(cid, on) {
    const c = await conversation(cid);
    return on ? c.startTyping() : c.stopTyping();
  },
  async seen(cid, eventId) {
    const event = await findEvent(cid, eventId);
    await event.seen();
    return true;
  },
  async deleteEvent(cid, eventId) {
    const c = await conversation(cid);
    const event = await findEvent(cid, eventId);
    await c.deleteEvent(event);
    return true;
  },
  async custom(cid, type, body) {
    const c = await conversation(cid);
    const event = await c.sendCustomEvent({ type, body });
    return { id: Number(event.id) };
  },
  async events(cid, params) {
    const c = await conversation(cid);
    const page = await c.getEvents(params);
    const next = page.hasNext() ? await page.getNext() : undefined;
    const ids = (p) => [...p.items.values()].map((e) => ({ id: Number(e.id), type: e.type }));
    return { first: ids(page), next: next ? ids(next) : [] };
  },
  async leave(cid) {
    const c = await conversation(cid);
    await c.leave();
    return true;
  },
  async updateToken(token) {
    await app.updateToken(token);
    return true;
  },
  async logout() {
    // nexmo-client 9.x calls it deleteSession; 8.x, logout.
    await (client.deleteSession ? client.deleteSession() : client.logout());
    return true;
  },
};

parentPort.on('message', async ({ id, op, args }) => {
  try {
    const result = await ops[op](...(args ?? []));
    parentPort.postMessage({ id, result: result === undefined ? null : result });
  } catch (error) {
    const detail =
      error instanceof Error
        ? `${error.message} ${JSON.stringify(error)}`
        : JSON.stringify(error?.response ?? error?.message ?? error);
    parentPort.postMessage({ id, error: `${op}: ${detail}` });
  }
});
