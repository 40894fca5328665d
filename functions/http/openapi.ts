/**
 * An OpenAPI 3.1 document built from documented routes: each route's summary, its path parameters, the
 * query and body schemas of its contract and the schema of its response, converted by
 * @valibot/to-json-schema. Only the docs Lambda (functions/docs/handler.ts) imports this.
 */
import { type ConversionConfig, type JsonSchema, toJsonSchema } from '@valibot/to-json-schema';
import type { RouteContract } from './route.ts';
import type { RouteKey, RouteMethod } from './router.ts';
import type { Schema } from './validate.ts';

/** The answer a route documents for success. */
export interface RouteResponse {
  status: number;
  description: string;
  /** The response body (JSON unless `contentType` says otherwise); none for a 204. */
  schema?: Schema;
  contentType?: string;
}

/** What the document says of a route beyond its method, path and contract. */
export interface RouteDoc {
  summary: string;
  response: RouteResponse;
  /** Error statuses this route answers on purpose beyond the ones every route may (see `errorStatuses`). */
  errors?: readonly number[];
  /** Served without a token. */
  public?: boolean;
  /** Whom the route is for: the Vonage API, a telephony provider's webhooks, Twilio Conversations clients, the application webhooks' admin, or the client SDKs' paths. */
  surface?: 'api' | 'voice' | 'twilio' | 'webhooks' | 'client-sdk';
  /** How the request body is encoded; JSON unless given (Twilio's routes take forms). */
  requestContentType?: string;
  /** The security scheme (of `OpenApiInfo.securitySchemes`) the route takes instead of the bearer JWT. */
  securityScheme?: string;
  /** The error body schema (of `OpenApiInfo.schemas`) the route answers with instead of `Error`. */
  errorSchema?: string;
}

/** The docs of a route table, by `METHOD path`. */
export type RouteDocs<K extends RouteKey = RouteKey> = Record<K, RouteDoc>;

/** A route as the document shows it. */
export interface DocumentedRoute extends RouteDoc {
  method: RouteMethod;
  /** `{name}` marks a path parameter. */
  path: string;
  contract?: RouteContract;
}

const CONVERSION: ConversionConfig = {
  target: 'draft-2020-12',
  // Query strings are coerced and enums canonicalised: document what a value becomes, which is also what
  // the client may send (`page_size` an integer, `state` one of its values).
  typeMode: 'output',
  // Refinements and transformations have no JSON Schema form; the schemas carry `metadata` where it matters.
  ignoreActions: ['check', 'raw_check', 'transform', 'raw_transform', 'finite'],
  // `anyObject` is a `custom` schema (any JSON object); its `metadata` says `type: object`.
  overrideSchema: ({ valibotSchema, jsonSchema }) =>
    valibotSchema.type === 'custom' ? { ...jsonSchema } : undefined,
};

const jsonSchemaOf = (schema: Schema): JsonSchema => {
  const { $schema: _dialect, ...rest } = toJsonSchema(schema, CONVERSION);
  return rest;
};

/** Why each error status may come back, and the Vonage body it carries. */
const ERRORS = new Map<number, string>([
  [400, 'Validation failed (`http:error:validation-fail`, naming every bad field) or a bad request.'],
  [401, 'No token, or a token that is invalid or expired (`system:error:*-token`).'],
  [403, 'The token may not do this (`system:error:permission`).'],
  [404, 'Not found, or not visible to the caller.'],
  [409, 'The name is taken (`*:error:duplicate-name`).'],
  [413, 'The body is larger than 256 KiB (`http:error:request-too-large`).'],
  [415, 'The body is not sent as JSON (`http:error:unsupported-media-type`).'],
  [422, 'The Idempotency-Key was used with another request (`http:error:idempotency-key-reused`).'],
  [429, 'The conversation is too busy; retry after `Retry-After` seconds.'],
]);

const ERROR_REF = { $ref: '#/components/schemas/Error' };

