import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { languageModel } from '../../src/ai/providers.js';
import type { LlmProviderName } from '../../src/config/index.js';

function model(provider: LlmProviderName) {
  const built = languageModel({
    provider,
    model: 'some-model',
    baseUrl: 'http://127.0.0.1:9/v1',
    apiKey: 'test-key',
  });
  if (typeof built === 'string') throw new Error('expected a model object');

  return built;
}

describe('languageModel', () => {
  it("uses OpenAI's chat-completions API, not the responses API", () => {
    assert.equal(model('openai').provider, 'openai.chat');
  });

  it('builds each configured provider with the configured model (no request is made)', () => {
    assert.match(model('google').provider, /^google/);
    assert.match(model('anthropic').provider, /^anthropic/);
    assert.match(model('openai-compatible').provider, /^openai-compatible/);
    assert.equal(model('anthropic').modelId, 'some-model');
  });
});
