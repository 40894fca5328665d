import type { APIGatewayProxyResultV2 } from 'aws-lambda';

/**
 * Placeholder so the stack can bundle the voice Lambda; the real voice webhook handler replaces this file.
 */
export const handler = async (): Promise<APIGatewayProxyResultV2> => ({
  statusCode: 501,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ title: 'Not Implemented', detail: 'Voice webhooks are not available yet.' }),
});
