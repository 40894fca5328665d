/**
 * An application server the test controls: it records every delivery that reaches it (headers, body,
 * when) and answers each as the test's `behaviour` says: a status (with headers), a delay before the
 * answer (to provoke the read timeout), or no server at all for a while (`down()`/`up()`).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  deliveryId: string;
  attempt: number;
  authorization: string | undefined;
  rawBody: string;
  body: { id?: number; type: string; conversation_id: string; application_id: string; [k: string]: unknown };
  at: number;
  /** What this request was answered with. */
  answered: number | 'timeout';
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  /** Hold the answer this long (ms) first. */
  delayMs?: number;
}

export type Behaviour = (request: Omit<Received, 'answered'>, nth: number) => Answer;

export interface TestReceiver {
  url: string;
  received: Received[];
  /** Replace how the receiver answers from now on. */
  behave(behaviour: Behaviour): void;
  /** Stop listening (connections are refused) until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res(Buffer.concat(chunks).toString('utf8')));
    req.on('error', rej);
  });

export const startReceiver = async (): Promise<TestReceiver> => {
  let behaviour: Behaviour = () => ({ status: 200 });
  const received: Received[] = [];
  let nth = 0;
  let port = 0;
  let server: Server;
  const make = () =>
    createServer(async (req, res) => {
      const rawBody = await readBody(req);
      const request = {
        deliveryId: String(req.headers['x-parley-delivery-id'] ?? ''),
        attempt: Number(req.headers['x-parley-attempt'] ?? 0),
        authorization: req.headers.authorization,
        rawBody,
        body: JSON.parse(rawBody),
        at: Date.now(),
      };
      const answer = behaviour(request, nth++);
      const entry: Received = { ...request, answered: answer.status ?? 200 };
      received.push(entry);
      if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
      if (res.destroyed || req.socket.destroyed) {
        entry.answered = 'timeout';
        return;
      }
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end('{}');
    });
  const listen = (s: Server, p: number) => new Promise<void>((res) => s.listen(p, '127.0.0.1', () => res()));
  const shut = (s: Server) =>
    new Promise<void>((res) => {
      s.closeAllConnections();
      s.close(() => res());
    });
  server = make();
  await listen(server, 0);
  port = (server.address() as AddressInfo).port;
  let listening = true;
  return {
    url: `http://127.0.0.1:${port}/webhooks/event`,
    received,
    behave: (b) => {
      behaviour = b;
    },
    down: async () => {
      if (!listening) return;
      listening = false;
      await shut(server);
    },
    up: async () => {
      if (listening) return;
      server = make();
      await listen(server, port);
      listening = true;
    },
    close: async () => {
      if (listening) await shut(server);
      listening = false;
    },
  };
};
