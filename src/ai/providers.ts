/** The language model behind one provider setting, through the AI SDK's provider packages. */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';

import type { LlmSettings } from '../config/index.js';

/** Only defined keys: the providers treat an explicit `undefined` like a missing setting anyway. */
function connection(settings: LlmSettings): { baseURL?: string; apiKey?: string } {
  return {
    ...(settings.baseUrl === undefined ? {} : { baseURL: settings.baseUrl }),
    ...(settings.apiKey === undefined ? {} : { apiKey: settings.apiKey }),
  };
}

export function languageModel(settings: LlmSettings): LanguageModel {
  switch (settings.provider) {
    case 'openai':
      // The chat-completions API: it is the one OpenAI-style proxies and gateways also serve.
      return createOpenAI(connection(settings)).chat(settings.model);
    case 'google':
      return createGoogleGenerativeAI(connection(settings))(settings.model);
    case 'anthropic':
      return createAnthropic(connection(settings))(settings.model);
    case 'openai-compatible':
      return createOpenAICompatible({
        name: 'openai-compatible',
        // Config requires a base URL for this provider; an empty one fails on the first call.
        baseURL: settings.baseUrl ?? '',
        ...(settings.apiKey === undefined ? {} : { apiKey: settings.apiKey }),
      }).chatModel(settings.model);
  }
}

/** How a provider appears in logs: never its key. */
export function describeProvider(settings: LlmSettings): { provider: string; model: string } {
  return { provider: settings.provider, model: settings.model };
}
