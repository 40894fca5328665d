import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Who is calling, from a verified application JWT. */
/**
 * Who calls, and until when the token that says so is valid (`validUntil`, epoch seconds; absent for
 * credentials that carry no end, such as HTTP basic).
 */
export type Caller =
  | { kind: 'admin'; applicationId: string; validUntil?: number }
  | { kind: 'user'; applicationId: string; validUntil: number; userName: string; acl: AclRules };

export type AclRules = Record<string, { methods?: string[]; filters?: unknown }>;

/** The HTTP API v2 event as the API Lambda sees it after its shared middlewares ran. */
export interface ApiEvent extends APIGatewayProxyEventV2 {
  /** Set by the auth middleware. */
  caller?: Caller;
  /** The JSON body, parsed and checked by a route's body middleware. */
  parsedBody?: unknown;
}

export type ApiResult = APIGatewayProxyStructuredResultV2;
