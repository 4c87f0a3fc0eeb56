/** The owner's chat commands: reading and changing the persona, teaching knowledge. */
import type { FastifyBaseLogger } from 'fastify';

import type { AppContext } from '../context.js';
import { addDraft, loadKnowledge } from '../knowledge/store.js';
import type { ChatBot } from './bots.js';
import { updateSystemPrompt } from './bots.js';
import type { OwnerCommand } from './commands.js';
import { TEACH_FORMATS, texts } from './texts.js';

/** The partner API's limit on a system prompt. */
export const MAX_SYSTEM_PROMPT_LENGTH = 10_000;

async function rewrite(ctx: AppContext, bot: ChatBot, instruction: string, log: FastifyBaseLogger) {
  const persona = { id: bot.id, storeName: bot.storeName, systemPrompt: bot.systemPrompt };
  try {
    return (await ctx.responder.rewritePrompt(persona, instruction)).trim();
  } catch (err) {
    log.error({ err }, 'rewriting the system prompt failed');

    return '';
  }
}

async function editPrompt(
  ctx: AppContext,
  bot: ChatBot,
  instruction: string,
  log: FastifyBaseLogger,
): Promise<string> {
  if (instruction === '') return texts.editPromptUsage();

  const prompt = await rewrite(ctx, bot, instruction, log);
  if (prompt === '') return texts.tryLater();
  if (prompt.length > MAX_SYSTEM_PROMPT_LENGTH) return texts.promptTooLong();

  await updateSystemPrompt(ctx.db, bot.id, prompt);

  return texts.promptUpdated(prompt);
}

async function draft(ctx: AppContext, text: string, log: FastifyBaseLogger) {
  try {
    return { draft: await ctx.responder.draftKnowledge(text), failed: false };
  } catch (err) {
    log.error({ err }, 'drafting knowledge failed');

    return { draft: undefined, failed: true };
  }
}

async function teach(
  ctx: AppContext,
  bot: ChatBot,
  text: string,
  log: FastifyBaseLogger,
): Promise<string> {
  if (text === '') return TEACH_FORMATS;

  const { draft: drafted, failed } = await draft(ctx, text, log);
  if (failed) return texts.tryLater();
  if (drafted === undefined) return TEACH_FORMATS;
  if ((await addDraft(ctx.db, bot.id, drafted)) === undefined) return texts.knowledgeFull();

  return drafted.kind === 'faq'
    ? texts.faqSaved(drafted.question, drafted.answer)
    : texts.productSaved(drafted.name, drafted.price);
}

/** Runs an owner command (the caller has checked the sender owns the bot); returns the reply. */
export async function runOwnerCommand(
  ctx: AppContext,
  bot: ChatBot,
  command: OwnerCommand,
  log: FastifyBaseLogger,
): Promise<string> {
  switch (command.kind) {
    case 'showPrompt':
      return texts.showPrompt(bot.systemPrompt);
    case 'editPrompt':
      return editPrompt(ctx, bot, command.instruction, log);
    case 'showKnowledge': {
      const knowledge = await loadKnowledge(ctx.db, bot.id);

      return texts.knowledge(knowledge.faqs, knowledge.products);
    }
    case 'teach':
      return teach(ctx, bot, command.text, log);
  }
}
