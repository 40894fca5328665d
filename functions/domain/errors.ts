/**
 * Errors Parley refuses a request with on purpose. Each carries a Vonage error code (the spec's
 * `x-errors`) and a detail a client can act on, and nothing of HTTP: the surface that answers maps the
 * code to its own status and title (`functions/http/status.ts` for the REST and webhook surfaces).
 * Anything else that reaches a surface's error mapper is a bug and becomes a generic internal error.
 */
export interface InvalidParameter {
  name: string;
  reason: string;
}

/** Every code a domain error may carry; each surface's status table must name them all. */
export const ERROR_CODES = [
  'http:error:validation-fail',
  'http:error:not-found',
  'http:error:method-not-allowed',
  'http:error:request-too-large',
  'http:error:unsupported-media-type',
  'http:error:too-many-request',
  'http:error:not-implemented',
  'paginator-builder:error:invalid-cursor',
  'system:error:missing-token',
  'system:error:invalid-token',
  'system:error:expired-token',
  'system:error:permission',
  'system:error:invalid-signature',
  'system:error:internal-error',
  'user:error:invalid-user-token',
  'user:error:invalid-user-name',
  'user:error:not-found',
  'user:error:duplicate-name',
  'conversation:error:not-found',
  'conversation:error:duplicate-name',
  'conversation:error:not-allowed',
  'conversation:error:member-not-found',
  'conversation:error:member-already-joined',
  'conversation:error:member-already-invited',
  'conversation:error:invalid-member-state',
  'conversation:error:maximum-number-of-members',
  'conversation:error:binding-in-use',
  'event:error:not-found',
  'event:error:not-joined',
  'event:error:permission-denied',
  'event:error:delete-not-allowed',
  'leg:error:not-found',
  'number:error:not-found',
  'application:error:not-found',
  'webhook:error:delivery-not-found',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  override readonly name = 'DomainError';
  /** Seconds after which a retry may succeed (the conversation was too busy). */
  retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly invalidParameters?: InvalidParameter[],
  ) {
    super(`${code}: ${detail}`);
  }
}

export const validationError = (invalidParameters: InvalidParameter[]): DomainError =>
  new DomainError('http:error:validation-fail', 'Input validation failure.', invalidParameters);

export const notFound = {
  conversation: () =>
    new DomainError(
      'conversation:error:not-found',
      'Conversation does not exist, or you do not have access.',
    ),
  user: () => new DomainError('user:error:not-found', 'User does not exist, or you do not have access.'),
  member: () =>
    new DomainError(
      'conversation:error:member-not-found',
      'Member does not exist, or you do not have access.',
    ),
  event: () => new DomainError('event:error:not-found', 'Event does not exist, or you do not have access.'),
  leg: () =>
    new DomainError('leg:error:not-found', 'Conversation leg does not exist, or you do not have access.'),
  number: () =>
    new DomainError('number:error:not-found', 'Number route does not exist, or you do not have access.'),
  route: () => new DomainError('http:error:not-found', 'Endpoint does not exist, or you do not have access.'),
};

export const conflict = {
  conversationName: () =>
    new DomainError(
      'conversation:error:duplicate-name',
      'The request failed because the conversation name already exists. Please provide a unique conversation name and try again.',
    ),
  userName: () =>
    new DomainError(
      'user:error:duplicate-name',
      'The request failed because the user name already exists. Please provide a unique user name and try again.',
    ),
};

export const authError = {
  missing: () =>
    new DomainError(
      'system:error:missing-token',
      'You did not provide a token. Please provide a valid token.',
    ),
  invalid: () =>
    new DomainError(
      'system:error:invalid-token',
      'You did not provide a valid token. Please provide a valid token.',
    ),
  expired: () =>
    new DomainError(
      'system:error:expired-token',
      'You provided an expired token. Please provide a valid token.',
    ),
  permission: () =>
    new DomainError(
      'system:error:permission',
      'You did not provide a correct token. Please provide a valid token.',
    ),
  adminOnly: () =>
    new DomainError('system:error:permission', 'This operation needs an admin token (a JWT without "sub").'),
  /** Membership rules: the caller sees the conversation, but may not do this in it. */
  notAllowed: (what: string) => new DomainError('system:error:permission', `Your user may not ${what}.`),
  userTokenRequired: () =>
    new DomainError('user:error:invalid-user-token', 'Token does not contain a user name.'),
};

export const internalError = (): DomainError =>
  new DomainError('system:error:internal-error', 'Something went wrong.');

/** Lost the race for a busy conversation too many times: retryable, the client may try again shortly. */
export const tooBusy = (retryAfterSeconds = 1): DomainError => {
  const error = new DomainError(
    'http:error:too-many-request',
    'The conversation is too busy right now. Please retry after the time given in Retry-After.',
  );
  error.retryAfterSeconds = retryAfterSeconds;
  return error;
};

export const requestError = {
  /** In-app voice (WebRTC legs) needs a media server Parley does not have. */
  noMedia: () =>
    new DomainError(
      'http:error:not-implemented',
      'In-app voice is not available: this server carries messaging, members and events, no media.',
    ),
  methodNotAllowed: (detail = 'Request method not supported.') =>
    new DomainError('http:error:method-not-allowed', detail),
  tooLarge: () => new DomainError('http:error:request-too-large', 'The request body is too large.'),
  unsupportedMediaType: () =>
    new DomainError('http:error:unsupported-media-type', 'Invalid media type provided.'),
  invalidCursor: () =>
    new DomainError('paginator-builder:error:invalid-cursor', 'The request failed due to an invalid cursor'),
};
