/**
 * The socket gateway over API Gateway's Management API (`POST`/`DELETE /@connections/{id}`) and Lambda's
 * asynchronous Invoke (the greeting a `$connect` cannot send itself), both by signed request. The dev
 * server serves the same two APIs for its own sockets, so this runs unchanged there.
 */
import { invokeLater } from '../aws/invoke.ts';
import { signedRequest } from '../aws/signed-request.ts';
import { config, readSocketConfig } from '../config.ts';
import type { Connection, Outgoing, SessionEvent, SocketGateway } from '../domain/sessions.ts';
import type { Heartbeat } from './codec.ts';
import { framesOf } from './present.ts';

/** The invocation a connect leaves for later: greet this connection. */
export interface GreetInvocation {
  parleyGreet: string;
}

/**
 * The invocation the API leaves for an event it does not store (typing, `ephemeral`): deliver it to the
 * sessions and queue it for the application's event_url.
 */
export interface EphemeralInvocation {
  parleyEphemeral: SessionEvent;
}

export const heartbeatOf = (): Heartbeat => {
  const c = readSocketConfig();
  return { pingIntervalMs: c.pingIntervalS * 1000, pingTimeoutMs: c.pingTimeoutS * 1000 };
};

const connectionUrl = (connectionId: string): string => {
  const base = readSocketConfig().websocketManagementUrl;
  if (!base) throw new Error('WEBSOCKET_MANAGEMENT_URL is not set');
  return `${base}/@connections/${encodeURIComponent(connectionId)}`;
};

const postFrame = async (connectionId: string, frame: string): Promise<boolean> => {
  const res = await signedRequest({
    service: 'execute-api',
    method: 'POST',
    url: connectionUrl(connectionId),
    headers: { 'content-type': 'text/plain' },
    body: frame,
  });
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
    await signedRequest({
      service: 'execute-api',
      method: 'DELETE',
      url: connectionUrl(connectionId),
    });
  },

  async greetLater(connectionId) {
    const name = readSocketConfig().selfName;
    if (!name) throw new Error('the socket function has no name (AWS_LAMBDA_FUNCTION_NAME)');
    const invocation: GreetInvocation = { parleyGreet: connectionId };
    await invokeLater(name, invocation);
  },
});
