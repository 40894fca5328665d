import { Worker } from 'node:worker_threads';

/** An event as the SDK handed it to the application. */
export interface SdkEvent {
  type: string;
  cid?: string;
  id?: number;
  from?: string;
  /** A message's receipts so far (`delivered_to`, `seen_by`: member id → time). */
  state?: { delivered_to?: Record<string, string>; seen_by?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: event bodies are JSON of any shape
  body: any;
  /** When the SDK's handler fired in its worker (`performance.timeOrigin + performance.now()`), if told. */
  firedAt?: number;
}

export interface SdkUser {
  // biome-ignore lint/suspicious/noExplicitAny: each operation answers its own JSON
  call<T = any>(op: string, ...args: unknown[]): Promise<T>;
  /** Every event received so far, in arrival order. */
  events: SdkEvent[];
  /** Every reconnect and disconnect the SDK reported. */
  lifecycle: string[];
  /** Resolves with the first event (already received or to come) that matches; rejects after `ms`. */
  waitFor(match: (e: SdkEvent) => boolean, ms?: number): Promise<SdkEvent>;
  stop(): Promise<void>;
}

/**
 * Starts one SDK user in its own worker thread (`worker` is the script under test/support/sdk/) with the
 * SDK's own config object: what an application would pass it.
 */
export const startSdkUser = (
  worker: string,
  config: Record<string, unknown>,
  /** The package to load instead of the worker's default (another major version under an npm alias). */
  sdkPath?: string,
): SdkUser => {
  const thread = new Worker(new URL(worker, import.meta.url), { workerData: { config, sdkPath } });
  const pending = new Map<number, { res: (v: unknown) => void; rej: (e: Error) => void }>();
  const events: SdkEvent[] = [];
  const lifecycle: string[] = [];
  const waiters = new Set<() => void>();
  let next = 0;
  thread.on('message', (m) => {
    if (m.event) {
      events.push(m.event);
      for (const w of [...waiters]) w();
    } else if (m.reconnected) lifecycle.push('reconnect');
    else if (m.disconnected) lifecycle.push(`disconnect:${m.disconnected}`);
    else {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p?.rej(new Error(m.error));
      else p?.res(m.result);
    }
  });
  thread.on('error', (error) => {
    for (const p of pending.values()) p.rej(error);
  });
  return {
    events,
    lifecycle,
    call: (op, ...args) =>
      new Promise((res, rej) => {
        const id = next++;
        pending.set(id, { res: res as (v: unknown) => void, rej });
        thread.postMessage({ id, op, args });
      }),
    waitFor: (match, ms = 5000) =>
      new Promise((res, rej) => {
        const check = () => {
          const found = events.find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          res(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          rej(
            new Error(`no matching event within ${ms} ms; got ${JSON.stringify(events.map((e) => e.type))}`),
          );
        }, ms);
        if (!check()) waiters.add(check);
      }),
    stop: async () => {
      await thread.terminate();
    },
  };
};
