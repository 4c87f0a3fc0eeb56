/**
 * One request to the configured models: the primary provider, then the
 * fallback provider when the primary fails. Each attempt has its own deadline.
 * The SDK's own retries are off: the user is waiting on LINE, and the fallback
 * provider is the better second try.
 */
import { APICallError, generateText, type LanguageModel } from 'ai';
import type { Logger } from 'pino';

import type { LlmSettings } from '../config/index.js';
import { cleanModelText, type ModelPrompt } from './prompt.js';
import { describeProvider, languageModel } from './providers.js';

export interface ConfiguredModel {
  readonly settings: LlmSettings;
  readonly model: LanguageModel;
}

export interface ModelCallOptions {
  readonly timeoutMs: number;
  /** Aborts the whole call, waiting included. */
  readonly signal?: AbortSignal;
}

export function configuredModels(
  settings: readonly (LlmSettings | undefined)[],
): ConfiguredModel[] {
  return settings
    .filter((entry) => entry !== undefined)
    .map((entry) => ({ settings: entry, model: languageModel(entry) }));
}

function failureFields(err: unknown): Record<string, unknown> {
  if (APICallError.isInstance(err)) return { status: err.statusCode, error: err.message };

  return { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}

async function attempt(
  target: ConfiguredModel,
  prompt: ModelPrompt,
  options: ModelCallOptions,
): Promise<string> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal =
    options.signal === undefined ? deadline : AbortSignal.any([deadline, options.signal]);
  const result = await generateText({
    model: target.model,
    instructions: prompt.instructions,
    messages: prompt.messages,
    maxRetries: 0,
    abortSignal: signal,
  });
  const text = cleanModelText(result.text);
  if (text === '') throw new Error('the model returned no text');

  return text;
}

/** The first non-empty text of the models in order; undefined when every one failed. */
export async function callModels(
  models: readonly ConfiguredModel[],
  prompt: ModelPrompt,
  options: ModelCallOptions,
  log: Logger,
): Promise<string | undefined> {
  for (const target of models) {
    if (options.signal?.aborted === true) return undefined;
    const started = performance.now();
    try {
      return await attempt(target, prompt, options);
    } catch (err) {
      log.warn(
        {
          ...describeProvider(target.settings),
          ...failureFields(err),
          duration_ms: Math.round(performance.now() - started),
        },
        'model call failed',
      );
    }
  }

  return undefined;
}
