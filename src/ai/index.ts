/**
 * The responder: answers chat messages, rewrites personas and drafts knowledge,
 * with an AI provider when one is configured and from the bot's own knowledge
 * when none is. It never throws on a provider failure: the user gets an apology.
 */
import type { Logger } from 'pino';

import type { Config } from '../config/index.js';
import type { Db } from '../db/client.js';
import { type Ranked, rankKnowledge } from '../knowledge/retrieval.js';
import { type Knowledge, loadKnowledge } from '../knowledge/store.js';
import { parseDraftByRules, parseModelDraft } from './drafts.js';
import { callModels, type ConfiguredModel, configuredModels } from './model-call.js';
import { answerPrompt, draftRequest, type ModelPrompt, rewritePromptRequest } from './prompt.js';
import { KeyedSemaphore } from './semaphore.js';
import { aiTexts } from './texts.js';
import type { Answer, AnswerRequest, BotPersona, KnowledgeDraft, Responder } from './types.js';

/** Knowledge entries shown to the model: a few related ones, not the whole catalogue. */
export const PROMPT_KNOWLEDGE_LIMIT = 8;
export const PROMPT_KNOWLEDGE_MIN_SCORE = 0.1;
/** Without a model an entry is the answer itself, so it must match clearly. */
export const DIRECT_ANSWER_MIN_SCORE = 0.25;
/** The partner API's limit on a system prompt; a longer rewrite is not used. */
const MAX_SYSTEM_PROMPT_LENGTH = 10_000;

/** The bot's own answer to a question, for when no model is set up. */
export function answerFromKnowledge(question: string, knowledge: Knowledge): Answer {
  const [best] = rankKnowledge(question, knowledge, {
    limit: 1,
    minScore: DIRECT_ANSWER_MIN_SCORE,
  });
  if (best === undefined) return { text: aiTexts.noModel(), source: 'fallback' };

  return {
    text: best.kind === 'faq' ? best.entry.answer : aiTexts.product(best.entry),
    source: 'faq',
  };
}

/**
 * Entries related to the question; a follow-up ("那週末呢？") also draws on the
 * user's previous message, after the question's own matches.
 */
export function knowledgeForPrompt(request: AnswerRequest, knowledge: Knowledge): Ranked[] {
  const options = { limit: PROMPT_KNOWLEDGE_LIMIT, minScore: PROMPT_KNOWLEDGE_MIN_SCORE };
  const ranked = rankKnowledge(request.question, knowledge, options);
  const previous = request.history.findLast((turn) => turn.role === 'user');
  if (previous === undefined || ranked.length >= PROMPT_KNOWLEDGE_LIMIT) return ranked;

  const seen = new Set(ranked.map((entry) => entry.entry.id));
  const more = rankKnowledge(previous.content, knowledge, options).filter(
    (entry) => !seen.has(entry.entry.id),
  );

  return [...ranked, ...more].slice(0, PROMPT_KNOWLEDGE_LIMIT);
}

class ModelResponder implements Responder {
  readonly hasModel = true;
  private readonly slots: KeyedSemaphore;

  constructor(
    private readonly config: Config,
    private readonly db: Db,
    private readonly models: readonly ConfiguredModel[],
    private readonly log: Logger,
  ) {
    this.slots = new KeyedSemaphore(config.llmConcurrencyPerBot);
  }

  /** The models' text, in turn with the bot's other calls; undefined on failure or timeout. */
  private async call(botId: string | undefined, prompt: ModelPrompt): Promise<string | undefined> {
    const timeoutMs = this.config.llmTimeoutMs;
    const log = botId === undefined ? this.log : this.log.child({ bot_id: botId });
    const run = () => callModels(this.models, prompt, { timeoutMs }, log);
    if (botId === undefined) return run();

    try {
      return await this.slots.run(botId, AbortSignal.timeout(timeoutMs), run);
    } catch (err) {
      log.warn({ err }, 'no model slot for the bot within the timeout');

      return undefined;
    }
  }

  async answer(request: AnswerRequest): Promise<Answer> {
    try {
      const knowledge = await loadKnowledge(this.db, request.bot.id);
      const prompt = answerPrompt(request, knowledgeForPrompt(request, knowledge));
      const text = await this.call(request.bot.id, prompt);
      if (text !== undefined) return { text, source: 'model' };
    } catch (err) {
      this.log.error({ err, bot_id: request.bot.id }, 'answering failed');
    }

    return { text: aiTexts.apology(), source: 'error' };
  }

  async rewritePrompt(bot: BotPersona, instruction: string): Promise<string> {
    const text = await this.call(bot.id, rewritePromptRequest(bot, instruction));
    if (text === undefined || text.length > MAX_SYSTEM_PROMPT_LENGTH) {
      return aiTexts.promptWithInstruction(bot.systemPrompt, instruction);
    }

    return text;
  }

  async draftKnowledge(text: string): Promise<KnowledgeDraft | undefined> {
    const modelText = await this.call(undefined, draftRequest(text));
    const drafted = modelText === undefined ? undefined : parseModelDraft(modelText, text);

    return drafted ?? parseDraftByRules(text);
  }
}

class KnowledgeResponder implements Responder {
  readonly hasModel = false;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  async answer(request: AnswerRequest): Promise<Answer> {
    try {
      return answerFromKnowledge(request.question, await loadKnowledge(this.db, request.bot.id));
    } catch (err) {
      this.log.error({ err, bot_id: request.bot.id }, 'answering from knowledge failed');

      return { text: aiTexts.apology(), source: 'error' };
    }
  }

  async rewritePrompt(bot: BotPersona, instruction: string): Promise<string> {
    return aiTexts.promptWithInstruction(bot.systemPrompt, instruction);
  }

  async draftKnowledge(text: string): Promise<KnowledgeDraft | undefined> {
    return parseDraftByRules(text);
  }
}

export function createResponder(config: Config, db: Db, log: Logger): Responder {
  const aiLog = log.child({ component: 'ai' });
  if (config.llm === undefined) {
    if (config.llmFallback !== undefined) {
      aiLog.warn('LLM_FALLBACK_PROVIDER is set without LLM_PROVIDER; no model is used');
    }

    return new KnowledgeResponder(db, aiLog);
  }

  const models = configuredModels([config.llm, config.llmFallback]);

  return new ModelResponder(config, db, models, aiLog);
}
