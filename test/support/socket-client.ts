import WebSocket from 'ws';

/** A raw Client SDK socket (no SDK): every frame it receives, in order. */
export const openSocket = (url: string) => {
  const frames: string[] = [];
  const ws = new WebSocket(url);
  ws.on('message', (data) => frames.push(data.toString()));
  const closed = new Promise<{ code: number }>((res) => ws.on('close', (code) => res({ code })));
  /** Resolves once `n` frames arrived, or after `ms` with what did. */
  const waitFor = async (n: number, ms = 5000) => {
    const until = Date.now() + ms;
    while (frames.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    return frames;
  };
  return { ws, frames, waitFor, closed };
};
