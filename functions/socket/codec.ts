/**
 * The Client SDKs' wire: engine.io packets carrying socket.io packets, one per WebSocket text frame.
 * Framing is done by `engine.io-parser` and `socket.io-parser`, the protocol's own codecs; this module
 * only says which packets Parley sends and what an incoming frame asks for.
 */
import { decodePacket, type Packet as EnginePacket, encodePacket } from 'engine.io-parser';
import { Decoder, Encoder, PacketType, type Packet as SocketPacket } from 'socket.io-parser';

/** What the server advertises in the engine.io handshake (the client adopts it). */
export interface Heartbeat {
  pingIntervalMs: number;
  pingTimeoutMs: number;
}

/** API Gateway's largest WebSocket frame. */
export const MAX_FRAME_BYTES = 32 * 1024;

const encodeEngine = (packet: EnginePacket): string => {
  let out = '';
  // Synchronous for text data: the callback runs before encodePacket returns.
  encodePacket(packet, false, (encoded) => {
    out = encoded as string;
  });
  return out;
};

const socketEncoder = new Encoder();

const encodeSocket = (packet: SocketPacket): string => {
  const [text] = socketEncoder.encode(packet);
  return encodeEngine({ type: 'message', data: text as string });
};

/** engine.io open: the session id and the heartbeat the client must keep. */
export const openFrame = (sid: string, heartbeat: Heartbeat): string =>
  encodeEngine({
    type: 'open',
    data: JSON.stringify({
      sid,
      upgrades: [],
      pingInterval: heartbeat.pingIntervalMs,
      pingTimeout: heartbeat.pingTimeoutMs,
      maxPayload: MAX_FRAME_BYTES,
    }),
  });

/** socket.io connect on the main namespace (engine.io 4 clients expect the sid; 3 clients take none). */
export const connectFrame = (sid: string, protocol: 3 | 4): string =>
  encodeSocket({ type: PacketType.CONNECT, nsp: '/', ...(protocol === 4 ? { data: { sid } } : {}) });

/** socket.io disconnect: the server ends the session (nexmo-client reads it as an expired token). */
export const disconnectFrame = (): string => encodeSocket({ type: PacketType.DISCONNECT, nsp: '/' });

export const eventFrame = (name: string, data: unknown): string =>
  encodeSocket({ type: PacketType.EVENT, nsp: '/', data: [name, data] });

export const ackFrame = (id: number, data: unknown[] = []): string =>
  encodeSocket({ type: PacketType.ACK, nsp: '/', id, data });

export const pingFrame = (): string => encodeEngine({ type: 'ping' });
export const pongFrame = (): string => encodeEngine({ type: 'pong' });

/** What one frame from a client asks for. */
export type Incoming =
  | { kind: 'ping' }
  | { kind: 'pong' }
  | { kind: 'close' }
  | { kind: 'connect' }
  | { kind: 'disconnect' }
  | { kind: 'event'; name: string; data: unknown; ackId?: number }
  | { kind: 'ack' }
  | { kind: 'other' }
  | { kind: 'invalid'; reason: string };

const decodeSocket = (text: string): SocketPacket => {
  const decoder = new Decoder();
  let packet: SocketPacket | undefined;
  decoder.on('decoded', (p: SocketPacket) => {
    packet = p;
  });
  decoder.add(text);
  decoder.destroy();
  if (!packet) throw new Error('incomplete packet');
  return packet;
};

/** Decodes one client frame; anything malformed is `invalid`, never a throw. */
export const decodeFrame = (frame: string): Incoming => {
  let engine: EnginePacket;
  try {
    engine = decodePacket(frame);
  } catch {
    return { kind: 'invalid', reason: 'not an engine.io packet' };
  }
  switch (engine.type) {
    case 'ping':
      return { kind: 'ping' };
    case 'pong':
      return { kind: 'pong' };
    case 'close':
      return { kind: 'close' };
    case 'message':
      break;
    case 'error':
      return { kind: 'invalid', reason: 'not an engine.io packet' };
    default:
      return { kind: 'other' };
  }
  if (typeof engine.data !== 'string') return { kind: 'invalid', reason: 'binary frames are not accepted' };
  let packet: SocketPacket;
  try {
    packet = decodeSocket(engine.data);
  } catch (error) {
    return { kind: 'invalid', reason: error instanceof Error ? error.message : 'not a socket.io packet' };
  }
  switch (packet.type) {
    case PacketType.CONNECT:
      return { kind: 'connect' };
    case PacketType.DISCONNECT:
      return { kind: 'disconnect' };
    case PacketType.EVENT: {
      const [name, data] = packet.data as [unknown, unknown];
      if (typeof name !== 'string') return { kind: 'invalid', reason: 'an event needs a name' };
      return { kind: 'event', name, data, ...(packet.id !== undefined ? { ackId: packet.id } : {}) };
    }
    case PacketType.ACK:
      return { kind: 'ack' };
    default:
      return { kind: 'other' };
  }
};
