/** What the conversation code asks of the AI layer. */

export interface ChatTurn {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

export interface FaqEntry {
  readonly id: string;
  readonly question: string;
  readonly answer: string;
}

export interface ProductEntry {
  readonly id: string;
  readonly name: string;
  readonly price: number;
  readonly url: string | null;
  readonly description: string | null;
}

export interface BotPersona {
  readonly id: string;
  readonly storeName: string;
  readonly systemPrompt: string;
}

export interface AnswerRequest {
  readonly bot: BotPersona;
  readonly question: string;
  /** This user's last turns with the bot, oldest first. */
  readonly history: readonly ChatTurn[];
}

export interface Answer {
  readonly text: string;
  /** model = an AI provider answered; faq = matched knowledge; fallback = polite canned text. */
  readonly source: 'model' | 'faq' | 'fallback' | 'error';
}

/** Knowledge filed from an owner's `@店長聽令` / `@更新知識` text. */
export type KnowledgeDraft =
  | { readonly kind: 'faq'; readonly question: string; readonly answer: string }
  | {
      readonly kind: 'product';
      readonly name: string;
      readonly price: number;
      readonly description: string | null;
      readonly url: string | null;
    };

export interface Responder {
  /** True when an AI provider is configured. */
  readonly hasModel: boolean;
  /** Answers a user: never throws; on provider failure returns an apology (source 'error'). */
  answer(request: AnswerRequest): Promise<Answer>;
  /** The system prompt rewritten to include the owner's instruction. */
  rewritePrompt(bot: BotPersona, instruction: string): Promise<string>;
  /** Turns an owner's text into an FAQ entry or product; undefined when it cannot. */
  draftKnowledge(text: string): Promise<KnowledgeDraft | undefined>;
}
