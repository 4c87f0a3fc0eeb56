/**
 * Every call botfleet makes to LINE goes through this module, built on the
 * official SDK. Calls never throw: they resolve to a result that says whether
 * LINE accepted the call and, when not, what kind of failure it was, so callers
 * can decide between retrying, giving up and reporting.
 */
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';

export type LineMessage = messagingApi.Message;

export type ChannelKind = 'line' | 'sandbox';

export interface ChannelAccess {
  readonly kind: ChannelKind;
  readonly accessToken: string;
}

export type LineFailureKind =
  /** LINE answered with a non-2xx status. */
  | 'http'
  /** No answer: connection refused or reset, DNS failure. */
  | 'network'
  /** No answer in time; LINE may or may not have acted on the call. */
  | 'timeout'
  /** A sandbox channel while the built-in emulator is not running. */
  | 'unavailable';

export interface LineFailure {
  readonly kind: LineFailureKind;
  readonly status: number | undefined;
  readonly message: string;
  readonly requestId: string | undefined;
  readonly acceptedRequestId: string | undefined;
}

export type LineResult<T> =
  | { readonly ok: true; readonly body: T; readonly requestId: string | undefined }
  | { readonly ok: false; readonly failure: LineFailure };

const MONTHLY_LIMIT = /monthly limit/i;

/** A 409 on a retried key: LINE had already accepted the first attempt. */
export function isRetryKeyAccepted(failure: LineFailure): boolean {
  return failure.status === 409 && failure.acceptedRequestId !== undefined;
}

export function isMonthlyLimit(failure: LineFailure): boolean {
  return failure.status === 429 && MONTHLY_LIMIT.test(failure.message);
}

/** Failures where trying again later may succeed (and a retry key keeps it safe). */
export function isTransient(failure: LineFailure): boolean {
  if (failure.kind !== 'http') return failure.kind !== 'unavailable';
  if (failure.status === 429) return !isMonthlyLimit(failure);

  return failure.status !== undefined && failure.status >= 500;
}

/** True when LINE surely did not deliver: it answered with a 4xx. */
export function isDefiniteRefusal(failure: LineFailure): boolean {
  return failure.kind === 'http' && failure.status !== undefined && failure.status < 500;
}

function lineMessageOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'message' in parsed) {
      return String(parsed.message);
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }

  return body === '' ? undefined : body.slice(0, 300);
}

function toFailure(error: unknown): LineFailure {
  if (error instanceof HTTPFetchError) {
    return {
      kind: 'http',
      status: error.status,
      message: lineMessageOf(error.body) ?? error.message,
      requestId: error.headers.get('x-line-request-id') ?? undefined,
      acceptedRequestId: error.headers.get('x-line-accepted-request-id') ?? undefined,
    };
  }
  if (error instanceof TimeoutError) {
    return {
      kind: 'timeout',
      status: undefined,
      message: error.message,
      requestId: undefined,
      acceptedRequestId: undefined,
    };
  }

  return {
    kind: 'network',
    status: undefined,
    message: error instanceof Error ? error.message : String(error),
    requestId: undefined,
    acceptedRequestId: undefined,
  };
}

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new TimeoutError(`LINE did not answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function call<T>(
  run: () => Promise<{ httpResponse: Response; body: T }>,
  timeoutMs: number,
): Promise<LineResult<T>> {
  try {
    const { httpResponse, body } = await withTimeout(run(), timeoutMs);

    return {
      ok: true,
      body,
      requestId: httpResponse.headers.get('x-line-request-id') ?? undefined,
    };
  } catch (error) {
    return { ok: false, failure: toFailure(error) };
  }
}

export interface LineChannelClient {
  reply(replyToken: string, messages: LineMessage[]): Promise<LineResult<unknown>>;
  push(to: string, messages: LineMessage[], retryKey: string): Promise<LineResult<unknown>>;
  multicast(to: string[], messages: LineMessage[], retryKey: string): Promise<LineResult<unknown>>;
  showLoading(chatId: string, seconds: number): Promise<LineResult<unknown>>;
}

export interface LineGatewayOptions {
  /** Where real channels go (LINE_API_BASE_URL). */
  readonly lineApiBaseUrl: string;
  /** Where sandbox channels go: the built-in emulator's origin, once it listens. */
  readonly emulatorBaseUrl: () => string | undefined;
  readonly timeoutMs?: number;
}

const UNAVAILABLE: LineResult<never> = {
  ok: false,
  failure: {
    kind: 'unavailable',
    status: undefined,
    message: 'The LINE emulator is not running, so sandbox channels cannot send.',
    requestId: undefined,
    acceptedRequestId: undefined,
  },
};

/** Hands out clients per channel; a real channel never talks to the emulator. */
export class LineGateway {
  private readonly timeoutMs: number;

  constructor(private readonly options: LineGatewayOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  client(channel: ChannelAccess): LineChannelClient {
    const baseURL =
      channel.kind === 'line' ? this.options.lineApiBaseUrl : this.options.emulatorBaseUrl();
    if (baseURL === undefined) return unavailableClient();
    const api = new messagingApi.MessagingApiClient({
      channelAccessToken: channel.accessToken,
      baseURL,
    });
    const ms = this.timeoutMs;

    return {
      reply: (replyToken, messages) =>
        call(() => api.replyMessageWithHttpInfo({ replyToken, messages }), ms),
      push: (to, messages, retryKey) =>
        call(() => api.pushMessageWithHttpInfo({ to, messages }, retryKey), ms),
      multicast: (to, messages, retryKey) =>
        call(() => api.multicastWithHttpInfo({ to, messages }, retryKey), ms),
      showLoading: (chatId, seconds) =>
        call(() => api.showLoadingAnimationWithHttpInfo({ chatId, loadingSeconds: seconds }), ms),
    };
  }
}

function unavailableClient(): LineChannelClient {
  const fail = async () => UNAVAILABLE;

  return { reply: fail, push: fail, multicast: fail, showLoading: fail };
}
