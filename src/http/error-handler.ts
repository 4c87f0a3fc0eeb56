/** Turns every error into the one error body; internals never reach the client. */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { ApiError, errorBody, type ErrorDetail, errors } from './errors.js';

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/messages/0/text` → `messages[0].text` */
export function jsonPointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => {
      if (/^\d+$/.test(segment)) return `${path}[${segment}]`;

      return path === '' ? segment : `${path}.${segment}`;
    }, '');
}

function validationDetails(issues: readonly AjvIssue[], part: string | undefined): ErrorDetail[] {
  return issues.map((issue) => {
    let path = jsonPointerToPath(issue.instancePath);
    const missing = issue.params.missingProperty;
    if (issue.keyword === 'required' && typeof missing === 'string') {
      path = path === '' ? missing : `${path}.${missing}`;

      return { path, message: 'is required' };
    }
    if (path === '' && part !== undefined && part !== 'body') path = part;

    return { path: path === '' ? '(body)' : path, message: issue.message ?? 'is invalid' };
  });
}

function fromFrameworkError(error: FastifyError): ApiError | undefined {
  if (error.validation !== undefined) {
    const details = validationDetails(error.validation, error.validationContext);

    return errors.validation(
      details,
      `The request is invalid: ${details[0]?.path ?? ''} ${details[0]?.message ?? ''}`.trim(),
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.invalidJson();
    default:
      break;
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON') {
    return errors.invalidJson();
  }
  if (error.statusCode === 413) return errors.payloadTooLarge();
  if (error.statusCode === 415) return errors.unsupportedMediaType();
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError(error.statusCode, 'validation_failed', 'The request could not be read.');
  }

  return undefined;
}

/**
 * What an unexpected error may put in the log: a failed query's message
 * carries its parameters (hashed credentials, user text), so only its first
 * line and the database's error code are kept.
 */
export function loggableError(error: Error): Record<string, unknown> {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;

  return {
    type: error.name,
    message: error.message.split('\n')[0]?.slice(0, 300),
    ...(cause?.code === undefined ? {} : { db_code: cause.code }),
    ...(typeof cause?.message === 'string' ? { cause: cause.message.slice(0, 300) } : {}),
    stack: error.stack?.split('\n').slice(1, 8).join('\n'),
  };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = error instanceof ApiError ? error : fromFrameworkError(error);
    if (apiError === undefined) {
      request.log.error({ err: loggableError(error) }, 'request failed');
      const internal = errors.internal();

      return reply.status(internal.status).send(errorBody(internal, request.id));
    }
    if (apiError.status >= 500) request.log.error({ err: loggableError(error) }, 'request failed');
    else request.log.info({ code: apiError.code, status: apiError.status }, 'request rejected');

    return reply
      .status(apiError.status)
      .headers(apiError.headers ?? {})
      .send(errorBody(apiError, request.id));
  });

  app.setNotFoundHandler((request, reply) => {
    const error = errors.notFound('The requested endpoint');

    return reply.status(404).send(errorBody(error, request.id));
  });
}
