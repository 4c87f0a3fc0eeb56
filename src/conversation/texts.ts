/** What the bots say on their own (not from the AI), in Traditional Chinese. */
import { formatPrice } from '../ai/prompt.js';
import type { FaqEntry, ProductEntry } from '../ai/types.js';
import { MAX_FAQS_PER_BOT } from '../knowledge/limits.js';

const BIND_EXAMPLE = '「@我是店長 綁定碼」（例如：@我是店長 7KQ2MX）';

export const OWNER_COMMANDS_HELP = [
  '店長可以使用這些指令：',
  '・@調閱人設：查看機器人目前的人設',
  '・@修改人設 說明：依說明修改人設',
  '・@調閱知識：列出常見問答與商品',
  '・@店長聽令 內容：新增一筆常見問答或商品',
  '・#解除綁定：解除與機器人的綁定',
].join('\n');

export const TEACH_FORMATS = [
  '我沒辦法從這段文字整理出知識。請用下列其中一種格式：',
  '・常見問答：@店長聽令 Q: 營業時間？ A: 早上九點到晚上六點',
  '・商品：@店長聽令 商品: 招牌便當 價格: 120 說明: 附湯與小菜',
].join('\n');

export const texts = {
  welcomeCentral: () =>
    `歡迎加入！\n如果您已經申請了專屬的 AI 助理，請輸入${BIND_EXAMPLE}完成綁定，綁定後就能直接和它聊天。`,
  welcomeBack: (storeName: string) =>
    `歡迎回來！您已綁定「${storeName}」，直接輸入問題就可以開始聊天。`,
  welcomeDedicated: (storeName: string) =>
    `歡迎加入「${storeName}」！有任何問題，直接傳訊息給我就可以了。`,
  bindingInstructions: () =>
    `您還沒有綁定 AI 助理。請輸入${BIND_EXAMPLE}或「#綁定 綁定碼」完成綁定；綁定碼可以向提供服務的業者取得。`,
  codeNeeded: () => `這個官方帳號由許多 AI 助理共用，綁定時需要綁定碼。請輸入${BIND_EXAMPLE}。`,
  bound: (storeName: string) =>
    `綁定成功！您現在是「${storeName}」的店長，可以直接和它聊天。\n\n${OWNER_COMMANDS_HELP}`,
  alreadyBound: (storeName: string) => `您已經綁定「${storeName}」了，不需要再綁定一次。`,
  boundToSomeoneElse: () =>
    '這個 AI 助理已經綁定其他 LINE 帳號，無法再綁定。如有疑問，請聯絡提供服務的業者。',
  wrongCode: () => '綁定碼不正確或已經過期，請確認後再試一次。',
  tooManyAttempts: () => '嘗試綁定的次數太多了，請稍後（約 15 分鐘後）再試。',
  claimed: (storeName: string) => `您已成為「${storeName}」的店長！\n\n${OWNER_COMMANDS_HELP}`,
  alreadyYours: (storeName: string) => `您已經是「${storeName}」的店長了。`,
  alreadyTaken: () => '這個帳號已經有店長了。如果您是店長，請聯絡提供服務的業者協助處理。',
  notBound: () => '您目前沒有綁定任何 AI 助理。',
  unbound: (storeName: string) =>
    `已解除與「${storeName}」的綁定。之後如需再次綁定，請向提供服務的業者索取新的綁定碼。`,
  showPrompt: (prompt: string) => `目前的人設如下：\n\n${prompt}`,
  editPromptUsage: () => '請在指令後面說明想怎麼修改，例如：「@修改人設 說話更活潑一點」。',
  promptTooLong: () => '修改後的人設超過 10,000 字，沒有儲存。請換個比較精簡的說明再試一次。',
  promptUpdated: (prompt: string) => `人設已更新，新的人設如下：\n\n${prompt}`,
  faqSaved: (question: string, answer: string) => `已新增常見問答：\nQ：${question}\nA：${answer}`,
  productSaved: (name: string, price: number) => `已新增商品：${name}（${formatPrice(price)}）`,
  knowledgeFull: () =>
    `知識已達上限（常見問答與商品各最多 ${MAX_FAQS_PER_BOT} 筆），這筆沒有新增。請先刪除用不到的項目。`,
  nonText: () => '謝謝您的訊息！目前我只看得懂文字，請用文字告訴我您想問什麼。',
  tryLater: () => '抱歉，現在無法處理這個指令，請稍後再試一次。',
  noAnswer: () => '抱歉，我現在無法回答，請稍後再試一次。',
  knowledge: (faqs: readonly FaqEntry[], products: readonly ProductEntry[]) =>
    knowledgeList(faqs, products),
};

function productLine(product: ProductEntry, index: number): string {
  const extras = [product.description, product.url].filter((part) => part !== null);

  return `${index + 1}. ${product.name}（${formatPrice(product.price)}）${extras.length > 0 ? `\n   ${extras.join('\n   ')}` : ''}`;
}

function knowledgeList(faqs: readonly FaqEntry[], products: readonly ProductEntry[]): string {
  if (faqs.length === 0 && products.length === 0) {
    return `目前還沒有任何知識。\n\n${TEACH_FORMATS.split('\n').slice(1).join('\n')}`;
  }
  const faqPart = faqs.map((faq, i) => `${i + 1}. Q：${faq.question}\n   A：${faq.answer}`);
  const productPart = products.map(productLine);

  return [
    `常見問答（${faqs.length} 則）：`,
    ...(faqPart.length > 0 ? faqPart : ['（尚無）']),
    '',
    `商品（${products.length} 項）：`,
    ...(productPart.length > 0 ? productPart : ['（尚無）']),
  ].join('\n');
}
