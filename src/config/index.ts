/**
 * The one place that reads the environment. Every setting is parsed, checked and
 * frozen here; a bad value stops the process with a message naming the variable.
 */

export type LlmProviderName = 'openai' | 'google' | 'anthropic' | 'openai-compatible';

export interface LlmSettings {
  readonly provider: LlmProviderName;
  readonly model: string;
  readonly baseUrl: string | undefined;
  readonly apiKey: string | undefined;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly publicBaseUrl: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly secretKey: string | undefined;
  readonly lineApiBaseUrl: string;
  /** Port of the built-in LINE emulator; `undefined` turns it off. */
  readonly emulatorPort: number | undefined;
  readonly emulatorHost: string;
  readonly llm: LlmSettings | undefined;
  readonly llmFallback: LlmSettings | undefined;
  readonly llmTimeoutMs: number;
  readonly llmConcurrencyPerBot: number;
  readonly bindCodeTtlHours: number;
  /** Partner API requests one partner may make per second (per instance; bursts of twice that). */
  readonly partnerRequestsPerSecond: number;
  /** Events older than this (from receipt) are answered by push: their reply token has expired. */
  readonly replyTokenMaxAgeMs: number;
  /** Webhook events processed at once (different users; one user's events stay in order). */
  readonly webhookConcurrency: number;
  readonly logLevel: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

const PROVIDERS: readonly LlmProviderName[] = [
  'openai',
  'google',
  'anthropic',
  'openai-compatible',
];

const PROVIDER_KEY_VARIABLES: Record<LlmProviderName, readonly string[]> = {
  openai: ['OPENAI_API_KEY'],
  google: ['GOOGLE_GENERATIVE_AI_API_KEY', 'GEMINI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  'openai-compatible': [],
};

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();

  return value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;

  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }

  return value;
}

function url(env: Env, name: string, fallback?: string): string | undefined {
  const raw = text(env, name) ?? fallback;
  if (raw === undefined) return undefined;

  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  }

  return raw.replace(/\/+$/, '');
}

function llmSettings(env: Env, prefix: string): LlmSettings | undefined {
  const provider = text(env, `${prefix}PROVIDER`);
  if (provider === undefined) return undefined;
  if (!PROVIDERS.includes(provider as LlmProviderName)) {
    throw new ConfigError(
      `${prefix}PROVIDER must be one of ${PROVIDERS.join(', ')}, got "${provider}"`,
    );
  }

  const name = provider as LlmProviderName;
  const model = text(env, `${prefix}MODEL`);
  if (model === undefined) {
    throw new ConfigError(`${prefix}MODEL is required when ${prefix}PROVIDER is set`);
  }
  const baseUrl = url(env, `${prefix}BASE_URL`);
  if (name === 'openai-compatible' && baseUrl === undefined) {
    throw new ConfigError(`${prefix}BASE_URL is required for the openai-compatible provider`);
  }
  const keyNames = [`${prefix}API_KEY`, ...PROVIDER_KEY_VARIABLES[name]];
  const apiKey = keyNames.map((key) => text(env, key)).find((key) => key !== undefined);

  return Object.freeze({ provider: name, model, baseUrl, apiKey });
}

function emulatorPort(env: Env, port: number): number | undefined {
  const raw = text(env, 'EMULATOR_PORT');
  if (raw === 'off') return undefined;
  if (raw === undefined) return port === 0 ? 0 : port + 1;

  return integer(env, 'EMULATOR_PORT', 0, 0, 65535);
}

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = text(env, 'HOST') ?? '127.0.0.1';
  const databaseUrl = text(env, 'DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }

  return Object.freeze({
    port,
    host,
    publicBaseUrl: url(env, 'PUBLIC_BASE_URL', `http://${host}:${port}`) ?? '',
    dataDir: text(env, 'DATA_DIR') ?? './data',
    databaseUrl,
    secretKey: text(env, 'BOTFLEET_SECRET_KEY'),
    lineApiBaseUrl: url(env, 'LINE_API_BASE_URL', 'https://api.line.me') ?? '',
    emulatorPort: emulatorPort(env, port),
    emulatorHost: text(env, 'EMULATOR_HOST') ?? '127.0.0.1',
    llm: llmSettings(env, 'LLM_'),
    llmFallback: llmSettings(env, 'LLM_FALLBACK_'),
    llmTimeoutMs: integer(env, 'LLM_TIMEOUT_MS', 120_000, 1_000, 600_000),
    llmConcurrencyPerBot: integer(env, 'LLM_CONCURRENCY_PER_BOT', 2, 1, 100),
    bindCodeTtlHours: integer(env, 'BIND_CODE_TTL_HOURS', 72, 1, 24 * 365),
    partnerRequestsPerSecond: integer(env, 'PARTNER_RATE_LIMIT', 300, 1, 100_000),
    replyTokenMaxAgeMs: integer(env, 'REPLY_TOKEN_MAX_AGE_MS', 50_000, 0, 20 * 60_000),
    webhookConcurrency: integer(env, 'WEBHOOK_CONCURRENCY', 8, 1, 64),
    logLevel: text(env, 'LOG_LEVEL') ?? 'info',
  });
}
