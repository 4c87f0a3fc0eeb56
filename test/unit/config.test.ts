import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('loadConfig', () => {
  it('runs on embedded defaults when nothing is set', () => {
    const config = loadConfig({});

    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dataDir, './data');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.emulatorPort, 3001);
    assert.equal(config.lineApiBaseUrl, 'https://api.line.me');
    assert.equal(config.publicBaseUrl, 'http://127.0.0.1:3000');
    assert.equal(config.llm, undefined);
    assert.ok(Object.isFrozen(config));
  });

  it('names the variable when a number is out of range', () => {
    assert.throws(() => loadConfig({ PORT: '70000' }), {
      name: 'ConfigError',
      message: /PORT must be a whole number from 0 to 65535/,
    });
  });

  it('rejects a DATABASE_URL that is not a PostgreSQL URL', () => {
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), ConfigError);
  });

  it('requires a model and, for openai-compatible, a base URL', () => {
    assert.throws(() => loadConfig({ LLM_PROVIDER: 'openai' }), /LLM_MODEL is required/);
    assert.throws(
      () => loadConfig({ LLM_PROVIDER: 'openai-compatible', LLM_MODEL: 'm' }),
      /LLM_BASE_URL is required/,
    );
    assert.throws(() => loadConfig({ LLM_PROVIDER: 'cohere', LLM_MODEL: 'm' }), /must be one of/);
  });

  it("takes the provider's usual key variable when LLM_API_KEY is unset", () => {
    const config = loadConfig({
      LLM_PROVIDER: 'anthropic',
      LLM_MODEL: 'claude',
      ANTHROPIC_API_KEY: 'k-1',
    });

    assert.deepEqual(config.llm, {
      provider: 'anthropic',
      model: 'claude',
      baseUrl: undefined,
      apiKey: 'k-1',
    });
  });

  it('reads the fallback provider from LLM_FALLBACK_ variables', () => {
    const config = loadConfig({
      LLM_FALLBACK_PROVIDER: 'openai-compatible',
      LLM_FALLBACK_MODEL: 'llama',
      LLM_FALLBACK_BASE_URL: 'http://127.0.0.1:11434/v1/',
    });

    assert.equal(config.llmFallback?.baseUrl, 'http://127.0.0.1:11434/v1');
    assert.equal(config.llmFallback?.apiKey, undefined);
  });

  it('turns the emulator off with EMULATOR_PORT=off', () => {
    assert.equal(loadConfig({ EMULATOR_PORT: 'off' }).emulatorPort, undefined);
  });
});
