import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Who is calling, from a verified application JWT. */
export type Caller =
  | { kind: 'admin'; applicationId: string }
  | { kind: 'user'; applicationId: string; userName: string; acl: AclRules };

export type AclRules = Record<string, { methods?: string[]; filters?: unknown }>;

/** The HTTP API v2 event as the API Lambda sees it after its shared middlewares ran. */
export interface ApiEvent extends APIGatewayProxyEventV2 {
  /** Set by the auth middleware. */
  caller?: Caller;
  /** The JSON body, parsed and checked by a route's body middleware. */
  parsedBody?: unknown;
}

export type ApiResult = APIGatewayProxyStructuredResultV2;
