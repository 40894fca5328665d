/**
 * Errors the API returns on purpose. Each carries the Vonage error code (the spec's `x-errors`), the HTTP
 * status and a detail a client can act on. Anything else that reaches the error mapper is a bug and
 * becomes a generic 500 with nothing internal in it.
 */
export interface InvalidParameter {
  name: string;
  reason: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad request.',
  401: 'Unauthorized.',
  403: 'Forbidden.',
  404: 'Not found.',
  405: 'Method not allowed.',
  406: 'Not acceptable.',
  409: 'Conflict.',
  413: 'Payload too large.',
  415: 'Unsupported media type.',
  429: 'Too Many Requests.',
  500: 'Internal Error.',
};

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly title: string;
  /** Response headers the error carries (`Retry-After` on a 429). */
  headers?: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly invalidParameters?: InvalidParameter[],
    title?: string,
  ) {
    super(`${code}: ${detail}`);
    this.title = title ?? TITLES[status] ?? 'Error.';
  }
}

export const validationError = (invalidParameters: InvalidParameter[]): ApiError =>
  new ApiError(400, 'http:error:validation-fail', 'Input validation failure.', invalidParameters);

export const notFound = {
  conversation: () =>
    new ApiError(
      404,
      'conversation:error:not-found',
      'Conversation does not exist, or you do not have access.',
    ),
  user: () => new ApiError(404, 'user:error:not-found', 'User does not exist, or you do not have access.'),
  member: () =>
    new ApiError(
      404,
      'conversation:error:member-not-found',
      'Member does not exist, or you do not have access.',
    ),
  event: () => new ApiError(404, 'event:error:not-found', 'Event does not exist, or you do not have access.'),
  leg: () =>
    new ApiError(404, 'leg:error:not-found', 'Conversation leg does not exist, or you do not have access.'),
  number: () =>
    new ApiError(404, 'number:error:not-found', 'Number route does not exist, or you do not have access.'),
  route: () =>
    new ApiError(404, 'http:error:not-found', 'Endpoint does not exist, or you do not have access.'),
};

export const conflict = {
  conversationName: () =>
    new ApiError(
      409,
      'conversation:error:duplicate-name',
      'The request failed because the conversation name already exists. Please provide a unique conversation name and try again.',
    ),
  userName: () =>
    new ApiError(
      409,
      'user:error:duplicate-name',
      'The request failed because the user name already exists. Please provide a unique user name and try again.',
    ),
};

export const authError = {
  missing: () =>
    new ApiError(
      401,
      'system:error:missing-token',
      'You did not provide a token. Please provide a valid token.',
    ),
  invalid: () =>
    new ApiError(
      401,
      'system:error:invalid-token',
      'You did not provide a valid token. Please provide a valid token.',
    ),
  expired: () =>
    new ApiError(
      401,
      'system:error:expired-token',
      'You provided an expired token. Please provide a valid token.',
    ),
  permission: () =>
    new ApiError(
      403,
      'system:error:permission',
      'You did not provide a correct token. Please provide a valid token.',
      undefined,
      'Forbidden.',
    ),
  adminOnly: () =>
    new ApiError(
      403,
      'system:error:permission',
      'This operation needs an admin token (a JWT without "sub").',
    ),
  userTokenRequired: () =>
    new ApiError(400, 'user:error:invalid-user-token', 'Token does not contain a user name.'),
};

export const internalError = (): ApiError =>
  new ApiError(500, 'system:error:internal-error', 'Something went wrong.');

/** Lost the race for a busy conversation too many times: retryable, the client may try again shortly. */
export const tooBusy = (retryAfterSeconds = 1): ApiError => {
  const error = new ApiError(
    429,
    'http:error:too-many-request',
    'The conversation is too busy right now. Please retry after the time given in Retry-After.',
  );
  error.headers = { 'retry-after': String(retryAfterSeconds) };
  return error;
};
