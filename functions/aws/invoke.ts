/**
 * Lambda's asynchronous Invoke (`X-Amz-Invocation-Type: Event`) by signed request: one small call where the
 * Lambda client would weigh a bundle down. Locally LAMBDA_ENDPOINT names the dev server's emulation.
 */
import { config } from '../config.ts';
import { signedRequest } from './signed-request.ts';

/** Queues `payload` for the named function; resolves once Lambda accepted it (202). */
export const invokeLater = async (functionName: string, payload: unknown): Promise<void> => {
  const endpoint = config().lambdaEndpoint ?? `https://lambda.${process.env.AWS_REGION}.amazonaws.com`;
  const res = await signedRequest({
    service: 'lambda',
    method: 'POST',
    url: `${endpoint}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
    headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'Event' },
    body: JSON.stringify(payload),
  });
  if (!res.ok) throw new Error(`Invoke: ${res.status}`);
};
