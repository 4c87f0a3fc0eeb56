/**
 * What one LINE multicast attempt means for its call, and when to try again.
 * Retrying is safe because every attempt of a call carries the same retry key.
 */
import {
  isMonthlyLimit,
  isRetryKeyAccepted,
  isTransient,
  type LineResult,
} from '../line/client.js';

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** No new attempt starts after this long since the first one. */
  readonly maxTotalMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxTotalMs: 60_000,
};

export const MONTHLY_LIMIT = 'monthly_limit';

export type Verdict = 'sent' | 'failed' | 'transient';

export interface AttemptOutcome {
  readonly verdict: Verdict;
  readonly httpStatus: number | null;
  readonly lineRequestId: string | null;
  readonly error: string | null;
}

export function judgeAttempt(result: LineResult<unknown>): AttemptOutcome {
  if (result.ok) {
    return {
      verdict: 'sent',
      httpStatus: 200,
      lineRequestId: result.requestId ?? null,
      error: null,
    };
  }
  const { failure } = result;
  const httpStatus = failure.status ?? null;
  if (isRetryKeyAccepted(failure)) {
    // An earlier attempt with this key was accepted: the recipients already have it.
    const lineRequestId = failure.acceptedRequestId ?? failure.requestId ?? null;

    return { verdict: 'sent', httpStatus, lineRequestId, error: null };
  }
  const lineRequestId = failure.requestId ?? null;
  if (isMonthlyLimit(failure)) {
    return { verdict: 'failed', httpStatus, lineRequestId, error: MONTHLY_LIMIT };
  }
  const error = failure.kind === 'http' ? failure.message : `${failure.kind}: ${failure.message}`;

  return {
    verdict: isTransient(failure) ? 'transient' : 'failed',
    httpStatus,
    lineRequestId,
    error,
  };
}

/** Exponential backoff with "equal jitter": half the step is fixed, half random. */
export function backoffMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));

  return Math.round(step / 2 + (random() * step) / 2);
}

/** The delay before the next attempt, or undefined when the call should give up. */
export function nextDelay(
  policy: RetryPolicy,
  attempt: number,
  elapsedMs: number,
  random = Math.random,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const delay = backoffMs(policy, attempt, random);

  return elapsedMs + delay > policy.maxTotalMs ? undefined : delay;
}
