/** LINE's error answers, with LINE's exact wording where it is known. */
import { STATUS_CODES } from 'node:http';

import type { MessageIssue } from '../line/validate-messages.js';

export interface SentMessage {
  readonly id: string;
  readonly quoteToken?: string;
}

export interface LineErrorBody {
  readonly message: string;
  readonly details?: readonly { readonly message: string; readonly property: string }[];
  /** Only on a push's 409: the messages the accepted call sent. */
  readonly sentMessages?: readonly SentMessage[];
}

/** Thrown by the emulator's LINE handlers; rendered as `{message, details?}` with its status. */
export class LineApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: LineErrorBody,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(body.message);
  }
}

export const RATE_LIMITED = 'The API rate limit has been exceeded. Try again later.';
export const MONTHLY_LIMIT = 'You have reached your monthly limit.';

function fail(status: number, message: string): LineApiError {
  return new LineApiError(status, { message });
}

export const lineErrors = {
  authorizationRequired: () =>
    fail(
      401,
      "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'",
    ),
  authenticationFailed: () =>
    fail(
      401,
      'Authentication failed. Confirm that the access token in the authorization header is valid.',
    ),
  rateLimited: () => fail(429, RATE_LIMITED),
  monthlyLimit: () => fail(429, MONTHLY_LIMIT),
  invalidReplyToken: () => fail(400, 'Invalid reply token'),
  unparsableJson: () =>
    fail(400, 'The request body could not be parsed as JSON (line: -, column: -)'),
  unsupportedContentType: (contentType: string) =>
    fail(415, `The content type, ${contentType}, is not supported`),
  tooLarge: () => fail(413, 'The request body is too large'),
  invalidProperty: (property: string) =>
    fail(400, `The property, ${property}, in the request body is invalid (line: -, column: -)`),
  invalidParameter: (name: string) => fail(400, `The value for the '${name}' parameter is invalid`),
  notFound: () => fail(404, 'Not found'),
  retryKeyNotSupported: () => fail(400, 'The X-Line-Retry-Key header is not supported by this API'),
  retryKeyInvalid: () => fail(400, 'The X-Line-Retry-Key header must be a UUID'),
  retryKeyAccepted: (acceptedRequestId: string, sentMessages?: readonly SentMessage[]) =>
    new LineApiError(
      409,
      {
        message: 'The retry key is already accepted',
        ...(sentMessages === undefined ? {} : { sentMessages }),
      },
      { 'x-line-accepted-request-id': acceptedRequestId },
    ),
  /** 400 listing every problem, as LINE does for invalid request bodies. */
  invalidBody: (issues: readonly MessageIssue[]) =>
    new LineApiError(400, {
      message: `The request body has ${issues.length} error(s)`,
      details: issues.map((issue) => ({ message: issue.message, property: issue.path })),
    }),
  /** The body an injected fault answers with: LINE's wording when the status has one. */
  fault: (status: number, message?: string) =>
    fail(status, message ?? (status === 429 ? RATE_LIMITED : (STATUS_CODES[status] ?? 'Error'))),
};
