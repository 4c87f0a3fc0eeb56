import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { eq } from 'drizzle-orm';

import { TEACH_FORMATS, texts } from '../../src/conversation/texts.js';
import { bots, faqs, products } from '../../src/db/schema.js';
import { inboxTexts } from '../support/line-webhook.js';
import { lineUser, provision } from '../support/partner-fixtures.js';
import {
  createTestPartner,
  startTestService,
  type TestPartner,
  type TestService,
} from '../support/service.js';

const PROMPT = '你是小王早餐店的店員，用親切的語氣回答客人。';

describe('an owner teaching and tuning their bot from the chat, with no AI model set up', () => {
  let service: TestService;
  let partner: TestPartner;
  let botId: string;
  const owner = lineUser(401);

  before(async () => {
    service = await startTestService();
    partner = await createTestPartner(service);
    const bot = await provision(service, partner.apiKey, {
      store_name: '小王早餐店',
      system_prompt: PROMPT,
      owner_line_user_id: owner,
    });
    botId = bot.bot_id;
  });
  after(async () => service.close());

  async function say(text: string, user = owner): Promise<string> {
    const before = service.emulator.inbox(user).length;
    assert.equal((await service.emulator.sendText(partner.channelId, user, text)).status, 200);

    return (await inboxTexts(service, user, before + 1)).slice(before).join('\n');
  }

  it('files an FAQ taught with @店長聽令 and answers a later question from it', async () => {
    const filed = await say('@店長聽令 Q: 營業時間？ A: 早上九點到晚上六點');
    assert.equal(filed, texts.faqSaved('營業時間？', '早上九點到晚上六點'));
    const rows = await service.ctx.db.select().from(faqs).where(eq(faqs.botId, botId));
    assert.deepEqual(
      rows.map((row) => [row.question, row.answer]),
      [['營業時間？', '早上九點到晚上六點']],
    );

    assert.equal(await say('請問你們的營業時間？'), '早上九點到晚上六點');
  });

  it('files a product taught with ＠更新知識 and lists everything with @調閱知識', async () => {
    const filed = await say('＠更新知識 商品: 招牌蛋餅 價格: 45 說明: 加起司另收 10 元');
    assert.equal(filed, texts.productSaved('招牌蛋餅', 45));
    const [product] = await service.ctx.db.select().from(products).where(eq(products.botId, botId));
    assert.equal(product?.name, '招牌蛋餅');

    const listed = await say('@調閱知識');
    assert.equal(
      listed,
      texts.knowledge(
        [{ id: '', question: '營業時間？', answer: '早上九點到晚上六點' }],
        [{ id: '', name: '招牌蛋餅', price: 45, url: null, description: '加起司另收 10 元' }],
      ),
    );
  });

  it('answers text it cannot file with the accepted formats, and files nothing', async () => {
    assert.equal(await say('@店長聽令 明天公休'), TEACH_FORMATS);
    assert.equal(await say('@店長聽令'), TEACH_FORMATS);
    const rows = await service.ctx.db.select().from(faqs).where(eq(faqs.botId, botId));
    assert.equal(rows.length, 1);
  });

  it('shows the persona with @調閱人設 and adds an instruction with @修改人設', async () => {
    assert.equal(await say('@調閱人設'), texts.showPrompt(PROMPT));
    assert.equal(await say('@修改人設'), texts.editPromptUsage());

    const expected = `${PROMPT}\n補充指示：回答時多用表情符號`;
    assert.equal(await say('@修改人設 回答時多用表情符號'), texts.promptUpdated(expected));
    const [bot] = await service.ctx.db.select().from(bots).where(eq(bots.id, botId));
    assert.equal(bot?.systemPrompt, expected);
  });

  it('treats owner commands from someone who owns no bot as ordinary chat', async () => {
    const stranger = lineUser(402);
    assert.equal(await say('@修改人設 你是海盜', stranger), texts.bindingInstructions());
    assert.equal(await say('@店長聽令 Q: a A: b', stranger), texts.bindingInstructions());
    const [bot] = await service.ctx.db.select().from(bots).where(eq(bots.id, botId));
    assert.equal(bot?.systemPrompt, `${PROMPT}\n補充指示：回答時多用表情符號`);
  });
});
