/** What the responder says on its own, in Traditional Chinese. */
import { formatPrice } from './prompt.js';
import type { ProductEntry } from './types.js';

export const aiTexts = {
  /** The provider failed or took too long. */
  apology: () => '抱歉，我現在暫時無法回覆，請稍後再試一次。造成不便，敬請見諒。',
  /** No AI model is set up and the bot's own knowledge has no answer. */
  noModel: () =>
    [
      '抱歉，這個問題我還不知道答案。',
      '這個機器人目前還沒有設定 AI 模型，只能回答店家設定好的常見問題與商品資訊。',
      '（店長可以用「@更新知識 Q: 問題 A: 答案」教我新的問答。）',
    ].join('\n'),
  product: (product: ProductEntry) =>
    [
      `${product.name}：${formatPrice(product.price)}`,
      ...(product.description === null ? [] : [product.description]),
      ...(product.url === null ? [] : [product.url]),
    ].join('\n'),
  /** The rule for `@修改人設` when no model is set up (or it failed). */
  promptWithInstruction: (prompt: string, instruction: string) =>
    prompt.trim() === ''
      ? `補充指示：${instruction}`
      : `${prompt.trimEnd()}\n補充指示：${instruction}`,
};
