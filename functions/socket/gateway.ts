/**
 * The socket gateway over API Gateway's Management API (`POST`/`DELETE /@connections/{id}`) and Lambda's
 * asynchronous Invoke (the greeting a `$connect` cannot send itself), both by signed `fetch`. The dev
 * server serves the same two APIs for its own sockets, so this runs unchanged there.
 */
import { signedFetch } from '../aws/signed-fetch.ts';
import { config } from '../config.ts';
import type { Connection, Outgoing, SocketGateway } from '../domain/sessions.ts';
import type { Heartbeat } from './codec.ts';
import { framesOf } from './present.ts';

/** The invocation a connect leaves for later: greet this connection. */
export interface GreetInvocation {
  parleyGreet: string;
}

export const heartbeatOf = (): Heartbeat => {
  const c = config();
  return { pingIntervalMs: c.socketPingIntervalS * 1000, pingTimeoutMs: c.socketPingTimeoutS * 1000 };
};

const connectionUrl = (connectionId: string): string => {
  const base = config().websocketManagementUrl;
  if (!base) throw new Error('WEBSOCKET_MANAGEMENT_URL is not set');
  return `${base}/@connections/${encodeURIComponent(connectionId)}`;
};

const postFrame = async (connectionId: string, frame: string): Promise<boolean> => {
  const res = await signedFetch({
    service: 'execute-api',
    method: 'POST',
    url: connectionUrl(connectionId),
    headers: { 'content-type': 'text/plain' },
    body: frame,
  });
  await res.arrayBuffer();
  if (res.status === 410) return false;
  if (!res.ok) throw new Error(`PostToConnection answered ${res.status}`);
  return true;
};

export const managementGateway = (): SocketGateway => ({
  async send(connection: Connection, messages: readonly Outgoing[]) {
    const base = config().publicBaseUrl ?? '';
    const heartbeat = heartbeatOf();
    // One frame after the other: the order a session sees is the order they are posted in.
    for (const message of messages)
      for (const frame of framesOf(base, heartbeat, connection, message))
        if (!(await postFrame(connection.id, frame))) return false;
    return true;
  },

  async close(connectionId) {
    const res = await signedFetch({
      service: 'execute-api',
      method: 'DELETE',
      url: connectionUrl(connectionId),
    });
    await res.arrayBuffer();
  },

  async greetLater(connectionId) {
    const c = config();
    if (!c.socketFunctionName) throw new Error('SOCKET_FUNCTION_NAME is not set');
    const endpoint = c.lambdaEndpoint ?? `https://lambda.${process.env.AWS_REGION}.amazonaws.com`;
    const invocation: GreetInvocation = { parleyGreet: connectionId };
    const res = await signedFetch({
      service: 'lambda',
      method: 'POST',
      url: `${endpoint}/2015-03-31/functions/${encodeURIComponent(c.socketFunctionName)}/invocations`,
      headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'Event' },
      body: JSON.stringify(invocation),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`Invoke answered ${res.status}`);
  },
});