/** The REST API's writes take an Idempotency-Key (the webhooks and the public document do not). */
const takesIdempotencyKey = (route: DocumentedRoute): boolean =>
  !route.public && route.surface !== 'voice' && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method);

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes the write safe to retry: a retry with the same key, method, path and body within 24 hours gets the first answer back (`Idempotent-Replayed: true`) and writes nothing.',
  schema: { type: 'string', minLength: 1, maxLength: 257 },
};

const errorStatuses = (route: DocumentedRoute, contract: RouteContract, hasParams: boolean): number[] => {
  const statuses = new Set(route.errors ?? []);
  if (takesIdempotencyKey(route)) for (const s of [400, 422]) statuses.add(s);
  if (contract.body) for (const s of [400, 413, 415]) statuses.add(s);
  if (contract.query) statuses.add(400);
  if (!route.public) {
    statuses.add(401);
    statuses.add(403);
  }
  if (hasParams) statuses.add(404);
  return [...statuses].sort((a, b) => a - b);
};

/** What every error of a route with its own error body means (the statuses say the rest). */
const OWN_ERROR = "An error in the surface's own shape; see the code in the body.";

const operationOf = (route: DocumentedRoute) => {
  const contract = route.contract ?? {};
  const pathParams = [...route.path.matchAll(/\{([^/}]+)\}/g)].map((m) => m[1]);
  const parameters: Record<string, unknown>[] = pathParams.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (takesIdempotencyKey(route)) parameters.push(IDEMPOTENCY_KEY);
  const query = contract.query && jsonSchemaOf(contract.query);
  for (const [name, schema] of Object.entries(query?.properties ?? {}))
    parameters.push({
      name,
      in: 'query',
      required: query?.required?.includes(name) ?? false,
      schema,
      // `event_type=a,b`: an array in a query string is comma-separated.
      ...(typeof schema === 'object' && schema.type === 'array' ? { style: 'form', explode: false } : {}),
    });
  const body = contract.body && jsonSchemaOf(contract.body);
  const { response } = route;
  const responses: Record<string, unknown> = {
    [response.status]: {
      description: response.description,
      ...(response.schema
        ? {
            content: {
              [response.contentType ?? 'application/json']: { schema: jsonSchemaOf(response.schema) },
            },
          }
        : {}),
    },
  };
  const errorRef = route.errorSchema ? { $ref: `#/components/schemas/${route.errorSchema}` } : ERROR_REF;
  for (const status of errorStatuses(route, contract, pathParams.length > 0))
    responses[status] = {
      description: route.errorSchema ? OWN_ERROR : (ERRORS.get(status) ?? 'An error.'),
      content: { 'application/json': { schema: errorRef } },
    };
  return {
    summary: route.summary,
    ...(route.surface ? { tags: [route.surface] } : {}),
    ...(route.public
      ? { security: [] }
      : route.securityScheme
        ? { security: [{ [route.securityScheme]: [] }] }
        : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: (body.required?.length ?? 0) > 0 || body.oneOf !== undefined,
            content: { [route.requestContentType ?? 'application/json']: { schema: body } },
          },
        }
      : {}),
    responses,
  };
};

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
  errorSchema: Schema;
  /** More body schemas under `components.schemas` (another surface's error body). */
  schemas?: Record<string, Schema>;
  /** More security schemes beside the bearer JWT. */
  securitySchemes?: Record<string, unknown>;
}

/** The OpenAPI 3.1 document of these routes. */
export const openApiDocument = (routes: readonly DocumentedRoute[], info: OpenApiInfo) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = operationOf(route);
  }
  const { errorSchema, schemas = {}, securitySchemes = {}, ...about } = info;
  return {
    openapi: '3.1.0',
    info: about,
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An RS256 application JWT; without `sub` an admin token, with `sub` a user token.',
        },
        ...securitySchemes,
      },
      schemas: {
        Error: jsonSchemaOf(errorSchema),
        ...Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, jsonSchemaOf(schema)])),
      },
    },
  };
};
