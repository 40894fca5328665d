/**
 * One delivery to the application's server (a POST with its body, or a Twilio GET with none), with the two timeouts of the delivery policy:
 * one for the connection (TCP, and TLS for https), one for the whole answer once connected. Whatever the
 * network or the receiver does is the result, never an exception: the sender's rules decide what follows.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Receiver, ReceiverRequest } from '../domain/webhook-ports.ts';
import { type AttemptResult, retryAfterSecondsOf } from '../domain/webhooks.ts';

/** The receiver's answer body is not read beyond this (its status is what counts). */
const MAX_ANSWER_BYTES = 64 * 1024;

export const postDelivery = (req: ReceiverRequest): Promise<AttemptResult> =>
  new Promise((resolve) => {
    const started = Date.now();
    const latency = () => Date.now() - started;
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(readTimer);
      resolve(result);
    };
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      resolve({ kind: 'unreachable', error: 'invalid event_url', latencyMs: 0 });
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const method = req.method ?? 'POST';
    const body = Buffer.from(method === 'POST' ? req.body : '', 'utf8');
    const outgoing = send(url, {
      method,
      headers: { ...req.headers, ...(method === 'POST' ? { 'content-length': String(body.length) } : {}) },
      agent: false,
    });
    let readTimer: NodeJS.Timeout | undefined;
    const connectTimer = setTimeout(() => {
      finish({ kind: 'timeout', phase: 'connect', latencyMs: latency() });
      outgoing.destroy();
    }, req.connectTimeoutMs);
    const connected = () => {
      clearTimeout(connectTimer);
      readTimer = setTimeout(() => {
        finish({ kind: 'timeout', phase: 'read', latencyMs: latency() });
        outgoing.destroy();
      }, req.readTimeoutMs);
    };
    outgoing.on('socket', (socket) => {
      const event = url.protocol === 'https:' ? 'secureConnect' : 'connect';
      if (!socket.connecting && url.protocol !== 'https:') connected();
      else socket.once(event, connected);
    });
    outgoing.on('response', (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy();
      });
      const done = () => {
        const header = res.headers['retry-after'];
        finish({
          kind: 'answered',
          statusCode: res.statusCode ?? 0,
          retryAfterSeconds: retryAfterSecondsOf(Array.isArray(header) ? header[0] : header, Date.now()),
          latencyMs: latency(),
        });
      };
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      finish({ kind: 'unreachable', error: error.code ?? error.message, latencyMs: latency() }),
    );
    outgoing.end(body);
  });

export const httpReceiver: Receiver = { post: postDelivery };
