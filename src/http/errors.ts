/**
 * The catalogue of API errors. Every error response has one shape:
 * `{success: false, error, code, details?, request_id}`; handlers throw
 * `ApiError`s made by the factories below and one handler renders them.
 */

export interface ErrorDetail {
  path: string;
  message: string;
}

export type ErrorCode =
  | 'validation_failed'
  | 'invalid_json'
  | 'invalid_message'
  | 'unauthorized'
  | 'forbidden'
  | 'quota_exhausted'
  | 'not_found'
  | 'already_bound'
  | 'conflict'
  | 'idempotency_key_in_use'
  | 'idempotency_key_reused'
  | 'payload_too_large'
  | 'too_many_bot_ids'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'no_channel'
  | 'internal_error'
  | 'service_unavailable';

export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const errors = {
  validation: (details: ErrorDetail[], message = 'The request is invalid.') =>
    new ApiError(400, 'validation_failed', message, details),
  invalidJson: () => new ApiError(400, 'invalid_json', 'The request body is not valid JSON.'),
  invalidMessage: (details: ErrorDetail[]) =>
    new ApiError(400, 'invalid_message', 'A message object is not valid for LINE.', details),
  unauthorized: (message = 'A valid API key is required in the Authorization header (Bearer).') =>
    new ApiError(401, 'unauthorized', message),
  forbidden: (message: string) => new ApiError(403, 'forbidden', message),
  quotaExhausted: () =>
    new ApiError(403, 'quota_exhausted', 'No bot slots are left in your quota.'),
  notFound: (what = 'The resource') => new ApiError(404, 'not_found', `${what} was not found.`),
  alreadyBound: () =>
    new ApiError(
      409,
      'already_bound',
      'The bot is already bound to another LINE user; send "replace": true to replace it.',
    ),
  conflict: (message: string) => new ApiError(409, 'conflict', message),
  idempotencyInFlight: () =>
    new ApiError(
      409,
      'idempotency_key_in_use',
      'A request with this Idempotency-Key is still being processed; retry later.',
    ),
  idempotencyReused: () =>
    new ApiError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was used with a different request.',
    ),
  payloadTooLarge: (message = 'The request body is larger than 1 MiB.') =>
    new ApiError(413, 'payload_too_large', message),
  tooManyBotIds: () =>
    new ApiError(413, 'too_many_bot_ids', 'At most 5000 bot_ids may be sent in one request.'),
  unsupportedMediaType: () =>
    new ApiError(415, 'unsupported_media_type', 'The request body must be application/json.'),
  rateLimited: (retryAfterSeconds: number) =>
    new ApiError(429, 'rate_limited', 'Too many requests; retry later.', undefined, {
      'retry-after': String(retryAfterSeconds),
    }),
  noChannel: () =>
    new ApiError(409, 'no_channel', 'No LINE channel is registered for this bot or partner.'),
  internal: () => new ApiError(500, 'internal_error', 'Something went wrong on our side.'),
  unavailable: () =>
    new ApiError(503, 'service_unavailable', 'The service is temporarily unavailable.'),
};

export function errorBody(error: ApiError, requestId: string) {
  return {
    success: false as const,
    error: error.message,
    code: error.code,
    ...(error.details === undefined ? {} : { details: error.details }),
    request_id: requestId,
  };
}
