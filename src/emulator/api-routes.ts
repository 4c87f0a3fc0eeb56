/**
 * LINE's API paths at the root of the emulator's origin (the SDK throws away any path in its
 * base URL). Each call goes through the steps LINE takes: an injected fault if one is set,
 * then the access token, the rate limit, the retry key, the body, and finally the endpoint.
 * Every answer is JSON and carries a fresh `x-line-request-id`.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

import type { ChannelState } from './channels.js';
import { type Endpoint, ENDPOINTS, type LineAnswer } from './endpoints.js';
import { UUID } from './ids.js';
import { LineApiError, lineErrors } from './line-errors.js';
import type { Json } from './requests.js';
import type { AcceptedCall } from './retry-keys.js';
import type { EmulatorState } from './state.js';
import type { FaultInput } from './types.js';

/** LINE refuses request bodies over 2 MB with a 413. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const JSON_TYPE = /^application\/json\s*(;|$)/i;

type ParsedBody = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];

  return Array.isArray(value) ? value[0] : value;
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?', 1)[0] ?? request.url;
}

function tokenOf(request: FastifyRequest): string | undefined {
  return BEARER.exec(header(request, 'authorization') ?? '')?.[1];
}

function parseBody(raw: unknown): ParsedBody {
  if (!Buffer.isBuffer(raw)) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

function authorize(state: EmulatorState, request: FastifyRequest): ChannelState {
  const token = tokenOf(request);
  if (token === undefined) throw lineErrors.authorizationRequired();

  const channel = state.channels.byAccessToken(token);
  if (channel === undefined) throw lineErrors.authenticationFailed();

  return channel;
}

function jsonBody(request: FastifyRequest, parsed: ParsedBody): Json {
  const type = header(request, 'content-type');
  if (type === undefined || !JSON_TYPE.test(type)) {
    throw lineErrors.unsupportedContentType(type ?? 'null');
  }
  const value = parsed.ok ? parsed.value : undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw lineErrors.unparsableJson();
  }

  return value as Json;
}

/** The request's retry key, after checking the endpoint takes one and it is a UUID. */
function retryKeyOf(request: FastifyRequest, endpoint: Endpoint): string | undefined {
  const key = header(request, 'x-line-retry-key');
  if (key === undefined) return undefined;
  if (!endpoint.retryKey) throw lineErrors.retryKeyNotSupported();
  if (!UUID.test(key)) throw lineErrors.retryKeyInvalid();

  return key;
}

function refuseAcceptedKey(state: EmulatorState, channel: ChannelState, key: string): void {
  const accepted = state.retryKeys.find(channel.id, key, Date.now());
  if (accepted !== undefined) {
    throw lineErrors.retryKeyAccepted(accepted.requestId, accepted.sentMessages);
  }
}

/** Only an accepted call uses its key up, so a retry of a refused call may still go through. */
function acceptKey(state: EmulatorState, channel: ChannelState, key: string, call: AcceptedCall) {
  state.retryKeys.remember(channel.id, key, call);
}

function answerOf(error: LineApiError): LineAnswer {
  return { status: error.status, body: error.body, headers: error.headers };
}

/** LINE's normal processing of one call; its refusals come back as answers. */
function processCall(
  state: EmulatorState,
  endpoint: Endpoint,
  request: FastifyRequest,
  parsed: ParsedBody,
): LineAnswer {
  try {
    const channel = authorize(state, request);
    const { method, url } = endpoint;
    if (!state.limiter.allow(channel.id, `${method} ${url}`, endpoint.limit)) {
      throw lineErrors.rateLimited();
    }
    const retryKey = retryKeyOf(request, endpoint);
    if (retryKey !== undefined) refuseAcceptedKey(state, channel, retryKey);
    const body = method === 'POST' ? jsonBody(request, parsed) : {};

    const meta = { requestId: request.id, retryKey, now: Date.now() };
    const params = request.params as Record<string, string | undefined>;
    const answer = endpoint.handle(state, { channel, body, params, meta });
    if (retryKey !== undefined) {
      const { sentMessages } = answer;
      acceptKey(state, channel, retryKey, { requestId: request.id, sentMessages, at: meta.now });
    }

    return answer;
  } catch (error) {
    if (error instanceof LineApiError) return answerOf(error);
    throw error;
  }
}

function faultAnswer(status: number, fault: FaultInput): LineAnswer {
  return answerOf(lineErrors.fault(status, fault.message));
}

/** Injected faults come first; `afterProcessing` lets the call take effect, then fails it. */
async function serve(state: EmulatorState, endpoint: Endpoint, request: FastifyRequest) {
  const channelId = state.channels.byAccessToken(tokenOf(request) ?? '')?.id;
  const fault = state.faults.take(pathOf(request), channelId);
  if (fault?.delayMs !== undefined && fault.delayMs > 0) await sleep(fault.delayMs);

  const parsed = parseBody(request.body);
  if (fault?.status !== undefined && fault.afterProcessing !== true) {
    return { answer: faultAnswer(fault.status, fault), parsed };
  }

  const answer = processCall(state, endpoint, request, parsed);
  if (fault?.status !== undefined) return { answer: faultAnswer(fault.status, fault), parsed };

  return { answer, parsed };
}

function record(
  state: EmulatorState,
  request: FastifyRequest,
  status: number,
  parsed: ParsedBody,
): void {
  state.calls.add({
    channelId: state.channels.byAccessToken(tokenOf(request) ?? '')?.id,
    method: request.method,
    path: pathOf(request),
    status,
    requestId: request.id,
    retryKey: header(request, 'x-line-retry-key'),
    body: parsed.ok ? parsed.value : undefined,
    at: new Date().toISOString(),
  });
}

function send(reply: FastifyReply, answer: LineAnswer) {
  return reply
    .code(answer.status)
    .headers(answer.headers ?? {})
    .send(answer.body);
}

/** Fastify's own refusal (a body over the limit) in LINE's words. */
function lineErrorOf(error: FastifyError): LineApiError | undefined {
  if (error instanceof LineApiError) return error;

  return error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? lineErrors.tooLarge() : undefined;
}

export const apiRoutes: FastifyPluginAsync<{ state: EmulatorState }> = async (app, { state }) => {
  // The body is parsed by the steps above, in LINE's order, so keep it raw here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = lineErrorOf(error);
    if (known === undefined) request.log.error({ err: error }, 'LINE emulator call failed');
    const answer = answerOf(known ?? lineErrors.fault(500, 'Internal server error'));
    record(state, request, answer.status, { ok: false });

    return send(reply, answer);
  });

  for (const endpoint of ENDPOINTS) {
    app.route({
      method: endpoint.method,
      url: endpoint.url,
      bodyLimit: MAX_BODY_BYTES,
      handler: async (request, reply) => {
        const { answer, parsed } = await serve(state, endpoint, request);
        record(state, request, answer.status, parsed);

        return send(reply, answer);
      },
    });
  }
};
